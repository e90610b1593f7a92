package io.h5image.it;

import io.h5image.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every image h5image writes opens in h5dump, the HDF Group's own reference reader, which shows
 * the datatype, dataspace, layout and filters as stored, and the values.
 * <p>
 * Values come from h5dump's binary output ({@code -b LE}), which is exact where its text output
 * rounds floats. h5dump 1.10 writes nothing in binary mode for an enum or a float type libhdf5
 * does not predefine, so bool and float16 values are parsed from the text output instead.
 */
class H5dumpReadsOurImagesTest {

    @TempDir
    static Path dir;

    private static Map<Sample, OurImages.Written> images;

    @BeforeAll
    static void writeImages() {
        System.out.println("h5image-it: " + Tools.requireH5dump());
        images = OurImages.write(dir);
    }

    static Stream<Sample> samples() {
        return Sample.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void h5dumpShowsTheStoredTypeLayoutAndValues(Sample sample) throws IOException {
        Path image = images.get(sample).file();
        Path binary = dir.resolve(sample.id() + ".bin");
        List<String> command = new ArrayList<>(List.of(Tools.h5dump(), "-p", "-d", "/data"));
        if (!fromText(sample.dtype())) command.addAll(List.of("-b", "LE", "-o", binary.toString()));
        command.add(image.toString());
        Tools.Result r = Tools.run(command, dir);
        // h5dump reports some read errors on stderr yet exits 0, so both are checked.
        assertEquals(0, r.exitCode(), () -> sample + ": h5dump failed:\n" + r.describe());
        assertFalse(r.stderr().contains("error"), () -> sample + ": h5dump reported errors:\n" + r.describe());
        String header = r.stdout();

        assertTrue(header.contains("DATATYPE  " + expectedType(sample)),
                () -> sample + ": expected DATATYPE " + expectedType(sample) + " in:\n" + r.describe());
        String space = sample.shape().length == 0 ? "DATASPACE  SCALAR"
                : "DATASPACE  SIMPLE { ( " + list(sample.shape()) + " ) / ( " + list(sample.shape()) + " ) }";
        assertTrue(header.contains(space), () -> sample + ": expected " + space + " in:\n" + r.describe());

        long[] chunks = sample.chunks();
        if (chunks != null) {
            assertTrue(header.contains("CHUNKED ( " + list(chunks) + " )"), () -> sample + ": expected chunks "
                    + Arrays.toString(chunks) + " in:\n" + r.describe());
            for (String filter : List.of("PREPROCESSING SHUFFLE", "COMPRESSION DEFLATE { LEVEL " + Sample.DEFLATE_LEVEL + " }",
                    "CHECKSUM FLETCHER32")) {
                assertTrue(header.contains(filter), () -> sample + ": expected filter " + filter + " in:\n" + r.describe());
            }
        } else {
            assertTrue(header.contains("CONTIGUOUS"), () -> sample + ": expected contiguous storage in:\n" + r.describe());
            assertTrue(header.replaceAll("\\s+", " ").contains("FILTERS { NONE }"),
                    () -> sample + ": expected no filters in:\n" + r.describe());
        }

        byte[] expected = sample.littleEndianBytes();
        byte[] actual = sample.dtype() == DType.BOOL ? boolsFromText(header)
                : sample.dtype() == DType.FLOAT16 ? halvesFromText(header)
                : Files.exists(binary) ? Files.readAllBytes(binary) : new byte[0];
        assertArrayEquals(expected, actual, () -> sample + ": h5dump shows other values: " + sample.firstDifference(expected, actual)
                + "\n" + r.describe());
    }

    /** h5dump's name for the stored type, e.g. {@code H5T_IEEE_F64BE}; bool is h5py's int8 enum. */
    private static String expectedType(Sample sample) {
        // One-byte integers have no byte order to observe, but HDF5 still records one: h5image keeps the one asked for.
        String order = sample.storage().order == ByteOrder.BIG_ENDIAN ? "BE" : "LE";
        return switch (sample.dtype()) {
            // libhdf5 predefines no half type: h5dump describes it by its fields.
            case FLOAT16 -> "16-bit " + (order.equals("BE") ? "big" : "little") + "-endian floating-point 16-bit precision";
            case FLOAT32 -> "H5T_IEEE_F32" + order;
            case FLOAT64 -> "H5T_IEEE_F64" + order;
            case BOOL -> "H5T_ENUM {";
            default -> "H5T_STD_" + (sample.dtype().isUnsigned() ? "U" : "I") + sample.dtype().size() * 8 + order;
        };
    }

    private static final Pattern DATA = Pattern.compile("DATA \\{(.*?)\\n\\s*}", Pattern.DOTALL);
    private static final Pattern ENUM = Pattern.compile(
            "H5T_ENUM \\{\\s*H5T_STD_I8(LE|BE);\\s*\"FALSE\"\\s+0;\\s*\"TRUE\"\\s+1;\\s*}");
    private static final Pattern INDEX = Pattern.compile("\\(\\d+(,\\d+)*\\):");

    /** h5dump's binary output has no bools, and writes nothing for a float type libhdf5 does not predefine. */
    private static boolean fromText(DType dtype) {
        return dtype == DType.BOOL || dtype == DType.FLOAT16;
    }

    /**
     * Parses float16s from h5dump's text ({@code -0, 65504, 5.96046e-08, -inf}) back to their bits,
     * little-endian: six significant digits pin every half exactly.
     */
    private static byte[] halvesFromText(String dump) {
        List<String> tokens = dataTokens(dump);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(2 * tokens.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (String token : tokens) {
            float value = switch (token) {
                case "inf" -> Float.POSITIVE_INFINITY;
                case "-inf" -> Float.NEGATIVE_INFINITY;
                case "nan", "-nan" -> Float.NaN;
                default -> Float.parseFloat(token);
            };
            out.putShort(Float.floatToFloat16(value));
        }
        return out.array();
    }

    private static List<String> dataTokens(String dump) {
        Matcher data = DATA.matcher(dump);
        assertTrue(data.find(), "no DATA block in h5dump output:\n" + dump);
        String body = INDEX.matcher(data.group(1)).replaceAll(" ");
        return Arrays.stream(body.split("[\\s,]+")).filter(t -> !t.isEmpty()).toList();
    }

    /** Parses bools from h5dump's text: lines like {@code (0,0): TRUE, FALSE, TRUE}. */
    private static byte[] boolsFromText(String dump) {
        // The type must be exactly h5py's bool, or h5py would read the data as int8 rather than bool.
        assertTrue(ENUM.matcher(dump).find(), "bool must be stored as h5py's enum (int8: FALSE=0, TRUE=1):\n" + dump);
        List<String> tokens = dataTokens(dump);
        byte[] out = new byte[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (tokens.get(i)) {
                case "TRUE" -> 1;
                case "FALSE" -> 0;
                default -> throw new AssertionError("unexpected bool token '" + tokens.get(i) + "' in h5dump output:\n" + dump);
            };
        }
        return out;
    }

    private static String list(long[] dims) {
        return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(", "));
    }
}
