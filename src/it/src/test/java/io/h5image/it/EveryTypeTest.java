package io.h5image.it;

import io.h5image.Dataset;
import io.h5image.Empty;
import io.h5image.H5File;
import io.h5image.H5Reference;
import io.h5image.Selection;
import io.h5image.UnsupportedTypeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The goal of the type model: h5image reads every dataset and attribute h5py reads, with equal
 * values. write_every_type.py makes one h5py file per format ('earliest' and 'latest') with a
 * dataset and an attribute of every type class and variant (numbers of every width and order,
 * float16, bit fields, bools, enums, fixed and variable strings of every padding and charset,
 * nested compounds with array, string and sequence members, array types, sequences, opaque,
 * object and region references, null dataspaces), contiguous and chunked, and writes what h5py
 * read of each as canonical JSON. Here h5image reads each from the file (mapped) and from its
 * bytes, and must give the same JSON. Each file is read from bytes and mapped: both are untrusted
 * images, decoded in Java where the layout allows and by libhdf5 elsewhere.
 */
class EveryTypeTest {

    @TempDir
    static Path dir;

    /** Added to each file by the edit: a dataset in a new group, and a root attribute. */
    private static final String ADDED_DATASET = "/h5image/added";
    private static final String ADDED_ATTRIBUTE = "h5image-note";

    @BeforeAll
    static void fixtures() throws IOException {
        Tools.requirePython();
        Tools.runPython("write_every_type.py", dir, dir.toString()).requireSuccess();
        // An edited copy of each file: h5image adds to it (and deletes what it added first, so the
        // free-space path is taken too); h5py must read everything that was there, unchanged.
        for (String libver : List.of("earliest", "latest")) {
            byte[] original = Files.readAllBytes(dir.resolve("every-type-" + libver + ".h5"));
            try (H5File file = H5File.edit(original)) {
                file.createDataset("h5image/scratch", new double[4096]);
                file.delete("h5image/scratch");
                file.createDataset(ADDED_DATASET, new int[] {1, 2, 3});
                file.attributes().put(ADDED_ATTRIBUTE, "edited by h5image");
                file.writeTo(dir.resolve("edited-" + libver + ".h5"));
            }
            Tools.runPython("write_every_type.py", dir, "--record", dir.resolve("edited-" + libver + ".h5").toString(),
                    dir.resolve("edited-" + libver + ".tsv").toString()).requireSuccess();
        }
    }

    /**
     * h5py reads an image h5image edited (both file formats): every value of the original equal,
     * the additions there, nothing else; the superblock's checksum restored after
     * {@code H5Fget_file_image} (HDFGroup/hdf5#1915), or h5py would not open the latest format's.
     */
    @TestFactory
    List<DynamicTest> h5pyReadsEditedImagesEqually() {
        return List.of("earliest", "latest").stream().map(libver -> DynamicTest.dynamicTest(libver, () -> {
            List<String> original = Files.readAllLines(dir.resolve("every-type-" + libver + ".tsv"));
            List<String> edited = new ArrayList<>(Files.readAllLines(dir.resolve("edited-" + libver + ".tsv")));
            assertTrue(edited.remove("value\t/@" + ADDED_ATTRIBUTE + "\t/\t" + ADDED_ATTRIBUTE + "\t\"edited by h5image\""), "the attribute");
            assertTrue(edited.remove("value\t" + ADDED_DATASET + "\t" + ADDED_DATASET + "\t\t[1,2,3]"), "the dataset");
            assertEquals(original, edited, "everything else as it was");
            Tools.Result dump = Tools.run(List.of(Tools.h5dump(), "-H", dir.resolve("edited-" + libver + ".h5").toString()), dir);
            assertEquals(0, dump.exitCode(), dump::describe);
            assertTrue(dump.stdout().contains("DATASET \"added\""), dump::describe);
        })).toList();
    }

    @TestFactory
    List<DynamicTest> everyValueH5pyReadsIsReadEqually() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String libver : List.of("earliest", "latest")) {
            Path file = dir.resolve("every-type-" + libver + ".h5");
            byte[] bytes = Files.readAllBytes(file);
            for (String[] f : fixture(libver, "value")) {
                String path = f[2];
                String attribute = f[3].isEmpty() ? null : f[3];
                String expected = f[4];
                tests.add(DynamicTest.dynamicTest(libver + " " + f[1], () -> {
                    try (H5File mapped = H5File.open(file); H5File fromBytes = H5File.open(bytes);
                         H5File edited = H5File.open(dir.resolve("edited-" + libver + ".h5"));
                         H5File editing = H5File.edit(bytes)) {
                        assertEquals(expected, json(value(mapped, path, attribute)), "mapped");
                        assertEquals(expected, json(value(fromBytes, path, attribute)), "from bytes");
                        assertEquals(expected, json(value(edited, path, attribute)), "edited by h5image");
                        assertEquals(expected, json(value(editing, path, attribute)), "open for editing");
                    }
                }));
            }
        }
        assertTrue(tests.size() > 250, "the fixture lists " + tests.size() + " values");
        return tests;
    }

    /**
     * Hyperslabs of h5py's numeric datasets (every width, order and layout, array types too): every
     * other element from the second, along the first axis, must be those elements of the whole
     * (read above with h5py's values); a range of the first axis of contiguous data is a view.
     */
    @TestFactory
    List<DynamicTest> slabsOfH5pyDatasetsAreTheirElements() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String libver : List.of("earliest", "latest")) {
            Path file = dir.resolve("every-type-" + libver + ".h5");
            for (String[] f : fixture(libver, "value")) {
                if (!f[3].isEmpty()) continue; // an attribute
                String path = f[2];
                tests.add(DynamicTest.dynamicTest(libver + " " + path, () -> {
                    try (H5File h5 = H5File.open(file); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                        Dataset d = h5.dataset(path);
                        long[] shape = d.shape();
                        io.h5image.NdArray whole;
                        try {
                            whole = d.read();
                        } catch (UnsupportedTypeException notNumbers) {
                            return; // strings, compounds, references...: no NdArray, no slab
                        }
                        if (shape.length == 0 || shape[0] < 2) return;
                        long[] start = new long[shape.length];
                        long[] count = shape.clone();
                        long[] stride = new long[shape.length];
                        java.util.Arrays.fill(stride, 1);
                        start[0] = 1;
                        stride[0] = 2;
                        count[0] = shape[0] / 2;
                        Object slab = d.readSlab(start, count, stride, arena).toArray();
                        Object all = whole.toArray();
                        for (int i = 0; i < count[0]; i++) {
                            assertEquals(json(Array.get(all, 1 + 2 * i)), json(Array.get(slab, i)), path + " slab element " + i);
                        }
                        io.h5image.NdArray rows = d.readSlab(new long[shape.length], withFirst(shape, 1));
                        assertEquals(whole.isView(), rows.isView(), "a first-axis range is a view exactly when the whole is");
                        assertEquals(json(Array.get(all, 0)), json(Array.get(rows.toArray(), 0)));
                    }
                }));
            }
        }
        assertTrue(tests.size() > 100, "the fixture lists " + tests.size() + " datasets");
        return tests;
    }

    private static long[] withFirst(long[] shape, long first) {
        long[] out = shape.clone();
        out[0] = first;
        return out;
    }

    /** h5py's links of every kind, as stored: from bytes, mapped, edited, and while being edited. */
    @TestFactory
    List<DynamicTest> linksAreReadAsStored() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String libver : List.of("earliest", "latest")) {
            tests.add(DynamicTest.dynamicTest(libver, () -> {
                byte[] bytes = Files.readAllBytes(dir.resolve("every-type-" + libver + ".h5"));
                try (H5File fromBytes = H5File.open(bytes); H5File mapped = H5File.open(dir.resolve("every-type-" + libver + ".h5"));
                     H5File edited = H5File.open(dir.resolve("edited-" + libver + ".h5")); H5File editing = H5File.edit(bytes)) {
                    for (H5File h5 : List.of(fromBytes, mapped, edited, editing)) {
                        Map<String, io.h5image.Link> links = new java.util.HashMap<>();
                        for (io.h5image.Link link : h5.group("links").links()) links.put(link.name(), link);
                        assertEquals(new io.h5image.Link.Soft("soft", "/numbers/le_i4"), links.get("soft"));
                        assertEquals(new io.h5image.Link.Soft("dangling", "/nowhere"), links.get("dangling"));
                        assertEquals(new io.h5image.Link.External("external", "other.h5", "/data"), links.get("external"));
                        assertEquals(new io.h5image.Link.Hard("named_type", io.h5image.Link.Kind.NAMED_DATATYPE, "/links/named_type"),
                                links.get("named_type"));
                        io.h5image.Link.Hard second = (io.h5image.Link.Hard) links.get("second_name");
                        io.h5image.Link.Hard scalar = (io.h5image.Link.Hard) h5.group("strings").links().stream()
                                .filter(l -> l.name().equals("scalar")).findFirst().orElseThrow();
                        assertEquals(io.h5image.Link.Kind.DATASET, second.kind());
                        assertEquals(second.objectPath(), scalar.objectPath(), "two names of one object give one first path");
                        assertTrue(List.of("/links/second_name", "/strings/scalar").contains(second.objectPath()), second.toString());
                        assertEquals(h5.names(), h5.links().stream().map(io.h5image.Link::name).toList(), "links in names() order");
                    }
                }
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> whatCannotBeRepresentedIsRefusedByName() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String libver : List.of("earliest", "latest")) {
            Path file = dir.resolve("every-type-" + libver + ".h5");
            for (String[] f : fixture(libver, "refused")) {
                tests.add(DynamicTest.dynamicTest(libver + " " + f[1], () -> {
                    try (H5File h5 = H5File.open(file)) {
                        Dataset d = h5.dataset(f[2]);
                        UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, d::readValue);
                        assertTrue(e.getMessage().contains("16-byte float") && e.getMessage().contains(f[2]), e.getMessage());
                        e = assertThrows(UnsupportedTypeException.class, d::read);
                        assertTrue(e.getMessage().contains("16-byte float"), e.getMessage());
                    }
                }));
            }
        }
        assertEquals(2, tests.size());
        return tests;
    }

    /** The fixture's lines of {@code kind} ("value" or "refused") for file format {@code libver}, split into fields. */
    private static List<String[]> fixture(String libver, String kind) throws IOException {
        return Files.readAllLines(dir.resolve("every-type-" + libver + ".tsv")).stream()
                .map(line -> line.split("\t", -1)).filter(f -> f[0].equals(kind)).toList();
    }

    private static Object value(H5File h5, String path, String attribute) {
        if (attribute == null) return h5.dataset(path).readValue();
        return path.equals("/") ? h5.attributes().get(attribute)
                : h5.contains(path) && isGroup(h5, path) ? h5.group(path).attributes().get(attribute)
                : h5.dataset(path).attributes().get(attribute);
    }

    private static boolean isGroup(H5File h5, String path) {
        try {
            h5.group(path);
            return true;
        } catch (io.h5image.NotFoundException e) {
            return false;
        }
    }

    /** The canonical JSON write_every_type.py writes (compact, keys sorted, floats as the bits of their double). */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object v, StringBuilder out) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Byte b -> out.append(b);
            case Short s -> out.append(s);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Float f -> out.append("\"f:").append(String.format("%016x", Double.doubleToRawLongBits(f))).append('"');
            case Double d -> out.append("\"f:").append(String.format("%016x", Double.doubleToRawLongBits(d))).append('"');
            case String s -> string(s, out);
            case Empty e -> out.append("{\"empty\":true}");
            case H5Reference.ToObject r -> {
                out.append("{\"ref\":");
                string(r.path(), out);
                out.append('}');
            }
            case H5Reference.ToRegion r -> {
                out.append("{\"region\":");
                string(r.path(), out);
                out.append(",\"selection\":");
                selection(r.selection(), out);
                out.append('}');
            }
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    string((String) e.getKey(), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            default -> {
                if (!v.getClass().isArray()) throw new AssertionError("unexpected value " + v + " (" + v.getClass() + ")");
                out.append('[');
                for (int i = 0; i < Array.getLength(v); i++) {
                    if (i > 0) out.append(',');
                    write(Array.get(v, i), out);
                }
                out.append(']');
            }
        }
    }

    private static void selection(Selection s, StringBuilder out) {
        switch (s) {
            case Selection.All a -> out.append("\"all\"");
            case Selection.None n -> out.append("\"none\"");
            case Selection.Points p -> {
                out.append("{\"points\":");
                write(p.coordinates().toArray(), out);
                out.append('}');
            }
            case Selection.Blocks b -> {
                out.append("{\"blocks\":[");
                for (int i = 0; i < b.starts().size(); i++) {
                    if (i > 0) out.append(',');
                    out.append('[');
                    write(b.starts().get(i), out);
                    out.append(',');
                    write(b.ends().get(i), out);
                    out.append(']');
                }
                out.append("]}");
            }
        }
    }

    /** As Python's json.dumps(ensure_ascii=False) writes a string. */
    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
