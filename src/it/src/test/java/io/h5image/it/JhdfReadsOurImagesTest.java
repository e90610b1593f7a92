package io.h5image.it;

import io.h5image.DType;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.message.DataLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * jhdf, a pure-Java HDF5 reader sharing no code with libhdf5, reads every image h5image writes
 * straight from the {@code byte[]}. An image that only libhdf5 could parse would pass the h5py
 * and h5dump tests and still not be valid HDF5; this catches that.
 */
class JhdfReadsOurImagesTest {

    @TempDir
    static Path dir;

    private static Map<Sample, OurImages.Written> images;

    @BeforeAll
    static void writeImages() {
        images = OurImages.write(dir);
    }

    static Stream<Sample> samples() {
        return Sample.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void jhdfReadsEqualValuesFromBytes(Sample sample) {
        byte[] image = images.get(sample).bytes();
        try (HdfFile file = HdfFile.fromBytes(image)) {
            Dataset data = file.getDatasetByPath("data");
            assertArrayEquals(sample.shape(), data.getDimensionsAsLong(), () -> sample + ": jhdf sees another shape");
            assertEquals(sample.shape().length == 0, data.isScalar(), () -> sample + ": jhdf disagrees on scalar-ness");
            assertEquals(sample.chunks() != null ? DataLayout.CHUNKED : DataLayout.CONTIGUOUS, data.getDataLayout(),
                    () -> sample + ": jhdf sees another layout");
            if (sample.chunks() != null) {
                // HDF5's registered filter ids: shuffle 2, deflate 1, fletcher32 3, in pipeline order.
                List<Integer> filters = data.getFilters().stream().map(PipelineFilterWithData::getId).toList();
                assertEquals(List.of(2, 1, 3), filters, () -> sample + ": jhdf sees other filters: " + data.getFilters());
            }
            if (sample.dtype() == DType.BOOL) {
                EnumDataType type = assertInstanceOf(EnumDataType.class, data.getDataType(),
                        () -> sample + ": bool must be stored as an enum, like h5py's");
                assertEquals(Map.of(0, "FALSE", 1, "TRUE"), type.getEnumMapping(), () -> sample + ": not h5py's bool enum");
            }
            if (sample.empty()) {
                // jhdf's getData() returns null for a dataset without elements rather than an empty array.
                assertTrue(data.isEmpty(), () -> sample + ": jhdf should see an empty dataset");
                assertNull(data.getData(), () -> sample + ": jhdf gives null for empty datasets; did that change?");
                return;
            }
            byte[] expected = sample.littleEndianBytes();
            byte[] actual = littleEndianBytes(sample.dtype(), data.getData());
            assertArrayEquals(expected, actual,
                    () -> sample + ": jhdf reads other values: " + sample.firstDifference(expected, actual));
        }
    }

    /**
     * jhdf widens unsigned types its own way (uint8 to int, uint64 to BigInteger, ...) and gives
     * a scalar as a bare value, so its result is brought back to raw bits: the low {@code size}
     * bytes of each element, which holds for every widening, sign or zero extended.
     */
    static byte[] littleEndianBytes(DType dtype, Object jhdfData) {
        List<Object> leaves = Sample.leaves(jhdfData);
        ByteBuffer out = ByteBuffer.allocate(leaves.size() * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object leaf : leaves) {
            long bits = switch (leaf) {
                case Double d -> Double.doubleToRawLongBits(d);
                case Float f when dtype == DType.FLOAT16 -> Float.floatToFloat16(f); // jhdf widens halves to float
                case Float f -> Float.floatToRawIntBits(f);
                case BigInteger b -> b.longValue();
                case Boolean b -> b ? 1 : 0;
                // jhdf reads an enum as its member names.
                case String name when name.equals("TRUE") -> 1;
                case String name when name.equals("FALSE") -> 0;
                case Number n -> n.longValue();
                default -> throw new AssertionError("jhdf returned an element of unexpected type "
                        + (leaf == null ? "null" : leaf.getClass().getName()) + " for " + dtype);
            };
            switch (dtype.size()) {
                case 1 -> out.put((byte) bits);
                case 2 -> out.putShort((short) bits);
                case 4 -> out.putInt((int) bits);
                default -> out.putLong(bits);
            }
        }
        return out.array();
    }

    public record Point(double x, double y, int id) {}

    /**
     * The object model's files, read by jhdf from bytes: groups in creation order, attributes of
     * numbers and strings (more than libhdf5's 8 compact ones, all kept in the header), strings, and
     * records as compound datasets (jhdf gives a compound as one array per member).
     */
    @org.junit.jupiter.api.Test
    void jhdfReadsGroupsAttributesStringsAndRecords() {
        byte[] image;
        try (io.h5image.H5File file = io.h5image.H5File.create()) {
            file.createDataset("run/temperature", new double[] {21.5, 22.0});
            file.createDataset("run/points", List.of(new Point(1.5, -2, 7), new Point(3, 4.25, 8)));
            file.createDataset("names", new String[] {"a", "bé", ""});
            file.createGroup("empty/nested");
            io.h5image.Attributes attrs = file.group("run").attributes();
            attrs.put("units", "°C");
            attrs.put("tags", new String[] {"x", "y"});
            attrs.put("rate", 2.5);
            attrs.put("shape", new long[] {3, 4});
            for (int i = 0; i < 10; i++) attrs.put("extra" + i, i);
            image = file.toBytes();
        }
        try (HdfFile file = HdfFile.fromBytes(image)) {
            assertEquals(List.of("run", "names", "empty"), List.copyOf(file.getChildren().keySet()), "creation order");
            assertArrayEquals(new double[] {21.5, 22.0}, (double[]) file.getDatasetByPath("run/temperature").getData());
            assertArrayEquals(new String[] {"a", "bé", ""}, (String[]) file.getDatasetByPath("names").getData());
            @SuppressWarnings("unchecked")
            Map<String, Object> points = (Map<String, Object>) file.getDatasetByPath("run/points").getData();
            assertArrayEquals(new double[] {1.5, 3}, (double[]) points.get("x"));
            assertArrayEquals(new double[] {-2, 4.25}, (double[]) points.get("y"));
            assertArrayEquals(new int[] {7, 8}, (int[]) points.get("id"));
            io.jhdf.api.Node run = file.getByPath("run");
            assertEquals("°C", run.getAttribute("units").getData());
            assertArrayEquals(new String[] {"x", "y"}, (String[]) run.getAttribute("tags").getData());
            assertEquals(2.5, run.getAttribute("rate").getData());
            assertArrayEquals(new long[] {3, 4}, (long[]) run.getAttribute("shape").getData());
            for (int i = 0; i < 10; i++) assertEquals(i, run.getAttribute("extra" + i).getData());
            assertTrue(file.getByPath("empty/nested").isGroup());
        }
    }
}
