package io.h5image.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every image h5image writes (each dtype, ranks 0–4 and empty, contiguous and compressed, both
 * byte orders) opens in h5py from memory with the dtype, shape, storage and values it was
 * written with.
 */
class H5pyReadsOurImagesTest {

    @TempDir
    static Path dir;

    private static Map<Sample, OurImages.Written> images;
    /** h5py's report per sample id: the fields after the id (see read_images.py). */
    private static final Map<String, String[]> seen = new HashMap<>();

    @BeforeAll
    static void readAllWithH5py() {
        System.out.println("h5image-it: h5py side: " + Tools.requirePython());
        images = OurImages.write(dir);
        Map<String, Path> files = new LinkedHashMap<>();
        images.forEach((sample, written) -> files.put(sample.id(), written.file()));
        seen.putAll(Tools.h5pyRead(dir, files));
    }

    static Stream<Sample> samples() {
        return Sample.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void h5pyReadsEqualValues(Sample sample) {
        String[] r = seen.get(sample.id());
        assertNotNull(r, sample + ": read_images.py wrote no line for this image");
        assertEquals("OK", r[0], () -> sample + ": h5py could not open or read the image: " + String.join(" ", r));
        assertEquals(sample.numpyDtype(), r[1], () -> sample + ": h5py sees another dtype");
        assertEquals(dims(sample.shape()), r[2], () -> sample + ": h5py sees another shape");

        long[] chunks = sample.chunks();
        if (chunks != null) {
            assertEquals(dims(chunks), r[3], () -> sample + ": h5py sees other chunks");
            assertEquals("gzip", r[4], () -> sample + ": h5py sees no deflate filter");
            assertEquals(Integer.toString(Sample.DEFLATE_LEVEL), r[5], () -> sample + ": h5py sees another deflate level");
            assertEquals("True", r[6], () -> sample + ": h5py sees no shuffle filter");
            assertEquals("True", r[7], () -> sample + ": h5py sees no fletcher32 filter");
        } else {
            assertEquals("-", r[3], () -> sample + ": expected contiguous storage, h5py sees chunks " + r[3]);
            assertEquals("-", r[4], () -> sample + ": expected no compression, h5py sees " + r[4]);
            assertEquals("False", r[6], () -> sample + ": expected no shuffle filter");
            assertEquals("False", r[7], () -> sample + ": expected no fletcher32 filter");
            if (!sample.empty()) {
                // Two independent libhdf5 builds must agree where the payload lies: zero-copy
                // readers on both sides (h5py's get_offset + frombuffer, our views) depend on it.
                assertEquals(Long.toString(images.get(sample).info().offset()), r[8],
                        () -> sample + ": h5py's get_offset disagrees with H5Image.inspect's offset");
            }
        }

        byte[] expected = sample.littleEndianBytes();
        byte[] actual = HexFormat.of().parseHex(r[9]); // samples are small: always hex, never a digest
        assertArrayEquals(expected, actual, () -> sample + ": h5py reads other values: " + sample.firstDifference(expected, actual));
    }

    private static String dims(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
