package io.h5image.it;

import io.h5image.Attributes;
import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.H5File;
import io.h5image.H5Image;
import io.h5image.InvalidImageException;
import io.h5image.NotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Large groups and objects with many attributes, as h5py writes them: links and attributes in
 * dense storage (a fractal heap indexed by version 2 B-trees), read by h5image in Java. h5image
 * must list what h5py lists, in the same order, and a corrupt heap or B-tree must be an
 * {@link InvalidImageException}, never a crash: libhdf5 freed an uninitialized pointer listing a
 * group whose heap block failed its checksum.
 */
class DenseStorageTest {

    @TempDir
    static Path dir;

    /** Per "libver object": h5py's link names, attribute names and string attribute values, in h5py's order. */
    static final Map<String, List<String>> LINKS = new LinkedHashMap<>();
    static final Map<String, List<String>> ATTRIBUTES = new LinkedHashMap<>();
    static final Map<String, Map<String, String>> STRINGS = new LinkedHashMap<>();

    @BeforeAll
    static void writeFiles() {
        Tools.requirePython();
        Tools.Result result = Tools.runPython("write_dense_storage.py", dir, dir.toString()).requireSuccess();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            String key = f[1] + " " + f[2];
            switch (f[0]) {
                case "link" -> LINKS.computeIfAbsent(key, k -> new ArrayList<>()).add(f[3]);
                case "attribute" -> ATTRIBUTES.computeIfAbsent(key, k -> new ArrayList<>()).add(f[3]);
                case "string" -> STRINGS.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(f[3], f[4]);
                default -> fail("unexpected line from write_dense_storage.py: " + line);
            }
        }
        assertEquals(3000 + 5, LINKS.get("latest /big").size(), "h5py's own listing of /big");
    }

    private static Path file(String libver) {
        return dir.resolve("dense-" + libver + ".h5");
    }

    /** The three ways to open: from a byte[], from a MemorySegment, mapped from the path. */
    private static List<Function<Path, H5File>> openers() {
        return List.of(p -> H5File.open(read(p)), p -> H5File.open(MemorySegment.ofArray(read(p))), H5File::open);
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "earliest"})
    void listsWhatH5pyLists(String libver) {
        for (Function<Path, H5File> opener : openers()) {
            try (H5File h5 = opener.apply(file(libver))) {
                for (String group : List.of("/", "/big", "/ordered", "/big/child")) {
                    assertEquals(LINKS.get(libver + " " + group), (group.equals("/") ? h5 : h5.group(group)).names(),
                            libver + " " + group + ": h5py's names, in h5py's order");
                }
                for (String object : List.of("/attrs", "/attrs_ordered")) {
                    Attributes attributes = h5.dataset(object).attributes();
                    assertEquals(ATTRIBUTES.get(libver + " " + object), List.copyOf(attributes.names()), libver + " " + object);
                    STRINGS.get(libver + " " + object).forEach((name, value) ->
                            assertEquals(value, attributes.get(name), libver + " " + object + " attribute " + name));
                    assertArrayEquals(new String[] {"p", "qé", ""}, (String[]) attributes.get("strings"));
                    assertArrayEquals(new long[] {0, 1, 2, 3}, (long[]) attributes.get(
                            ATTRIBUTES.get(libver + " " + object).stream().filter(n -> n.endsWith("_4")).findFirst().orElseThrow()));
                }
                // An attribute libhdf5 keeps as a huge heap object: the object's attributes are left to
                // libhdf5, and nothing else about the file or the path is refused.
                Attributes huge = h5.dataset("huge_attr").attributes();
                assertEquals(ATTRIBUTES.get(libver + " /huge_attr"), List.copyOf(huge.names()), libver + " /huge_attr");
                double[] wide = (double[]) huge.get("wide");
                assertEquals(1000, wide.length);
                assertEquals(999.0, wide[999]);
                assertEquals(8, huge.get("small8"));
                int[] data = {0, 1, 2, 3, 4};
                assertArrayEquals(data, (int[]) h5.dataset("big/item00001x").read().toArray());
                assertArrayEquals(data, (int[]) h5.dataset("big/item00700xxxxxxxxxxxxxxxxxxxx\u00e9").read().toArray());
                assertArrayEquals(data, (int[]) h5.dataset("big/soft").read().toArray(), "a soft link in dense storage");
                assertArrayEquals(data, (int[]) h5.dataset("big/relative_soft").read().toArray(), "a relative soft link");
                assertArrayEquals(data, (int[]) h5.dataset("ordered/" + LINKS.get(libver + " /ordered").get(599)).read().toArray());
                assertEquals(2.5, h5.dataset("big/child/leaf").read().toArray());
                NotFoundException missing = assertThrows(NotFoundException.class, () -> h5.dataset("big/item99999"));
                assertEquals("/big/item99999", missing.path());
                assertThrows(NotFoundException.class, () -> h5.dataset("big/dangling"));
                InvalidImageException external = assertThrows(InvalidImageException.class, () -> h5.dataset("big/external"));
                assertTrue(external.getMessage().contains("external link"), external.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "earliest"})
    void inspectWalksDenseGroupsOnce(String libver) {
        List<DatasetInfo> found = H5Image.inspect(MemorySegment.ofArray(read(file(libver))));
        List<String> readable = found.stream().filter(d -> d.problem() == null).map(DatasetInfo::path).sorted().toList();
        // 3,000 hard links to /data: the dataset is listed once, under the first path the walk meets
        // (depth first, by name: "big" before "data").
        assertEquals(List.of("attrs", "attrs_ordered", "big/child/leaf", "big/item00000\u00e9", "huge_attr"), readable, found::toString);
        List<String> unreadable = found.stream().filter(d -> d.problem() != null).map(d -> d.path() + ": " + d.problem()).sorted().toList();
        assertEquals(2, unreadable.size(), unreadable::toString);
        assertTrue(unreadable.get(0).startsWith("big/dangling: dangling link"), unreadable::toString);
        assertTrue(unreadable.get(1).startsWith("big/external: external link"), unreadable::toString);
    }

    /**
     * Each kind of dense-storage block of the h5py file, corrupted in turn, read in a child JVM
     * whose malloc fills fresh memory with a pattern (MALLOC_PERTURB_): libhdf5's bug of freeing an
     * uninitialized pointer then crashes every time instead of now and then. Every read must end in
     * a result or a clean exception, and the corruption must be reported as a failed checksum.
     */
    @Test
    void corruptHeapsAndBTreesFailCleanly() throws IOException {
        byte[] original = read(file("latest"));
        List<String> failures = new ArrayList<>();
        for (String signature : List.of("FRHP", "FHIB", "FHDB", "BTHD", "BTIN", "BTLF")) {
            for (int occurrence : new int[] {0, 1}) {
                int at = indexOf(original, signature, occurrence);
                assertTrue(at >= 0 || occurrence > 0, "the h5py file has no " + signature);
                if (at < 0) continue;
                byte[] corrupt = original.clone();
                corrupt[at + 24] ^= 0x40;
                Path image = Files.write(dir.resolve("corrupt-" + signature + "-" + occurrence + ".h5"), corrupt);
                Tools.Result result = Tools.run(Tools.javaCommand(Child.class, image.toString()), dir, Map.of("MALLOC_PERTURB_", "165"));
                String what = signature + " #" + occurrence + " at " + at + ": ";
                if (result.exitCode() != 0 || !result.stdout().contains(Child.DONE)) {
                    failures.add(what + "the child JVM failed\n" + result.describe());
                } else if (!result.stdout().contains("InvalidImageException") || !result.stdout().contains("checksum")) {
                    failures.add(what + "no InvalidImageException about a checksum:\n" + result.stdout());
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n\n", failures));
    }

    private static int indexOf(byte[] data, String signature, int occurrence) {
        byte[] s = signature.getBytes(StandardCharsets.US_ASCII);
        int seen = 0;
        outer:
        for (int i = 0; i + s.length <= data.length; i++) {
            for (int j = 0; j < s.length; j++) if (data[i + j] != s[j]) continue outer;
            if (seen++ == occurrence) return i;
        }
        return -1;
    }

    /** The child JVM: every listing and read of the dense-storage file, one line each, then DONE. */
    public static final class Child {
        static final String DONE = "DONE";

        public static void main(String[] args) throws IOException {
            byte[] bytes = Files.readAllBytes(Path.of(args[0]));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment segment = arena.allocate(bytes.length);
                MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, 0, bytes.length);
                report("inspect", () -> H5Image.inspect(segment));
                try (H5File h5 = H5File.open(segment)) {
                    for (String group : List.of("/", "/big", "/ordered", "/big/child")) {
                        report("names " + group, () -> (group.equals("/") ? h5 : h5.group(group)).names());
                    }
                    report("read big/item00001x", () -> h5.dataset("big/item00001x").read().toArray());
                    for (String object : List.of("/attrs", "/attrs_ordered", "/huge_attr")) {
                        report("attributes " + object, () -> {
                            Attributes attributes = h5.dataset(object).attributes();
                            List<Object> values = new ArrayList<>();
                            for (String name : attributes.names()) values.add(attributes.get(name));
                            return values.size();
                        });
                    }
                } catch (H5Exception e) {
                    System.out.println("open: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            System.out.println(DONE);
        }

        private static void report(String what, java.util.function.Supplier<Object> work) {
            try {
                Object result = work.get();
                System.out.println(what + ": ok " + String.valueOf(result).length() + " chars");
            } catch (H5Exception e) {
                System.out.println(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
