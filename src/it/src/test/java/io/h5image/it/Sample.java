package io.h5image.it;

import io.h5image.DType;
import io.h5image.ImageOptions;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One dataset of the interop matrix: a dtype, a shape and a way of storing it, with
 * deterministic values. The values are chosen to catch conversions a reader might get subtly
 * wrong: the first elements are each type's extremes (minimum, all ones, -0.0, largest, smallest
 * subnormal, infinities, NaN), so even small shapes and scalars carry them; the rest hash the
 * index across the type's whole bit range (uint64 above 2^63, negative int16, ...).
 */
record Sample(DType dtype, long[] shape, Storage storage) {

    /** Ranks 0 to 4, plus an empty array: a zero dimension is its own code path in every reader. */
    static final List<long[]> SHAPES = List.of(
            new long[] {}, new long[] {7}, new long[] {3, 5}, new long[] {2, 3, 4}, new long[] {2, 3, 2, 3},
            new long[] {0, 3});

    /** zlib level used by every compressed case; readers report it back, so it is checked. */
    static final int DEFLATE_LEVEL = 6;

    enum Storage {
        CONTIGUOUS(false, ByteOrder.LITTLE_ENDIAN),
        /** Chunked with shuffle, deflate and fletcher32: the whole h5py filter pipeline at once. */
        COMPRESSED(true, ByteOrder.LITTLE_ENDIAN),
        BIG_ENDIAN(false, ByteOrder.BIG_ENDIAN),
        BIG_ENDIAN_COMPRESSED(true, ByteOrder.BIG_ENDIAN);

        final boolean compressed;
        final ByteOrder order;

        Storage(boolean compressed, ByteOrder order) {
            this.compressed = compressed;
            this.order = order;
        }
    }

    /** Every dtype × shape × storage. */
    static Stream<Sample> all() {
        return Arrays.stream(Storage.values()).flatMap(storage -> SHAPES.stream()
                .flatMap(shape -> Arrays.stream(DType.values()).map(dtype -> new Sample(dtype, shape, storage))));
    }

    /** A file-name-safe, human-readable name, e.g. {@code float64-3x5-compressed}. */
    String id() {
        String dims = shape.length == 0 ? "scalar" : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
        return dtype.numpyName() + "-" + dims + "-" + storage.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return id();
    }

    // A record compares array components by identity; samples are map keys, so compare shapes by value.
    @Override
    public boolean equals(Object other) {
        return other instanceof Sample s && dtype == s.dtype && storage == s.storage && Arrays.equals(shape, s.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, storage, Arrays.hashCode(shape));
    }

    long count() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    boolean empty() {
        return count() == 0;
    }

    /**
     * The chunk shape of a compressed case: about half of each dimension, so most datasets have
     * several chunks and partial edge chunks. Null where HDF5 cannot chunk (scalars) or where
     * h5image stores contiguous by contract (scalars and zero dimensions, per {@link ImageOptions}).
     */
    long[] chunks() {
        if (!storage.compressed || shape.length == 0 || empty()) return null;
        return Arrays.stream(shape).map(d -> Math.max(1, (d + 1) / 2)).toArray();
    }

    ImageOptions options() {
        ImageOptions options = arrivesInStoredOrder() ? ImageOptions.defaults() : ImageOptions.defaults().order(storage.order);
        if (!storage.compressed) return options;
        options = options.shuffle(true).deflate(DEFLATE_LEVEL).fletcher32(true);
        // Scalars and empty arrays get filters requested without chunks: h5image must fall back to
        // contiguous storage on its own rather than fail.
        long[] chunks = chunks();
        return chunks == null ? options : options.chunks(chunks);
    }

    /** True when the stored byte order is observable (it is not for one-byte types). */
    boolean orderMatters() {
        return dtype.size() > 1;
    }

    /** The element bits at a C-order index, zero-extended to 64 bits. */
    static long bits(DType dtype, long i) {
        return switch (dtype) {
            case INT8, UINT8 -> i == 0 ? 0x80 : i == 1 ? 0xFF : (i * 37 + 11) & 0xFF;
            case INT16, UINT16 -> i == 0 ? 0x8000 : i == 1 ? 0xFFFF : (i * 7919 + 13) & 0xFFFF;
            case INT32, UINT32 -> i == 0 ? 0x8000_0000L : i == 1 ? 0xFFFF_FFFFL : (i * 2654435761L + 17) & 0xFFFF_FFFFL;
            case INT64, UINT64 -> i == 0 ? Long.MIN_VALUE : i == 1 ? -1L : i * 0x9E3779B97F4A7C15L + 23;
            case FLOAT16 -> i == 0 ? 0x8000 : i == 1 ? 0x7BFF : i == 2 ? 0x0001 : i == 3 ? 0xFC00 : (i * 7919 + 13) & 0x7BFF; // -0, max, min subnormal, -inf
            case FLOAT32 -> Float.floatToRawIntBits(floatValue(i)) & 0xFFFF_FFFFL;
            case FLOAT64 -> Double.doubleToRawLongBits(doubleValue(i));
            case BOOL -> i % 3 != 1 ? 1 : 0;
        };
    }

    private static double doubleValue(long i) {
        return switch ((int) Math.min(i, 6)) {
            case 0 -> -0.0;
            case 1 -> Double.MAX_VALUE;
            case 2 -> Double.MIN_VALUE;
            case 3 -> Double.NEGATIVE_INFINITY;
            case 4 -> Double.NaN;
            case 5 -> Double.POSITIVE_INFINITY;
            default -> Math.scalb(((i * 37 + 11) % 2001 - 1000) / 64.0, (int) (i % 9 - 4) * 60);
        };
    }

    private static float floatValue(long i) {
        return switch ((int) Math.min(i, 6)) {
            case 0 -> -0.0f;
            case 1 -> Float.MAX_VALUE;
            case 2 -> Float.MIN_VALUE;
            case 3 -> Float.NEGATIVE_INFINITY;
            case 4 -> Float.NaN;
            case 5 -> Float.POSITIVE_INFINITY;
            default -> Math.scalb(((i * 37 + 11) % 2001 - 1000) / 64.0f, (int) (i % 9 - 4) * 8);
        };
    }

    /**
     * True when the input is an {@link NdArray} already in the stored byte order, so the image
     * keeps "the order they arrive in" without {@link ImageOptions#order}; elsewhere the option
     * converts. Both ways of getting a big-endian image are then covered.
     */
    boolean arrivesInStoredOrder() {
        return storage == Storage.BIG_ENDIAN && (dtype.isUnsigned() || empty());
    }

    /** All elements, C order, little-endian: the form every tool's output is compared in. */
    byte[] littleEndianBytes() {
        return bytes(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] bytes(ByteOrder order) {
        int size = dtype.size();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(count() * size)).order(order);
        for (long i = 0; i < count(); i++) {
            long b = bits(dtype, i);
            switch (size) {
                case 1 -> out.put((byte) b);
                case 2 -> out.putShort((short) b);
                case 4 -> out.putInt((int) b);
                default -> out.putLong(b);
            }
        }
        return out.array();
    }

    /**
     * What to hand to {@code H5Image.serialize}: the nested Java array (or boxed scalar) a user
     * would pass where Java has the type, an {@link NdArray} where it does not. Unsigned types and
     * float16 have no Java array (a {@code float[]} is float32); and a Java {@code new double[0][3]} cannot say its inner dimension is 3 (there
     * is no row to measure), so empty arrays are NdArrays too.
     */
    Object input() {
        if (dtype.isUnsigned() || dtype == DType.FLOAT16 || empty()) {
            ByteOrder order = arrivesInStoredOrder() ? storage.order : ByteOrder.LITTLE_ENDIAN;
            return NdArray.of(MemorySegment.ofArray(bytes(order)), dtype, order, shape);
        }
        return nested(dtype.javaType(), false);
    }

    /** What {@code NdArray.toArray()} must give back: unsigned types widened, as {@link DType} documents. */
    Object expectedArray() {
        return nested(dtype.javaType(), true);
    }

    private Object nested(Class<?> type, boolean widenUnsigned) {
        long[] index = {0};
        if (shape.length == 0) return element(0, widenUnsigned);
        int[] dims = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        Object array = Array.newInstance(type, dims);
        fill(array, 0, index, widenUnsigned);
        return array;
    }

    private void fill(Object array, int axis, long[] index, boolean widenUnsigned) {
        int length = Array.getLength(array);
        for (int i = 0; i < length; i++) {
            if (axis == shape.length - 1) Array.set(array, i, element(index[0]++, widenUnsigned));
            else fill(Array.get(array, i), axis + 1, index, widenUnsigned);
        }
    }

    private Object element(long i, boolean widenUnsigned) {
        long b = bits(dtype, i);
        return switch (dtype) {
            case INT8 -> (byte) b;
            case INT16 -> (short) b;
            case INT32 -> (int) b;
            case INT64, UINT64 -> b;
            case UINT8 -> (short) b;
            case UINT16 -> (int) b;
            case UINT32 -> b;
            case FLOAT16 -> Float.float16ToFloat((short) b);
            case FLOAT32 -> Float.intBitsToFloat((int) b);
            case FLOAT64 -> Double.longBitsToDouble(b);
            case BOOL -> b != 0;
        };
    }

    /** numpy's dtype string as h5py reports it: {@code <f8}, {@code >i4}, {@code |u1}, {@code |b1}. */
    String numpyDtype() {
        String code = switch (dtype) {
            case BOOL -> "b1";
            case FLOAT16 -> "f2";
            case FLOAT32 -> "f4";
            case FLOAT64 -> "f8";
            default -> (dtype.isUnsigned() ? "u" : "i") + dtype.size();
        };
        if (!orderMatters()) return "|" + code;
        return (storage.order == ByteOrder.BIG_ENDIAN ? ">" : "<") + code;
    }

    /** Reads any NdArray's elements into little-endian C-order bytes, honouring its {@code order()}. */
    static byte[] littleEndianBytes(NdArray array) {
        MemorySegment data = array.segment();
        int size = array.dtype().size();
        long count = data.byteSize() / size;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(data.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            long offset = i * size;
            switch (size) {
                case 1 -> out.put(data.get(ValueLayout.JAVA_BYTE, offset));
                case 2 -> out.putShort(data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(array.order()), offset));
                case 4 -> out.putInt(data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(array.order()), offset));
                default -> out.putLong(data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(array.order()), offset));
            }
        }
        return out.array();
    }

    /**
     * Where two little-endian element buffers first differ, as "element [1, 2]: expected 0x.. but
     * was 0x..", so a failure names the element instead of dumping two hex blobs.
     */
    String firstDifference(byte[] expected, byte[] actual) {
        int size = dtype.size();
        if (expected.length != actual.length) {
            return "expected " + expected.length / size + " elements (" + expected.length + " bytes) but got "
                    + actual.length + " bytes";
        }
        for (int e = 0; e * size < expected.length; e++) {
            byte[] want = Arrays.copyOfRange(expected, e * size, (e + 1) * size);
            byte[] got = Arrays.copyOfRange(actual, e * size, (e + 1) * size);
            if (!Arrays.equals(want, got)) {
                return "element " + Arrays.toString(unravel(e)) + ": expected little-endian 0x" + HexFormat.of().formatHex(want)
                        + " but was 0x" + HexFormat.of().formatHex(got);
            }
        }
        return "no difference";
    }

    private long[] unravel(long flat) {
        long[] at = new long[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            at[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return at;
    }

    /** Every leaf of a nested Java array (or a boxed scalar), C order. */
    static List<Object> leaves(Object array) {
        List<Object> out = new ArrayList<>();
        collect(array, out);
        return out;
    }

    private static void collect(Object value, List<Object> out) {
        if (value == null || !value.getClass().isArray()) {
            out.add(value);
            return;
        }
        for (int i = 0; i < Array.getLength(value); i++) collect(Array.get(value, i), out);
    }
}
