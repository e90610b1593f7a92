package io.h5image.it;

import io.h5image.DType;
import io.h5image.DatasetInfo;
import io.h5image.H5Image;
import io.h5image.ImageOptions;
import io.h5image.NdArray;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The matrix uses tiny arrays; these are megabyte images, where other code paths run: data far
 * past the metadata block, many chunks, chunk shapes h5image picks itself, the core driver
 * growing its buffer, and images written into a reused buffer full of stale bytes.
 */
class LargeImagesTest {

    @TempDir
    static Path dir;

    /** How the image is produced: each is a public entry point with its own memory handling. */
    enum Big {
        /** The seed case of the design: 1000×500 float64 through {@code serialize(array)}. */
        SEED(new Sample(DType.FLOAT64, new long[] {1000, 500}, Sample.Storage.CONTIGUOUS), ImageOptions.defaults()),
        /** Filters without chunks: h5image chooses chunks of about 1 MiB. */
        AUTO_CHUNKS(new Sample(DType.FLOAT64, new long[] {1000, 500}, Sample.Storage.COMPRESSED),
                ImageOptions.defaults().shuffle(true).deflate(1)),
        BIG_ENDIAN_3D(new Sample(DType.INT16, new long[] {64, 64, 64}, Sample.Storage.BIG_ENDIAN_COMPRESSED), null),
        /** An odd length, so the payload ends at no particular boundary. */
        LONG_1D(new Sample(DType.UINT8, new long[] {3_000_001}, Sample.Storage.CONTIGUOUS), ImageOptions.defaults()),
        /** Written through a prefix allocator over a buffer full of 0xA5: no stale byte may leak into the file. */
        DIRTY_BUFFER(new Sample(DType.FLOAT32, new long[] {300, 301}, Sample.Storage.CONTIGUOUS), ImageOptions.defaults()),
        DIRTY_BUFFER_COMPRESSED(new Sample(DType.INT64, new long[] {300, 301}, Sample.Storage.COMPRESSED), null);

        final Sample sample;
        final ImageOptions options;

        Big(Sample sample, ImageOptions options) {
            this.sample = sample;
            this.options = options != null ? options : sample.options();
        }

        boolean chunked() {
            return options.chunked();
        }
    }

    private static final Map<Big, byte[]> images = new EnumMap<>(Big.class);
    private static Map<String, String[]> seen;

    @BeforeAll
    static void writeAndReadWithH5py() throws IOException {
        Tools.requirePython();
        Tools.requireH5dump();
        Map<String, Path> files = new LinkedHashMap<>();
        for (Big big : Big.values()) {
            byte[] image = serialize(big);
            images.put(big, image);
            Path file = dir.resolve(big.name() + ".h5");
            Files.write(file, image);
            files.put(big.name(), file);
        }
        seen = Tools.h5pyRead(dir, files);
    }

    private static byte[] serialize(Big big) {
        Object input = big.sample.input();
        return switch (big) {
            case SEED -> H5Image.serialize(input).toArray(ValueLayout.JAVA_BYTE);
            case DIRTY_BUFFER, DIRTY_BUFFER_COMPRESSED -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buffer = arena.allocate(16 << 20, 4096).fill((byte) 0xA5);
                    MemorySegment image = H5Image.serialize(input, big.options, SegmentAllocator.prefixAllocator(buffer));
                    yield image.toArray(ValueLayout.JAVA_BYTE);
                }
            }
            default -> H5Image.serializeToBytes(input, big.options);
        };
    }

    @ParameterizedTest
    @EnumSource(Big.class)
    void h5pyReadsEqualValues(Big big) {
        String[] r = seen.get(big.name());
        assertNotNull(r, big + ": read_images.py wrote no line for this image");
        assertEquals("OK", r[0], () -> big + ": h5py could not open or read the image: " + String.join(" ", r));
        assertEquals(big.sample.numpyDtype(), r[1], () -> big + ": h5py sees another dtype");
        assertEquals(dims(big.sample.shape(), ","), r[2], () -> big + ": h5py sees another shape");
        DatasetInfo info = H5Image.inspect(MemorySegment.ofArray(images.get(big))).getFirst();
        if (big.chunked()) {
            // h5image chose the chunks (or was told): h5py must find exactly those.
            assertEquals(dims(info.chunks(), ","), r[3], () -> big + ": h5py sees other chunks than inspect reports");
            assertEquals("gzip", r[4], () -> big + ": h5py sees no deflate filter");
        } else {
            assertEquals("-", r[3], () -> big + ": h5py sees chunks on a contiguous dataset");
            assertEquals(Long.toString(info.offset()), r[8], () -> big + ": h5py's get_offset disagrees with inspect");
        }
        assertEquals(Tools.h5pyValues(big.sample.littleEndianBytes()), r[9], () -> big + ": h5py reads other values");
    }

    @Test
    void autoChunksAreAboutOneMebibyte() {
        DatasetInfo info = H5Image.inspect(MemorySegment.ofArray(images.get(Big.AUTO_CHUNKS))).getFirst();
        assertEquals("chunked", info.layout());
        long chunkBytes = Arrays.stream(info.chunks()).reduce(DType.FLOAT64.size(), (a, b) -> a * b);
        assertTrue(chunkBytes > 0 && chunkBytes <= 2 << 20, () -> "auto chunks " + Arrays.toString(info.chunks())
                + " hold " + chunkBytes + " bytes; the documented target is about 1 MiB");
        assertEquals(List.of("shuffle", "deflate(1)"), info.filters());
    }

    @ParameterizedTest
    @EnumSource(Big.class)
    void h5dumpReadsEqualValues(Big big) throws IOException {
        Path image = dir.resolve(big.name() + ".h5");
        Path binary = dir.resolve(big.name() + ".bin");
        Tools.Result r = Tools.run(List.of(Tools.h5dump(), "-p", "-d", "/data", "-b", "LE", "-o", binary.toString(),
                image.toString()), dir);
        assertEquals(0, r.exitCode(), () -> big + ": h5dump failed:\n" + r.describe());
        assertFalse(r.stderr().contains("error"), () -> big + ": h5dump reported errors:\n" + r.describe());
        assertTrue(r.stdout().contains("DATASPACE  SIMPLE { ( " + dims(big.sample.shape(), ", ") + " )"),
                () -> big + ": h5dump shows another shape:\n" + r.stdout());
        byte[] expected = big.sample.littleEndianBytes();
        byte[] actual = Files.readAllBytes(binary);
        assertArrayEquals(expected, actual, () -> big + ": h5dump shows other values: " + big.sample.firstDifference(expected, actual));
    }

    @ParameterizedTest
    @EnumSource(Big.class)
    void jhdfReadsEqualValues(Big big) {
        try (HdfFile file = HdfFile.fromBytes(images.get(big))) {
            byte[] expected = big.sample.littleEndianBytes();
            byte[] actual = JhdfReadsOurImagesTest.littleEndianBytes(big.sample.dtype(), file.getDatasetByPath("data").getData());
            assertArrayEquals(expected, actual, () -> big + ": jhdf reads other values: " + big.sample.firstDifference(expected, actual));
        }
    }

    /** Same input, same bytes: the second image of a shape comes from a remembered template. */
    @ParameterizedTest
    @EnumSource(Big.class)
    void sameInputGivesTheSameImage(Big big) {
        assertArrayEquals(images.get(big), serialize(big), () -> big + ": serializing the same array again gave another image");
    }

    // ---- large images h5py writes --------------------------------------------------------------

    @Test
    void readsLargeH5pyImages() throws IOException {
        Sample contiguous = new Sample(DType.FLOAT64, new long[] {1000, 500}, Sample.Storage.CONTIGUOUS);
        Sample chunked = new Sample(DType.FLOAT64, new long[] {1000, 500}, Sample.Storage.BIG_ENDIAN_COMPRESSED);
        Path values = dir.resolve("large.bin");
        Files.write(values, contiguous.littleEndianBytes());
        Path manifest = dir.resolve("large-manifest.tsv");
        Path image = dir.resolve("h5py-large.h5");
        // h5py picks the chunk shape itself ('auto'), as most h5py users let it.
        Files.writeString(manifest, String.join("\t", image.toString(), "contiguous", "<f8", "1000,500", "-", "-", "0", "0",
                "earliest", values.toString(), "-", "-") + "\n" + String.join("\t", image.toString(), "chunked", ">f8",
                "1000,500", "auto", "gzip:4", "1", "1", "earliest", values.toString(), "-", "-") + "\n");
        Tools.runPython("write_images.py", dir, manifest.toString()).requireSuccess();
        byte[] bytes = Files.readAllBytes(image);
        for (Sample sample : List.of(contiguous, chunked)) {
            String path = sample == contiguous ? "contiguous" : "chunked";
            NdArray back = H5Image.deserialize(bytes, path);
            assertEquals(sample == contiguous, back.isView(), path + ": only the contiguous dataset can be a view");
            assertArrayEquals(sample.shape(), back.shape(), path + ": another shape");
            byte[] expected = sample.littleEndianBytes();
            byte[] actual = Sample.littleEndianBytes(back);
            assertArrayEquals(expected, actual, () -> path + ": other values: " + sample.firstDifference(expected, actual));
            assertTrue(Arrays.deepEquals((double[][]) sample.expectedArray(), (double[][]) back.toArray()),
                    path + ": toArray() gives other values");
        }
    }

    private static String dims(long[] shape, String separator) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(separator));
    }
}
