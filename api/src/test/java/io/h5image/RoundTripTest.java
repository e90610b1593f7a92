package io.h5image;

import io.h5image.internal.ImageTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class RoundTripTest {

    @Test
    void seedCaseIsAViewWithEqualValues() {
        double[][] seed = new double[1000][500];
        for (int i = 0; i < 1000; i++) for (int j = 0; j < 500; j++) seed[i][j] = i * 500.0 + j;
        MemorySegment image = H5Image.serialize(seed);
        NdArray back = H5Image.deserialize(image);
        assertEquals(DType.FLOAT64, back.dtype());
        assertArrayEquals(new long[] {1000, 500}, back.shape());
        assertTrue(back.isView(), "a contiguous dataset must come back as a slice of the image");
        long offset = back.segment().address() - image.address();
        assertTrue(offset >= 0 && offset + back.segment().byteSize() <= image.byteSize(), "the view lies inside the image");
        assertEquals(0, back.segment().address() % 8, "native images keep float64 payloads 8-byte aligned");
        assertTrue(Arrays.deepEquals(seed, (double[][]) back.toArray()), "values differ after the round trip");
    }

    static Object javaArray(Class<?> type, int rank, int seed) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = 2 + (i + seed) % 3;
        Object array = java.lang.reflect.Array.newInstance(type, dims);
        fill(array, new int[] {seed});
        return array;
    }

    private static void fill(Object array, int[] counter) {
        int n = java.lang.reflect.Array.getLength(array);
        for (int i = 0; i < n; i++) {
            Object element = java.lang.reflect.Array.get(array, i);
            if (element != null && element.getClass().isArray()) {
                fill(element, counter);
                continue;
            }
            int v = counter[0]++ * 37 - 100;
            switch (array) {
                case byte[] a -> a[i] = (byte) v;
                case short[] a -> a[i] = (short) (v * 300);
                case int[] a -> a[i] = v * 100_000;
                case long[] a -> a[i] = v * 10_000_000_000L;
                case float[] a -> a[i] = v / 3f;
                case double[] a -> a[i] = v / 7.0;
                case boolean[] a -> a[i] = v % 2 == 0;
                default -> throw new AssertionError(array);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {byte.class, short.class, int.class, long.class, float.class, double.class, boolean.class})
    void everyJavaTypeAndRankRoundTrips(Class<?> type) {
        for (int rank = 1; rank <= 5; rank++) {
            Object array = javaArray(type, rank, rank);
            for (boolean bytes : new boolean[] {false, true}) {
                NdArray back = bytes ? H5Image.deserialize(H5Image.serializeToBytes(array))
                        : H5Image.deserialize(H5Image.serialize(array));
                assertEquals(DType.ofJavaType(type), back.dtype());
                assertEquals(rank, back.rank());
                assertTrue(back.isView());
                assertTrue(Arrays.deepEquals(new Object[] {array}, new Object[] {back.toArray()}),
                        type + " rank " + rank + (bytes ? " via byte[]" : "") + " differs after the round trip");
            }
        }
    }

    @Test
    void scalarsAreRankZero() {
        assertEquals(3.5, H5Image.deserialize(H5Image.serialize(3.5)).toArray());
        assertEquals(-7, H5Image.deserialize(H5Image.serialize(-7)).toArray());
        assertEquals(true, H5Image.deserialize(H5Image.serialize(true)).toArray());
        NdArray scalar = H5Image.deserialize(H5Image.serializeToBytes(42L));
        assertArrayEquals(new long[0], scalar.shape());
        assertEquals(1, scalar.size());
    }

    @Test
    void emptyArraysKeepTheirShape() {
        NdArray empty = H5Image.deserialize(H5Image.serialize(new int[3][0]));
        assertArrayEquals(new long[] {3, 0}, empty.shape());
        assertEquals(0, empty.segment().byteSize());
        assertArrayEquals(new int[3][0], (int[][]) empty.toArray());
        NdArray none = H5Image.deserialize(H5Image.serialize(new double[0]));
        assertArrayEquals(new long[] {0}, none.shape());
        NdArray compressed = H5Image.deserialize(H5Image.serializeToBytes(new float[0][4], ImageOptions.defaults().deflate(3)));
        assertArrayEquals(new long[] {0, 0}, compressed.shape(), "deeper dimensions of an empty level are unknowable");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDTypeFromCallerMemoryInBothOrders(DType dtype) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(dtype.size() * 24L);
            for (long i = 0; i < data.byteSize(); i++) data.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 29 + 3));
            if (dtype == DType.BOOL) for (long i = 0; i < 24; i++) data.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 3 == 0 ? 1 : 0));
            for (ByteOrder stored : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                NdArray in = NdArray.of(data, dtype, 2, 3, 4);
                MemorySegment image = H5Image.serialize(in, ImageOptions.defaults().order(stored), arena);
                NdArray out = H5Image.deserialize(image);
                assertEquals(dtype, out.dtype());
                assertEquals(dtype.size() == 1 ? out.order() : stored, out.order(), "the view keeps the stored order");
                assertTrue(Arrays.deepEquals(new Object[] {in.toArray()}, new Object[] {out.toArray()}),
                        dtype + " stored " + stored + " differs after the round trip");
                for (long i = 0; i < 24; i++) {
                    assertEquals(readElement(in, i), readElement(out, i), dtype + " element " + i);
                }
            }
        }
    }

    private static long readElement(NdArray a, long index) {
        ValueLayout layout = a.dtype().layout().withOrder(a.order());
        long at = index * a.dtype().size();
        return switch (layout) {
            case ValueLayout.OfByte b -> a.segment().get(b, at);
            case ValueLayout.OfShort s -> a.segment().get(s, at);
            case ValueLayout.OfInt i -> a.segment().get(i, at);
            case ValueLayout.OfLong l -> a.segment().get(l, at);
            case ValueLayout.OfFloat f -> Float.floatToRawIntBits(a.segment().get(f, at));
            case ValueLayout.OfDouble d -> Double.doubleToRawLongBits(a.segment().get(d, at));
            default -> throw new AssertionError(layout);
        };
    }

    @Test
    void emptyArraysWithHugeDimensionsRoundTrip() {
        NdArray empty = NdArray.of(MemorySegment.NULL, DType.FLOAT64, 1L << 62, 0);
        NdArray back = H5Image.deserialize(H5Image.serialize(empty));
        assertArrayEquals(new long[] {1L << 62, 0}, back.shape());
        assertEquals(0, back.size());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> NdArray.of(MemorySegment.NULL, DType.FLOAT64, 1L << 32, 1L << 32));
        assertTrue(tooBig.getMessage().contains("64-bit"), tooBig.getMessage());
    }

    @Test
    void unsignedTypesWidenInToArray() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[] {(byte) 0xff, 0, 1});
        assertArrayEquals(new short[] {255, 0, 1}, (short[]) H5Image.deserialize(H5Image.serialize(NdArray.of(bytes, DType.UINT8, 3))).toArray());
        MemorySegment ints = MemorySegment.ofArray(new int[] {-1, 7});
        assertArrayEquals(new long[] {4294967295L, 7}, (long[]) H5Image.deserialize(H5Image.serialize(NdArray.of(ints, DType.UINT32, 2))).toArray());
        MemorySegment longs = MemorySegment.ofArray(new long[] {-1L});
        assertArrayEquals(new long[] {-1L}, (long[]) H5Image.deserialize(H5Image.serialize(NdArray.of(longs, DType.UINT64, 1))).toArray(),
                "uint64 keeps its 64 bits in a long");
    }

    @Test
    void highestRankIs32() {
        long[] shape = new long[32];
        Arrays.fill(shape, 1);
        shape[31] = 2;
        MemorySegment data = MemorySegment.ofArray(new int[] {5, 6});
        NdArray back = H5Image.deserialize(H5Image.serialize(NdArray.of(data, DType.INT32, shape)));
        assertArrayEquals(shape, back.shape());
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> NdArray.of(MemorySegment.ofArray(new int[] {1}), DType.INT32, new long[33]));
        assertTrue(tooDeep.getMessage().contains("32"), tooDeep.getMessage());
    }

    @Test
    void raggedArraysNameTheFirstBadRow() {
        int[][][] ragged = {{{1, 2}, {3, 4}}, {{5, 6}, {7}}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> H5Image.serialize(ragged));
        assertTrue(e.getMessage().contains("[1][1]") && e.getMessage().contains("length 1"), e.getMessage());
        double[][] missing = {{1}, null};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> H5Image.serialize(missing)).getMessage().contains("[1]"));
    }

    @Test
    void imagesAreDeterministicAndTemplatesWriteWhatLibhdf5Writes() {
        long[][] values = new long[64][33];
        for (int i = 0; i < 64; i++) for (int j = 0; j < 33; j++) values[i][j] = i * 1000L + j;
        byte[] first = H5Image.serializeToBytes(values);
        byte[] second = H5Image.serializeToBytes(values);
        ImageTemplates.setEnabled(false);
        try {
            byte[] cold = H5Image.serializeToBytes(values);
            byte[] coldAgain = H5Image.serializeToBytes(values);
            assertArrayEquals(cold, coldAgain, "libhdf5 must write identical images for identical input");
            assertArrayEquals(cold, first, "a template-made image must equal the libhdf5-made one byte for byte");
            assertArrayEquals(cold, second);
            byte[] compressed = H5Image.serializeToBytes(values, ImageOptions.defaults().deflate(6).shuffle(true));
            assertArrayEquals(compressed, H5Image.serializeToBytes(values, ImageOptions.defaults().deflate(6).shuffle(true)));
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }

    @Test
    void reusedBufferHoldsTheImage() {
        float[][] values = new float[100][100];
        values[99][99] = 42f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(1 << 20, 64);
            for (int round = 0; round < 3; round++) {
                MemorySegment image = H5Image.serialize(values, SegmentAllocator.prefixAllocator(buffer));
                assertEquals(buffer.address(), image.address(), "the image must be written into the caller's buffer");
                assertEquals(42f, ((float[][]) H5Image.deserialize(image).toArray())[99][99]);
            }
        }
    }

    @Test
    void compressedImagesDecodeToACopy() {
        int[][] values = new int[300][200];
        for (int i = 0; i < 300; i++) for (int j = 0; j < 200; j++) values[i][j] = i % 7;
        ImageOptions options = ImageOptions.defaults().chunks(50, 200).shuffle(true).deflate(5).fletcher32(true);
        byte[] image = H5Image.serializeToBytes(values, options);
        assertTrue(image.length < 300 * 200 * 4 / 4, "deflate must shrink repetitive data, got " + image.length);
        NdArray back = H5Image.deserialize(image);
        assertFalse(back.isView(), "filtered data is decoded, not viewed");
        assertTrue(Arrays.deepEquals(values, (int[][]) back.toArray()));
        DatasetInfo info = H5Image.inspect(MemorySegment.ofArray(image)).getFirst();
        assertArrayEquals(new long[] {50, 200}, info.chunks());
        assertEquals(java.util.List.of("shuffle", "deflate(5)", "fletcher32"), info.filters());
        assertArrayEquals(new long[] {1, 1}, H5Image.inspect(H5Image.serialize(new double[1][1], ImageOptions.defaults().shuffle(true), Arena.ofAuto())).getFirst().chunks());
    }

    @Test
    void fletcher32CatchesACorruptChunk() {
        double[] values = new double[4096];
        for (int i = 0; i < values.length; i++) values[i] = Math.sin(i);
        byte[] image = H5Image.serializeToBytes(values, ImageOptions.defaults().chunks(4096).fletcher32(true));
        long offset = chunkOffset(image, values);
        image[(int) offset + 100] ^= 0x5a;
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> H5Image.deserialize(image));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** Where the raw chunk sits: with no compression its bytes are the payload's. */
    private static long chunkOffset(byte[] image, double[] values) {
        MemorySegment payload = MemorySegment.ofArray(values);
        MemorySegment all = MemorySegment.ofArray(image);
        for (long at = 0; at + payload.byteSize() <= all.byteSize(); at++) {
            if (MemorySegment.mismatch(all, at, at + 64, payload, 0, 64) == -1) return at;
        }
        throw new AssertionError("payload not found in the image");
    }

    @Test
    void datasetPathsAndInspect() {
        MemorySegment image = H5Image.serialize(new short[] {1, 2, 3});
        assertArrayEquals(new short[] {1, 2, 3}, (short[]) H5Image.deserialize(image, "/data").toArray());
        DatasetInfo info = H5Image.inspect(image).getFirst();
        assertEquals("data", info.path());
        assertEquals("int16", info.type());
        assertEquals("contiguous", info.layout());
        assertEquals(6, info.storageBytes());
        assertTrue(info.offset() > 0);
    }
}
