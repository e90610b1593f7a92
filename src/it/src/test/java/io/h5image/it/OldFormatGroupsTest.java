package io.h5image.it;

import io.h5image.H5File;
import io.h5image.H5Image;
import io.h5image.InvalidImageException;
import io.h5image.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Groups in h5py's default layout (symbol tables: a version 1 B-tree, symbol nodes and a local heap
 * of names, with no checksum anywhere), which h5image reads in Java and libhdf5 never walks: objects
 * are opened by the address Java found. The file is the {@code h5py-default.h5} resource that
 * make_fuzz_seed.py wrote. Each structure corrupted in turn is an {@link InvalidImageException}
 * that names it, and the fuzzed images that hung and crashed libhdf5 when it walked these groups
 * itself are replayed in child JVMs.
 */
class OldFormatGroupsTest {

    @TempDir
    Path dir;

    private static byte[] file() throws IOException {
        try (InputStream in = OldFormatGroupsTest.class.getResourceAsStream("h5py-default.h5")) {
            assertNotNull(in, "test resource h5py-default.h5");
            return in.readAllBytes();
        }
    }

    @Test
    void readsSymbolTableGroups() throws IOException {
        try (H5File h5 = H5File.open(file())) {
            assertEquals(List.of("a", "fixed", "flags", "labels", "many", "run", "soft"), h5.names());
            assertArrayEquals(new double[] {21.5, 22.0, -1e300}, (double[]) h5.dataset("soft").read().toArray());
            assertEquals("C", h5.group("run").attributes().get("units"));
            assertEquals(12, h5.group("many").names().size());
            assertArrayEquals(new int[] {0, 1, 2}, (int[]) h5.dataset("a/b/c/d").read().toArray());
        }
    }

    @Test
    void anImpossibleLinkNameIsACorruptImage() throws IOException {
        byte[] bytes = file();
        int node = rootSymbolNode(bytes);
        // The first entry's link name offset (8 bytes after the node's 8-byte prefix) to 0: the
        // local heap's empty string.
        for (int i = 0; i < 8; i++) bytes[node + 8 + i] = 0;
        try (H5File h5 = H5File.open(bytes)) {
            InvalidImageException e = assertThrows(InvalidImageException.class, h5::names);
            assertEquals("'/' has a link named '': the image is corrupt", e.getMessage());
        }
    }

    @Test
    void linksAreFollowedInJavaNotByLibhdf5() throws IOException {
        byte[] bytes = file();
        long tree = rootTree(bytes);
        // The root B-tree node's right key (the heap offset of its greatest name) to 0, the empty
        // name: libhdf5's lookup, a search by these keys, now finds no name at all.
        putLong(bytes, (int) tree + 8 + 16 + 8 + 8, 0);
        Path image = Files.write(dir.resolve("keys-zeroed.h5"), bytes);
        Tools.requirePython();
        Tools.Result h5py = Tools.run(List.of(Tools.python(), "-c",
                "import h5py, sys\nf = h5py.File(sys.argv[1], 'r')\nprint('a' in f, 'soft' in f)", image.toString()), dir);
        assertEquals("False False", h5py.stdout().strip(), "libhdf5's own lookup through the zeroed keys\n" + h5py.describe());
        try (H5File h5 = H5File.open(bytes)) {
            assertEquals(List.of("a", "fixed", "flags", "labels", "many", "run", "soft"), h5.names());
            assertArrayEquals(new int[] {0, 1, 2}, (int[]) h5.dataset("a/b/c/d").read().toArray());
            assertArrayEquals(new double[] {21.5, 22.0, -1e300}, (double[]) h5.dataset("soft").read().toArray());
            assertEquals("C", h5.group("run").attributes().get("units"));
            assertTrue(h5.contains("a/b/c/d"));
            assertFalse(h5.contains("a/nothing"));
            NotFoundException missing = assertThrows(NotFoundException.class, () -> h5.dataset("a/nothing"));
            assertEquals("/a/nothing", missing.path());
            var found = H5Image.inspect(java.lang.foreign.MemorySegment.ofArray(bytes));
            assertEquals(List.of("a/b/c/d", "fixed", "flags", "labels", "run/counts", "run/temperature"),
                    found.stream().map(d -> d.path()).toList(), found::toString);
            assertTrue(found.stream().allMatch(d -> d.problem() == null), found::toString);
        }
    }

    /**
     * Each old-format structure corrupted in turn: a clean {@link InvalidImageException} that names
     * the group and what is wrong, from Java, before libhdf5 could read it.
     */
    @Test
    void corruptSymbolTablesFailCleanly() throws IOException {
        byte[] original = file();
        long tree = rootTree(original);
        long heap = getLong(original, 88);
        int node = rootSymbolNode(original);
        Map<String, java.util.function.Consumer<byte[]>> corruptions = new LinkedHashMap<>();
        corruptions.put("no group B-tree node (TREE, type 0) at " + tree, b -> b[(int) tree] = 'X');
        corruptions.put("no symbol table node (SNOD, version 1)", b -> b[node] = 'X');
        corruptions.put("no local heap (HEAP, version 0) at " + heap, b -> b[(int) heap] = 'X');
        corruptions.put("its local heap's data at", b -> putLong(b, (int) heap + 8 + 16, 1L << 40));
        corruptions.put("a link name at offset 4096", b -> putLong(b, node + 8, 4096));
        corruptions.put("node at " + tree + " reached twice", b -> putLong(b, (int) tree + 8 + 16 + 8, tree));
        corruptions.put("a symbol table node at", b -> putShort(b, node + 6, 60000));
        corruptions.put("of level 200", b -> b[(int) tree + 5] = (byte) 200);
        List<String> failures = new ArrayList<>();
        for (var corruption : corruptions.entrySet()) {
            byte[] bytes = original.clone();
            corruption.getValue().accept(bytes);
            try (H5File h5 = H5File.open(bytes)) {
                InvalidImageException e = assertThrows(InvalidImageException.class, h5::names, corruption.getKey());
                if (!e.getMessage().startsWith("'/' has ") || !e.getMessage().contains(corruption.getKey())
                        || !e.getMessage().endsWith("the image is corrupt")) {
                    failures.add("expected '" + corruption.getKey() + "', got: " + e.getMessage());
                }
                assertThrows(InvalidImageException.class, () -> h5.dataset("a/b/c/d"), corruption.getKey());
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    /**
     * Mutations of this file that hung libhdf5 1.14.3 in {@code H5HL_protect} (a, b: listing a
     * group through libhdf5) and in {@code H5HG__protect} (c: strings of a dataset whose contiguous
     * size was mutated, which sent them past the Java decoder into the global heap code) and crashed 1.10.8 (a, b, c: an enumeration's or its base type's size,
     * decoded by {@code H5Oopen}; d: compact data shorter than the dataset, read by {@code H5Dread}),
     * and one that exhausted h5image's heap (oom: 2^31 one-byte strings claimed by a 23 KB image),
     * found by bin/fuzz, replayed in a child JVM under MALLOC_PERTURB_: every read ends in a value or
     * an {@code H5Exception}, on the library this run tests.
     */
    @Test
    void keptFuzzImagesNeitherCrashNorHang() throws IOException {
        List<String> command = new ArrayList<>(Tools.javaCommand(FuzzWorker.class, "replay", "--seed-name", "h5py-default"));
        command.add(1, "-Xmx1g"); // as the fuzzer's children: the heap the out-of-memory image exhausted
        for (String kept : List.of("hang-1.14.3-a", "hang-1.14.3-b", "hang-1.14.3-c", "crash-1.10.8-a", "crash-1.10.8-b", "crash-1.10.8-c",
                "crash-1.10.8-d", "oom")) {
            try (InputStream in = OldFormatGroupsTest.class.getResourceAsStream("kept/h5py-default-" + kept + ".h5")) {
                assertNotNull(in, kept);
                command.add(Files.write(dir.resolve(kept + ".h5"), in.readAllBytes()).toString());
            }
        }
        Tools.Result result = Tools.run(command, dir, Map.of("MALLOC_PERTURB_", "165"));
        assertEquals(0, result.exitCode(), result::describe);
        assertEquals(8, result.stdout().lines().filter(line -> line.contains(" calls, ")).count(), result::describe);
        assertFalse(result.stdout().contains("UNEXPECTED") || result.stdout().contains("inconsistent"), result::describe);
    }

    /** The root's B-tree: the address cached in the version 0 superblock's root entry (its scratch pad, at 80; the heap at 88). */
    private static long rootTree(byte[] b) {
        assertEquals(0, b[8], "a version 0 superblock");
        return getLong(b, 80);
    }

    private static long getLong(byte[] b, int at) {
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    private static void putLong(byte[] b, int at, long value) {
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    }

    private static void putShort(byte[] b, int at, int value) {
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
    }

    /** The symbol node (SNOD) with the root's 7 entries. */
    private static int rootSymbolNode(byte[] b) {
        for (int i = 0; i + 8 <= b.length; i++) {
            if (b[i] == 'S' && b[i + 1] == 'N' && b[i + 2] == 'O' && b[i + 3] == 'D' && (b[i + 6] & 0xff) == 7 && b[i + 7] == 0) {
                return i;
            }
        }
        throw new AssertionError("no symbol node with 7 entries in h5py-default.h5");
    }
}
