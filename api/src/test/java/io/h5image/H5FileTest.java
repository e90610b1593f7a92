package io.h5image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class H5FileTest {

    /** A small file with a bit of everything this step covers. */
    static byte[] sample() {
        try (H5File file = H5File.create()) {
            file.createDataset("run/temperature", new double[] {21.5, 22.0, 22.5});
            file.createDataset("run/counts", new int[][] {{1, 2}, {3, 4}});
            file.createDataset("flags", new boolean[] {true, false});
            file.createDataset("label", "sensor α");
            file.createDataset("names", new String[] {"a", "bé", ""});
            Group run = file.group("run");
            run.attributes().put("units", "C");
            run.attributes().put("rate", 2.5);
            run.attributes().put("id", 7);
            run.attributes().put("shape", new long[] {3, 4});
            run.attributes().put("tags", new String[] {"x", "y"});
            file.attributes().put("version", (short) 3);
            file.createGroup("empty/nested");
            return file.toBytes();
        }
    }

    @Test
    void aWrittenFileReadsBackAsWritten() {
        byte[] image = sample();
        try (H5File file = H5File.open(image)) {
            assertEquals(List.of("run", "flags", "label", "names", "empty"), file.names(), "creation order");
            assertEquals(List.of("temperature", "counts"), file.group("run").names());
            NdArray t = file.dataset("run/temperature").read();
            assertTrue(t.isView(), "contiguous data of an image is a view");
            assertArrayEquals(new double[] {21.5, 22.0, 22.5}, (double[]) t.toArray());
            assertArrayEquals(new int[][] {{1, 2}, {3, 4}}, (int[][]) file.dataset("/run/counts").read().toArray());
            assertArrayEquals(new long[] {2, 2}, file.dataset("run/counts").shape());
            assertArrayEquals(new boolean[] {true, false}, (boolean[]) file.dataset("flags").read().toArray());
            assertArrayEquals(new String[] {"sensor α"}, file.dataset("label").readStrings());
            assertArrayEquals(new long[0], file.dataset("label").shape());
            assertArrayEquals(new String[] {"a", "bé", ""}, file.dataset("names").readStrings());
            Attributes attrs = file.group("run").attributes();
            assertEquals(Set.of("units", "rate", "id", "shape", "tags"), attrs.names());
            assertEquals(List.of("units", "rate", "id", "shape", "tags"), List.copyOf(attrs.names()), "creation order");
            assertEquals("C", attrs.get("units"));
            assertEquals(2.5, attrs.get("rate"));
            assertEquals(7, attrs.get("id"));
            assertArrayEquals(new long[] {3, 4}, (long[]) attrs.get("shape"));
            assertArrayEquals(new String[] {"x", "y"}, (String[]) attrs.get("tags"));
            assertEquals((short) 3, file.attributes().get("version"));
            assertTrue(file.contains("empty/nested") && !file.contains("empty/other") && !file.contains("nope/deeper"));
            assertEquals(List.of(), file.group("empty/nested").names());
        }
    }

    @Test
    void imagesAreTheSameFromToImageAndToBytesAndDeterministic() {
        try (H5File file = H5File.create(); Arena arena = Arena.ofConfined()) {
            file.createDataset("x", new float[] {1, 2});
            file.attributes().put("a", "b");
            byte[] bytes = file.toBytes();
            MemorySegment image = file.toImage(arena);
            assertArrayEquals(bytes, image.toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(bytes, sameAgain(), "identical input gives identical images");
        }
    }

    private static byte[] sameAgain() {
        try (H5File file = H5File.create()) {
            file.createDataset("x", new float[] {1, 2});
            file.attributes().put("a", "b");
            return file.toBytes();
        }
    }

    /** Driver memory is reused per thread: a later image must not carry an earlier one's bytes. */
    @Test
    void noImageCarriesAnEarlierImagesBytes() throws Exception {
        byte[][] fresh = new byte[1][];
        Thread clean = Thread.ofPlatform().start(() -> fresh[0] = small());
        clean.join();
        try (H5File big = H5File.create()) {
            byte[] filler = new byte[300_000];
            java.util.Arrays.fill(filler, (byte) 0x5A);
            big.createDataset("filler", filler);
            big.attributes().put("note", "x".repeat(1000));
            big.toBytes();
        }
        assertArrayEquals(fresh[0], small(), "the same file written after a bigger one must be byte-identical");
    }

    private static byte[] small() {
        try (H5File file = H5File.create()) {
            file.createGroup("g");
            file.createDataset("g/x", new int[] {1, 2, 3});
            file.attributes().put("a", "b");
            return file.toBytes();
        }
    }

    /** Variable-length strings are read in Java from the global heap: corrupt heap bytes are an InvalidImageException. */
    @Test
    void corruptHeapStringsFailCleanlyInJava() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("names", new String[] {"alpha", "beta"});
            image = file.toBytes();
        }
        int gcol = indexOf(image, "GCOL".getBytes());
        assertTrue(gcol > 0, "the image has a global heap collection");
        // Object 1's size (8 bytes at collection + 16 + 8): far past the collection's end.
        byte[] huge = image.clone();
        huge[gcol + 16 + 8 + 6] = 0x7f;
        try (H5File file = H5File.open(huge)) {
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> file.dataset("names").readStrings());
            assertTrue(e.getMessage().contains("global heap collection") && e.getMessage().contains("/names"), e.getMessage());
        }
        byte[] noSignature = image.clone();
        noSignature[gcol] = 'X';
        try (H5File file = H5File.open(noSignature)) {
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> file.dataset("names").readStrings());
            assertTrue(e.getMessage().contains("no GCOL signature"), e.getMessage());
        }
    }

    /** String attributes of an image from bytes are read in Java too, compact or (past 8) through libhdf5, and corruption is named. */
    @Test
    void stringAttributesFromBytesAreReadInJavaAndCorruptionIsNamed() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createGroup("g");
            file.group("g").attributes().put("title", "Größe ✓");
            file.group("g").attributes().put("tags", new String[] {"a", "", "ccc"});
            file.createGroup("many");
            for (int i = 0; i < 12; i++) file.group("many").attributes().put("a" + i, "value " + i); // past libhdf5's 8
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            assertEquals("Größe ✓", file.group("g").attributes().get("title"));
            assertArrayEquals(new String[] {"a", "", "ccc"}, (String[]) file.group("g").attributes().get("tags"));
            for (int i = 0; i < 12; i++) assertEquals("value " + i, file.group("many").attributes().get("a" + i));
        }
        int gcol = indexOf(image, "GCOL".getBytes());
        byte[] huge = image.clone();
        huge[gcol + 16 + 8 + 6] = 0x7f; // object 1's size, far past the collection's end
        try (H5File file = H5File.open(huge)) {
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> file.group("g").attributes().get("title"));
            assertTrue(e.getMessage().contains("global heap collection") && e.getMessage().contains("attribute 'title' of '/g'"),
                    e.getMessage());
        }
    }

    /** Every in-memory file has its own name: libhdf5 refuses to create a file whose name is open. */
    @Test
    void serializingWhileAFileIsOpenWorks() {
        boolean templates = io.h5image.internal.ImageTemplates.enabled();
        io.h5image.internal.ImageTemplates.setEnabled(false); // every image through libhdf5
        try (H5File file = H5File.create(); H5File other = H5File.create()) {
            file.createDataset("x", new int[] {1});
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(new double[] {i}, (double[]) H5Image.deserialize(H5Image.serialize(new double[] {i})).toArray());
            }
            other.createDataset("y", new int[] {2});
            assertArrayEquals(new int[] {1}, (int[]) file.dataset("x").read().toArray());
        } finally {
            io.h5image.internal.ImageTemplates.setEnabled(templates);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void theImageIsTakenWithOneAllocationOfTheExactSize() {
        try (H5File file = H5File.create(); Arena arena = Arena.ofConfined()) {
            file.createDataset("x", new long[100]);
            long[] asked = new long[2];
            MemorySegment image = file.toImage((size, alignment) -> {
                asked[0]++;
                asked[1] = size;
                return arena.allocate(size, alignment);
            });
            assertEquals(1, asked[0]);
            assertEquals(image.byteSize(), asked[1]);
            assertArrayEquals(new long[100], (long[]) H5Image.deserialize(image, "x").toArray());
        }
    }

    @Test
    void aFileKeepsChangingAfterAnImageIsTaken() {
        try (H5File file = H5File.create()) {
            file.createDataset("first", new int[] {1});
            byte[] before = file.toBytes();
            file.createDataset("second", new int[] {2});
            file.attributes().put("note", "later");
            byte[] after = file.toBytes();
            try (H5File old = H5File.open(before); H5File now = H5File.open(after)) {
                assertEquals(List.of("first"), old.names());
                assertEquals(List.of("first", "second"), now.names());
                assertEquals("later", now.attributes().get("note"));
            }
        }
    }

    @Test
    void missingPathsCarryThePath() {
        try (H5File file = H5File.open(sample())) {
            NotFoundException noGroup = assertThrows(NotFoundException.class, () -> file.group("run/nothing"));
            assertEquals("/run/nothing", noGroup.path());
            NotFoundException notADataset = assertThrows(NotFoundException.class, () -> file.dataset("run"));
            assertTrue(notADataset.getMessage().contains("is a group, not a dataset"), notADataset.getMessage());
            NotFoundException notAGroup = assertThrows(NotFoundException.class, () -> file.group("flags"));
            assertTrue(notAGroup.getMessage().contains("is a dataset, not a group"), notAGroup.getMessage());
            NotFoundException noAttribute = assertThrows(NotFoundException.class, () -> file.attributes().get("nope"));
            assertEquals("/", noAttribute.path());
            assertTrue(noAttribute.getMessage().contains("no attribute 'nope'"), noAttribute.getMessage());
            UnsupportedTypeException strings = assertThrows(UnsupportedTypeException.class, () -> file.dataset("flags").readStrings());
            assertTrue(strings.getMessage().contains("/flags"), strings.getMessage());
        }
    }

    @Test
    void writingAReadOnlyFileOrOverAnExistingPathIsRefused() {
        try (H5File file = H5File.open(sample())) {
            assertThrows(UnsupportedOperationException.class, () -> file.createGroup("g"));
            assertThrows(UnsupportedOperationException.class, () -> file.attributes().put("a", 1));
            assertThrows(UnsupportedOperationException.class, file::toBytes);
        }
        try (H5File file = H5File.create()) {
            file.createDataset("a/b", new int[] {1});
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> file.createGroup("a/b"));
            assertTrue(taken.getMessage().contains("'/a/b'") && taken.getMessage().contains("already"), taken.getMessage());
            assertThrows(NotFoundException.class, () -> file.createDataset("a/b/c", new int[] {1}),
                    "a dataset cannot hold children");
            assertThrows(UnsupportedValueException.class, () -> file.createDataset("d", new Object()));
            assertFalse(file.contains("d"), "a refused value leaves nothing behind");
        }
    }

    @Test
    void closingTheFileClosesWhatItHandedOut() {
        H5File file = H5File.open(sample());
        Group run = file.group("run");
        Dataset temperature = run.dataset("temperature");
        Attributes attributes = run.attributes();
        NdArray view = temperature.read();
        file.close();
        file.close(); // idempotent
        for (org.junit.jupiter.api.function.Executable use : List.<org.junit.jupiter.api.function.Executable>of(
                run::names, temperature::read, temperature::shape, () -> attributes.get("units"), file::names,
                () -> file.dataset("run/temperature"))) {
            AlreadyClosedException e = assertThrows(AlreadyClosedException.class, use);
            assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        }
        assertArrayEquals(new double[] {21.5, 22.0, 22.5}, (double[]) view.toArray(),
                "a view of an array image lives as long as the array, not the file");
    }

    @Test
    void aClosedImageMakesTheFileClosedNotCorrupt() {
        Arena arena = Arena.ofShared();
        byte[] bytes = sample();
        MemorySegment image = arena.allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, image, 0, bytes.length);
        try (H5File file = H5File.open(image)) {
            assertEquals(3, file.dataset("run/temperature").shape()[0]);
            arena.close();
            AlreadyClosedException e = assertThrows(AlreadyClosedException.class, () -> file.dataset("run/temperature").shape());
            assertTrue(e.getMessage().contains("memory"), e.getMessage());
        }
    }

    @Test
    void mappedFilesAreViewedInPlaceUntilClosed(@TempDir Path dir) throws Exception {
        Path path = Files.write(dir.resolve("sample.h5"), sample());
        NdArray view;
        try (H5File file = H5File.open(path)) {
            view = file.dataset("run/temperature").read();
            assertTrue(view.isView());
            assertArrayEquals(new double[] {21.5, 22.0, 22.5}, (double[]) view.toArray());
        }
        assertThrows(AlreadyClosedException.class, view::toArray, "the mapping went with the file");
        Path empty = Files.write(dir.resolve("empty.h5"), new byte[0]);
        assertThrows(InvalidImageException.class, () -> H5File.open(empty));
    }

    @Test
    void filesBeingWrittenReadBackCopies() {
        try (H5File file = H5File.create()) {
            file.createDataset("x", new short[] {5, 6});
            NdArray x = file.dataset("x").read();
            assertFalse(x.isView(), "a file being written moves as it grows: reads are copies");
            assertArrayEquals(new short[] {5, 6}, (short[]) x.toArray());
            assertEquals(Arrays.asList("x"), file.names());
        }
    }

    @Test
    void manyFilesOnManyThreads() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        // Files made on one thread and written on another: nothing routes through a thread-local.
        H5File[] files = new H5File[4];
        for (int i = 0; i < files.length; i++) files[i] = H5File.create();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int round = 0; round < 40; round++) {
                        H5File file = files[(thread + round) % files.length];
                        file.createDataset("t" + thread + "/r" + round, new int[] {thread, round});
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) thread.join();
        assertEquals(List.of(), failures);
        for (H5File file : files) {
            byte[] image = file.toBytes();
            file.close();
            try (H5File back = H5File.open(image)) {
                for (String group : back.names()) {
                    int thread = Integer.parseInt(group.substring(1));
                    for (String name : back.group(group).names()) {
                        int round = Integer.parseInt(name.substring(1));
                        assertArrayEquals(new int[] {thread, round}, (int[]) back.dataset(group + "/" + name).read().toArray());
                    }
                }
            }
        }
    }
}
