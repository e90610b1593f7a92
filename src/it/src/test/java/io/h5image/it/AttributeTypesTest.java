package io.h5image.it;

import io.h5image.Attributes;
import io.h5image.H5File;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attribute values of every kind h5image reads, written by h5py in compact and in dense storage,
 * read by h5image from bytes (where it reads standard numbers and variable-length strings in Java,
 * and the rest through libhdf5) and from a mapped file: equal to what h5py reads, in the Java type
 * the README's mapping gives.
 */
class AttributeTypesTest {

    @TempDir
    static Path dir;

    /** One attribute as h5py read it: numpy dtype ("str" for strings), shape ("" for a Python str), flattened values. */
    record Expected(String object, String name, String dtype, String shape, String values) {}

    static final List<Expected> EXPECTED = new ArrayList<>();
    static Path file;

    @BeforeAll
    static void write() {
        Tools.requirePython();
        file = dir.resolve("types.h5");
        Tools.Result result = Tools.runPython("write_attribute_types.py", dir, file.toString()).requireSuccess();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            EXPECTED.add(new Expected(f[0], f[1], f[2], f[3], f[4]));
        }
        assertTrue(EXPECTED.size() > 30, "h5py's listing: " + EXPECTED);
    }

    /** The Java component type the README's type mapping gives each numpy dtype. */
    private static final Map<String, Class<?>> JAVA = Map.ofEntries(Map.entry("int8", byte.class), Map.entry("uint8", short.class),
            Map.entry("int16", short.class), Map.entry("uint16", int.class), Map.entry("int32", int.class),
            Map.entry("uint32", long.class), Map.entry("int64", long.class), Map.entry("uint64", long.class),
            Map.entry("float32", float.class), Map.entry("float64", double.class), Map.entry("bool", boolean.class));

    @Test
    void readsEveryAttributeAsH5pyDoes() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (H5File h5 : List.of(H5File.open(bytes), H5File.open(file))) {
            try (h5) {
                Map<String, List<String>> names = new LinkedHashMap<>();
                for (Expected e : EXPECTED) {
                    names.computeIfAbsent(e.object(), k -> new ArrayList<>()).add(e.name());
                    Attributes attributes = h5.group(e.object()).attributes();
                    Object value = attributes.get(e.name());
                    String where = h5 + " " + e.object() + " attribute " + e.name() + " (" + e.dtype() + ")";
                    assertEquals(e.values(), python(value, e), where);
                    if (!e.dtype().equals("str")) {
                        Class<?> expected = JAVA.get(e.dtype());
                        Class<?> actual = value.getClass();
                        int rank = 0;
                        while (actual.isArray()) {
                            actual = actual.getComponentType();
                            rank++;
                        }
                        assertEquals(expected, unboxed(actual), where + ": Java type");
                        int expectedRank = e.shape().equals("[]") ? 0 : e.shape().split(",").length;
                        assertEquals(expectedRank, rank, where + ": rank (" + e.shape() + ")");
                    }
                }
                for (Map.Entry<String, List<String>> object : names.entrySet()) {
                    assertEquals(object.getValue(), List.copyOf(h5.group(object.getKey()).attributes().names()),
                            object.getKey() + ": h5py's names in h5py's order");
                }
            }
        }
    }

    @Test
    void emptyValuesOfAbsurdShapesAreRefusedNotAllocated() throws Exception {
        for (H5File h5 : List.of(H5File.open(Files.readAllBytes(file)), H5File.open(file))) {
            try (h5) {
                Attributes odd = h5.group("odd").attributes();
                assertArrayEquals(new int[3][0], (int[][]) odd.get("few_empty"));
                io.h5image.InvalidImageException e = assertThrows(io.h5image.InvalidImageException.class, () -> odd.get("many_empty"));
                assertTrue(e.getMessage().contains("268435456 nested Java arrays"), e.getMessage());
            }
        }
    }

    /** {@code value} printed as write_attribute_types.py prints h5py's: a Python list of the flattened values, or a bare str. */
    private static String python(Object value, Expected e) {
        if (e.shape().isEmpty()) return String.valueOf(value);
        List<String> items = new ArrayList<>();
        flatten(value, items, e.dtype());
        return "[" + String.join(", ", items) + "]";
    }

    private static void flatten(Object value, List<String> out, String dtype) {
        if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) flatten(Array.get(value, i), out, dtype);
        } else if (value instanceof String s) {
            out.add("'" + s + "'");
        } else if (value instanceof Boolean b) {
            out.add(b ? "True" : "False");
        } else if (value instanceof Long l && dtype.equals("uint64")) {
            out.add(Long.toUnsignedString(l));
        } else if (value instanceof Float f) {
            out.add(Double.toString(f)); // exact in double: the test values are
        } else {
            out.add(String.valueOf(value));
        }
    }

    private static Class<?> unboxed(Class<?> boxed) {
        return switch (boxed.getSimpleName()) {
            case "Byte" -> byte.class;
            case "Short" -> short.class;
            case "Integer" -> int.class;
            case "Long" -> long.class;
            case "Float" -> float.class;
            case "Double" -> double.class;
            case "Boolean" -> boolean.class;
            default -> boxed;
        };
    }
}
