package io.h5image.it;

import io.h5image.DType;
import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.H5Image;
import io.h5image.NdArray;
import io.h5image.UnsupportedTypeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Images h5py writes the way its users make in-memory images ({@code h5py.File(io.BytesIO(), 'w')},
 * then {@code getvalue()}) deserialize with equal values: every dtype, ranks 0–4 and empty,
 * contiguous and chunked with gzip+shuffle+fletcher32, native and big-endian; plus nested group
 * paths, the latest file format with each of its chunk indexes, unwritten datasets, a filter
 * libhdf5 does not have and types h5image does not map.
 */
class ReadsH5pyImagesTest {

    @TempDir
    static Path dir;

    /** One dataset for write_images.py; the columns are documented there. */
    private static final class Row {
        final String file;
        final String path;
        final Sample sample;
        long[] chunks;
        String compression = "-";
        boolean shuffle;
        boolean fletcher32;
        String libver = "earliest";
        String maxshape = "-";
        String fill = "-";
        boolean writeValues = true;
        /** A numpy dtype h5image has no DType for; then {@link #sample} only gives the shape. */
        String foreignDtype;

        Row(String file, String path, Sample sample) {
            this.file = file;
            this.path = path;
            this.sample = sample;
            if (sample.storage().compressed && sample.shape().length > 0) {
                // Unlike h5image, h5py chunks empty arrays when asked: a (0, 3) dataset gets (1, 2) chunks.
                chunks = Arrays.stream(sample.shape()).map(d -> Math.max(1, (d + 1) / 2)).toArray();
                if (sample.empty()) {
                    // h5py wants chunks no larger than the shape unless an axis may grow: an empty
                    // chunked dataset is in practice one that is appended to later.
                    maxshape = "none," + dims(Arrays.copyOfRange(sample.shape(), 1, sample.shape().length));
                }
                compression = "gzip:" + Sample.DEFLATE_LEVEL;
                shuffle = true;
                fletcher32 = true;
            }
        }

        String line(Path valuesFile) {
            return String.join("\t", dir.resolve(file).toString(), path, foreignDtype != null ? foreignDtype : sample.numpyDtype(),
                    dims(sample.shape()),
                    chunks == null ? "-" : dims(chunks), compression, shuffle ? "1" : "0", fletcher32 ? "1" : "0", libver,
                    writeValues ? valuesFile.toString() : "-", fill, maxshape) + "\n";
        }
    }

    private static final List<Row> rows = new ArrayList<>();

    @BeforeAll
    static void writeAllWithH5py() throws IOException {
        System.out.println("h5image-it: reading h5py images with libhdf5 " + H5Image.library().version() + " ("
                + H5Image.library().source() + ", " + H5Image.library().hdf5() + "); h5py side: " + Tools.requirePython());
        matrix().forEach(sample -> rows.add(new Row(sample.id() + ".h5", "data", sample)));
        rows.addAll(nestedRows());
        rows.addAll(latestFormatRows());
        rows.addAll(unwrittenRows());
        Row lzf = new Row("lzf.h5", "data", new Sample(DType.FLOAT64, new long[] {3, 5}, Sample.Storage.CONTIGUOUS));
        lzf.chunks = new long[] {2, 5};
        lzf.compression = "lzf";
        rows.add(lzf);
        rows.addAll(foreignTypeRows());

        StringBuilder manifest = new StringBuilder();
        Path values = Files.createDirectories(dir.resolve("values"));
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Path valuesFile = values.resolve(i + ".bin");
            Files.write(valuesFile, row.sample.littleEndianBytes());
            manifest.append(row.line(valuesFile));
        }
        Path manifestFile = dir.resolve("write-manifest.tsv");
        Files.writeString(manifestFile, manifest);
        Tools.runPython("write_images.py", dir, manifestFile.toString()).requireSuccess();
    }

    /**
     * The whole matrix but compressed scalars: HDF5 cannot chunk or filter a scalar dataspace
     * (h5py refuses), so that combination does not exist in files.
     */
    static Stream<Sample> matrix() {
        return Sample.all().filter(s -> !(s.storage().compressed && s.shape().length == 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void deserializesH5pyDatasetWithEqualValues(Sample sample) throws IOException {
        Row row = rows.stream().filter(r -> r.sample.equals(sample) && r.file.equals(sample.id() + ".h5")).findFirst().orElseThrow();
        byte[] image = Files.readAllBytes(dir.resolve(row.file));
        DatasetInfo info = info(image, "data");
        // inspect marks stored big-endian types, e.g. "int32 (big-endian)".
        String type = sample.dtype().numpyName() + (sample.orderMatters() && sample.storage().order == ByteOrder.BIG_ENDIAN
                ? " (big-endian)" : "");
        assertEquals(type, info.type(), () -> sample + ": inspect reports another type");
        assertArrayEquals(sample.shape(), info.shape(), () -> sample + ": inspect reports another shape");
        if (row.chunks != null) {
            assertEquals("chunked", info.layout(), () -> sample + ": inspect reports another layout");
            assertArrayEquals(row.chunks, info.chunks(), () -> sample + ": inspect reports other chunks");
            assertEquals(List.of("shuffle", "deflate(" + Sample.DEFLATE_LEVEL + ")", "fletcher32"), info.filters(),
                    () -> sample + ": inspect reports other filters");
            // Filtered data cannot be a view; it is decoded into a copy.
            check(row, H5Image.deserialize(image), false);
        } else {
            assertEquals("contiguous", info.layout(), () -> sample + ": inspect reports another layout");
            assertEquals(List.of(), info.filters(), () -> sample + ": inspect reports filters on a contiguous dataset");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment segment = arena.allocate(image.length, 8);
                segment.copyFrom(MemorySegment.ofArray(image));
                NdArray back = H5Image.deserialize(segment);
                // h5py gives an empty dataset no storage at all, so whether it counts as a view is moot.
                check(row, back, sample.empty() ? null : true);
                if (!sample.empty()) {
                    assertEquals(info.offset(), back.segment().address() - segment.address(),
                            () -> sample + ": the view does not start at the dataset's offset");
                }
            }
        }
    }

    /** Checks dtype, shape, byte order, view-ness (unless {@code view} is null) and every value of what came back. */
    private static void check(Row row, NdArray back, Boolean view) {
        Sample sample = row.sample;
        String what = sample + " (" + row.file + ":" + row.path + ")";
        assertEquals(sample.dtype(), back.dtype(), () -> what + ": deserialized to another dtype");
        assertArrayEquals(sample.shape(), back.shape(), () -> what + ": deserialized to another shape");
        if (sample.orderMatters() && back.isView()) {
            // A view is the file's bytes, so it must say the file's order; a decoded copy may use any
            // order (h5image converts to native), as long as order() describes segment().
            assertEquals(sample.storage().order, back.order(), () -> what + ": order() of a view is not the stored byte order");
        }
        if (view != null) {
            assertEquals(view, back.isView(), () -> what + (view ? ": a contiguous dataset must deserialize to a view"
                    : ": a chunked dataset cannot be a view of the image"));
        }
        byte[] expected = sample.littleEndianBytes();
        byte[] actual = Sample.littleEndianBytes(back);
        assertArrayEquals(expected, actual, () -> what + ": segment() holds other values: " + sample.firstDifference(expected, actual));
        Object array = back.toArray();
        assertTrue(Objects.deepEquals(sample.expectedArray(), array), () -> what + ": toArray() gives other values: "
                + Sample.leaves(array) + ", expected " + Sample.leaves(sample.expectedArray()));
    }

    // ---- nested groups -------------------------------------------------------------------------

    private static final Sample NESTED_DATA = new Sample(DType.FLOAT64, new long[] {3, 5}, Sample.Storage.CONTIGUOUS);
    private static final Sample NESTED_NAME = new Sample(DType.INT32, new long[] {2, 3, 4}, Sample.Storage.BIG_ENDIAN);
    private static final Sample NESTED_DEEPER = new Sample(DType.FLOAT64, new long[] {3, 5}, Sample.Storage.BIG_ENDIAN_COMPRESSED);
    private static final Sample NESTED_FLAGS = new Sample(DType.BOOL, new long[] {7}, Sample.Storage.CONTIGUOUS);

    private static List<Row> nestedRows() {
        return List.of(new Row("nested.h5", "data", NESTED_DATA), new Row("nested.h5", "group/name", NESTED_NAME),
                new Row("nested.h5", "group/sub/deeper", NESTED_DEEPER), new Row("nested.h5", "flags", NESTED_FLAGS));
    }

    @Test
    void readsDatasetsInNestedGroupsByPath() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("nested.h5"));
        check(row("nested.h5", "data"), H5Image.deserialize(image), true);
        check(row("nested.h5", "group/name"), H5Image.deserialize(image, "group/name"), true);
        check(row("nested.h5", "group/name"), H5Image.deserialize(image, "/group/name"), true);
        check(row("nested.h5", "group/sub/deeper"), H5Image.deserialize(image, "group/sub/deeper"), false);
        check(row("nested.h5", "flags"), H5Image.deserialize(image, "flags"), true);

        List<String> paths = H5Image.inspect(MemorySegment.ofArray(image)).stream().map(DatasetInfo::path).sorted().toList();
        assertEquals(List.of("data", "flags", "group/name", "group/sub/deeper"), paths, "inspect must list every dataset, groups walked");

        H5Exception missing = assertThrows(H5Exception.class, () -> H5Image.deserialize(image, "group/missing"),
                "a path that is not in the image must fail with an H5Exception");
        assertTrue(missing.getMessage().contains("group/missing"), () -> "the error must name the path: " + missing.getMessage());
        assertThrows(H5Exception.class, () -> H5Image.deserialize(image, "group"), "a group is not a dataset");
    }

    // ---- the latest file format ----------------------------------------------------------------

    /**
     * libver='latest' stores chunk indexes that 'earliest' never writes (single chunk, fixed array,
     * extensible array, v2 B-tree) and a newer superblock and object headers; the system
     * libhdf5 1.10 must read them as well as 1.14.
     */
    private static List<Row> latestFormatRows() {
        List<Row> latest = new ArrayList<>();
        Sample plain = new Sample(DType.FLOAT64, new long[] {3, 5}, Sample.Storage.CONTIGUOUS);
        Sample filtered = new Sample(DType.INT32, new long[] {3, 5}, Sample.Storage.BIG_ENDIAN_COMPRESSED);
        latest.add(new Row("latest.h5", "contiguous", plain));
        Row single = new Row("latest.h5", "single-chunk", filtered);
        single.chunks = new long[] {3, 5};
        latest.add(single);
        latest.add(new Row("latest.h5", "fixed-array", filtered));
        Row extensible = new Row("latest.h5", "extensible-array", filtered);
        extensible.maxshape = "none,5";
        latest.add(extensible);
        Row btree = new Row("latest.h5", "btree-v2", filtered);
        btree.maxshape = "none,none";
        latest.add(btree);
        latest.add(new Row("latest.h5", "group/flags", new Sample(DType.BOOL, new long[] {2, 3, 4}, Sample.Storage.COMPRESSED)));
        latest.forEach(r -> r.libver = "latest");
        return latest;
    }

    @Test
    void readsTheLatestFileFormatWithEveryChunkIndex() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("latest.h5"));
        for (String path : List.of("contiguous", "single-chunk", "fixed-array", "extensible-array", "btree-v2", "group/flags")) {
            Row row = row("latest.h5", path);
            check(row, H5Image.deserialize(image, path), row.chunks == null);
            DatasetInfo info = info(image, path);
            assertEquals(row.chunks == null ? "contiguous" : "chunked", info.layout(), () -> path + ": inspect reports another layout");
        }
    }

    // ---- datasets h5py created but never wrote -------------------------------------------------

    private static List<Row> unwrittenRows() {
        Row contiguous = new Row("unwritten.h5", "contiguous", new Sample(DType.FLOAT32, new long[] {3, 4}, Sample.Storage.CONTIGUOUS));
        contiguous.fill = "1.5";
        contiguous.writeValues = false;
        Row chunked = new Row("unwritten.h5", "chunked", new Sample(DType.INT16, new long[] {4, 4}, Sample.Storage.COMPRESSED));
        chunked.fill = "-7";
        chunked.writeValues = false;
        Row noFill = new Row("unwritten.h5", "zeros", new Sample(DType.FLOAT64, new long[] {5}, Sample.Storage.CONTIGUOUS));
        noFill.writeValues = false;
        return List.of(contiguous, chunked, noFill);
    }

    /**
     * A dataset that was created but never written has no storage at all; every HDF5 reader
     * returns its fill value (h5py: the fillvalue given, else zeros), and so must h5image.
     */
    @Test
    void readsUnwrittenDatasetsAsTheirFillValue() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("unwritten.h5"));
        NdArray contiguous = H5Image.deserialize(image, "contiguous");
        assertEquals(DType.FLOAT32, contiguous.dtype());
        assertArrayEquals(new long[] {3, 4}, contiguous.shape());
        float[][] floats = (float[][]) contiguous.toArray();
        for (float[] line : floats) for (float v : line) assertEquals(1.5f, v, "an unwritten contiguous dataset reads as its fill value 1.5");

        NdArray chunked = H5Image.deserialize(image, "chunked");
        short[][] shorts = (short[][]) chunked.toArray();
        assertEquals(4, shorts.length);
        for (short[] line : shorts) for (short v : line) assertEquals(-7, v, "an unwritten chunked dataset reads as its fill value -7");

        double[] zeros = (double[]) H5Image.deserialize(image, "zeros").toArray();
        assertArrayEquals(new double[5], zeros, "an unwritten dataset without a fill value reads as zeros");
    }

    // ---- a filter libhdf5 lacks ----------------------------------------------------------------

    /**
     * LZF is h5py's own filter, not part of libhdf5, so the data cannot be decoded here. That must
     * be a clean H5Exception, never a crash and never silently wrong values; inspect still works
     * because it reads metadata only.
     */
    @Test
    void aFilterLibhdf5LacksFailsCleanly() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("lzf.h5"));
        DatasetInfo info = info(image, "data");
        assertEquals("chunked", info.layout());
        assertEquals(1, info.filters().size(), () -> "inspect should list the one (lzf) filter: " + info.filters());
        io.h5image.MissingFilterException e = assertThrows(io.h5image.MissingFilterException.class, () -> H5Image.deserialize(image),
                "data behind a filter libhdf5 does not have must fail naming the filter");
        assertEquals(32000, e.filterId());
        assertTrue(e.getMessage().contains("32000 (LZF)") && e.getMessage().contains("/data"), e.getMessage());
    }

    // ---- types h5image does not map ------------------------------------------------------------

    private static final Map<String, String> FOREIGN = Map.of("longdouble", "<f16", "complex128", "<c16", "bytes5", "|S5",
            "compound", "<i4,<f8");

    private static List<Row> foreignTypeRows() {
        return FOREIGN.entrySet().stream().map(e -> {
            Row row = new Row("foreign.h5", e.getKey(), new Sample(DType.INT8, new long[] {2, 3}, Sample.Storage.CONTIGUOUS));
            row.foreignDtype = e.getValue();
            row.writeValues = false;
            return row;
        }).toList();
    }

    /**
     * h5py writes types h5image has no DType for. Reading one must fail with
     * UnsupportedTypeException (never reinterpret the bytes as something else), while inspect
     * still lists the dataset, because listing an image must not depend on understanding it all.
     */
    @Test
    void typesWithoutADTypeFailAsUnsupported() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("foreign.h5"));
        List<DatasetInfo> all = H5Image.inspect(MemorySegment.ofArray(image));
        for (String path : FOREIGN.keySet()) {
            UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, () -> H5Image.deserialize(image, path),
                    () -> path + " (numpy " + FOREIGN.get(path) + ") must be rejected as an unsupported type");
            assertNotNull(e.getMessage(), path + ": the exception must say which type");
            DatasetInfo info = all.stream().filter(i -> i.path().equals(path)).findFirst()
                    .orElseThrow(() -> new AssertionError("inspect does not list " + path + ": " + all));
            assertFalse(Arrays.stream(DType.values()).anyMatch(d -> d.numpyName().equals(info.type())),
                    () -> path + ": inspect calls an unsupported type by a DType name: " + info);
            assertArrayEquals(new long[] {2, 3}, info.shape(), () -> path + ": inspect reports another shape");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Row row(String file, String path) {
        return rows.stream().filter(r -> r.file.equals(file) && r.path.equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no manifest row for " + file + ":" + path));
    }

    private static DatasetInfo info(byte[] image, String path) {
        List<DatasetInfo> all = H5Image.inspect(MemorySegment.ofArray(image));
        String bare = path.startsWith("/") ? path.substring(1) : path;
        return all.stream().filter(i -> i.path().equals(bare)).findFirst()
                .orElseThrow(() -> new AssertionError("inspect does not list " + path + ": " + all));
    }

    private static String dims(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
