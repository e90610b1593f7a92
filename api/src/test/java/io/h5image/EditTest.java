package io.h5image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Editing a copy of an image: add, replace and delete datasets, groups and attributes; the new
 * image holds every change and everything kept; the original is never touched.
 */
class EditTest {

    @TempDir
    Path dir;

    /** A file with a contiguous and a chunked dataset, a group, strings and attributes. */
    private static byte[] original() {
        try (H5File file = H5File.create()) {
            file.createDataset("run/temperature", new double[] {21.5, 22.0, 22.5});
            file.createDataset("run/names", new String[] {"a", "bb"});
            file.createDataset("old", new int[] {1, 2, 3});
            file.group("run").attributes().put("units", "C");
            file.attributes().put("version", 1);
            file.attributes().put("doomed", "x");
            return file.toBytes();
        }
    }

    private static void edits(H5File file) {
        file.createDataset("run/pressure", new float[][] {{1, 2}, {3, 4}});
        file.delete("old");
        file.createDataset("old", new long[] {7, 8}); // replaced: another type and shape
        file.createGroup("new/deeper");
        file.attributes().put("version", 2);
        assertTrue(file.attributes().remove("doomed"));
        assertFalse(file.attributes().remove("doomed"), "nothing left to remove");
        file.dataset("run/temperature").attributes().put("sensor", "T1");
    }

    private static void assertEdited(H5File file) {
        assertArrayEquals(new double[] {21.5, 22.0, 22.5}, (double[]) file.dataset("run/temperature").read().toArray());
        assertArrayEquals(new String[] {"a", "bb"}, file.dataset("run/names").readStrings());
        assertTrue(Arrays.deepEquals(new float[][] {{1, 2}, {3, 4}}, (float[][]) file.dataset("run/pressure").read().toArray()));
        assertArrayEquals(new long[] {7, 8}, (long[]) file.dataset("old").read().toArray());
        assertTrue(file.contains("new/deeper"));
        assertEquals(2, file.attributes().get("version"));
        assertEquals(Set.of("version"), file.attributes().names());
        assertEquals("C", file.group("run").attributes().get("units"));
        assertEquals("T1", file.dataset("run/temperature").attributes().get("sensor"));
    }

    @Test
    void editsOfACopyLeaveTheOriginalAsItWas() {
        byte[] original = original();
        byte[] before = original.clone();
        byte[] edited;
        try (H5File file = H5File.edit(original)) {
            assertEquals(List.of("run", "old"), file.names());
            edits(file);
            assertEdited(file); // read back from the file being edited
            edited = file.toBytes();
        }
        assertArrayEquals(before, original, "the original is never written");
        try (H5File file = H5File.open(edited)) {
            assertEdited(file);
        }
        try (H5File file = H5File.open(original)) {
            assertArrayEquals(new int[] {1, 2, 3}, (int[]) file.dataset("old").read().toArray());
            assertEquals("x", file.attributes().get("doomed"));
        }
    }

    @Test
    void editsOfASegmentIntoTheCallersMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment original = arena.allocateFrom(ValueLayout.JAVA_BYTE, original());
            byte[] before = original.toArray(ValueLayout.JAVA_BYTE);
            MemorySegment edited;
            try (H5File file = H5File.edit(original)) {
                edits(file);
                edited = file.toImage(arena);
                byte[] again = file.toBytes();
                assertArrayEquals(again, edited.toArray(ValueLayout.JAVA_BYTE), "toImage and toBytes give the same bytes");
                MemorySegment onHeap = file.toImage((size, alignment) -> MemorySegment.ofArray(new byte[(int) size]));
                assertArrayEquals(again, onHeap.toArray(ValueLayout.JAVA_BYTE), "a heap allocator gets them too");
            }
            assertArrayEquals(before, original.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(arena.scope(), edited.scope());
            try (H5File file = H5File.open(edited)) {
                assertEdited(file);
            }
        }
    }

    @Test
    void editingAnEditedImageAndItsChunkedData() {
        byte[] chunked = H5Image.serializeToBytes(new int[][] {{1, 2, 3}, {4, 5, 6}}, ImageOptions.defaults().chunks(1, 3).deflate(1));
        byte[] once;
        try (H5File file = H5File.edit(chunked)) {
            assertTrue(Arrays.deepEquals(new int[][] {{1, 2, 3}, {4, 5, 6}}, (int[][]) file.dataset("data").read().toArray()));
            assertTrue(Arrays.deepEquals(new int[][] {{4, 5, 6}},
                    (int[][]) file.dataset("data").readSlab(new long[] {1, 0}, new long[] {1, 3}).toArray()));
            file.createDataset("more", 3.5);
            once = file.toBytes();
        }
        byte[] twice;
        try (H5File file = H5File.edit(once)) {
            file.dataset("more").attributes().put("note", "second edit");
            twice = file.toBytes();
        }
        try (H5File file = H5File.open(twice)) {
            assertEquals(3.5, file.dataset("more").read().toArray());
            assertEquals("second edit", file.dataset("more").attributes().get("note"));
            assertEquals(1, H5Image.deserialize(twice).toArray() instanceof int[][] rows ? rows[0][0] : -1);
        }
    }

    @Test
    void editAFileOnDiskAndSaveIt() throws Exception {
        Path path = dir.resolve("f.h5");
        Files.write(path, original());
        try (H5File file = H5File.edit(path)) {
            edits(file);
            assertArrayEquals(original(), Files.readAllBytes(path), "editing leaves the file as it is until saved");
            file.writeTo(path);
        }
        try (H5File file = H5File.open(path)) {
            assertEdited(file);
        }
    }

    @Test
    void deleteRemovesGroupsWithEverythingUnderThem() {
        try (H5File file = H5File.edit(original())) {
            file.delete("/run");
            assertFalse(file.contains("run"));
            assertFalse(file.contains("run/temperature"));
            NotFoundException missing = assertThrows(NotFoundException.class, () -> file.delete("run/temperature"));
            assertTrue(missing.getMessage().contains("/run/temperature"), missing.getMessage());
            assertThrows(IllegalArgumentException.class, () -> file.delete("/"));
            byte[] image = file.toBytes();
            try (H5File back = H5File.open(image)) {
                assertEquals(List.of("old"), back.names());
            }
        }
    }

    @Test
    void readOnlyFilesRefuseEdits() {
        try (H5File file = H5File.open(original())) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> file.delete("old"));
            assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains("/old"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> file.attributes().remove("version"));
        }
    }

    @Test
    void corruptImagesAreRefusedBeforeLibhdf5WritesThem() {
        byte[] image = original();
        InvalidImageException truncated = assertThrows(InvalidImageException.class,
                () -> H5File.edit(Arrays.copyOf(image, 600)));
        assertNotNull(truncated.getMessage());
        InvalidImageException notHdf5 = assertThrows(InvalidImageException.class, () -> H5File.edit(new byte[100]));
        assertTrue(notHdf5.getMessage().contains("not an HDF5 image"), notHdf5.getMessage());
    }

    @Test
    void aClosedEditedFileSaysSo() {
        H5File file = H5File.edit(original());
        Dataset d = file.dataset("old");
        file.close();
        assertThrows(AlreadyClosedException.class, d::read);
        assertThrows(AlreadyClosedException.class, file::toBytes);
        assertThrows(AlreadyClosedException.class, () -> file.createDataset("x", 1));
    }

    @Test
    void recordsAndGeneralValuesSurviveAnEdit() {
        record P(int x, double y) {}
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("p", new P[] {new P(1, 2), new P(3, 4)});
            image = file.toBytes();
        }
        try (H5File file = H5File.edit(image)) {
            assertEquals(List.of(new P(1, 2), new P(3, 4)), file.dataset("p").readRecords(P.class));
            Object[] values = (Object[]) file.dataset("p").readValue();
            assertEquals(Map.of("x", 1, "y", 2.0), values[0]);
        }
    }
}
