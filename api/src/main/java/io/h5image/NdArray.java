package io.h5image;

import io.h5image.internal.ClosedScopes;
import io.h5image.internal.Shapes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array: a dtype, a C-order shape and the elements in one segment. What
 * {@link H5Image#deserialize} returns is usually a view of the image itself ({@link #isView()}):
 * it lives exactly as long as the image's memory, and once that is released every method here
 * throws {@link AlreadyClosedException}.
 */
public final class NdArray {

    /** HDF5's limit on dataspace rank. */
    public static final int MAX_RANK = Shapes.MAX_RANK;

    private final MemorySegment segment;
    private final DType dtype;
    private final long[] shape;
    private final ByteOrder order;
    private final boolean view;

    static {
        io.h5image.internal.NdArrays.install(NdArray::new);
    }

    NdArray(MemorySegment segment, DType dtype, long[] shape, ByteOrder order, boolean view) {
        this.segment = segment;
        this.dtype = dtype;
        this.shape = shape;
        this.order = order;
        this.view = view;
    }

    /**
     * Wraps memory the caller owns, elements in native byte order.
     *
     * @param data  the elements, C order; exactly the shape's byte size
     * @param dtype the element type
     * @param shape the dimensions; none for a scalar
     * @return an array over {@code data} (not a copy)
     * @throws IllegalArgumentException if the sizes disagree or the shape is invalid
     */
    public static NdArray of(MemorySegment data, DType dtype, long... shape) {
        return of(data, dtype, ByteOrder.nativeOrder(), shape);
    }

    /**
     * Wraps memory the caller owns, elements in {@code order}.
     *
     * @param data  the elements, C order; exactly the shape's byte size
     * @param dtype the element type
     * @param order the byte order of the elements in {@code data}
     * @param shape the dimensions; none for a scalar
     * @return an array over {@code data} (not a copy)
     * @throws IllegalArgumentException if the sizes disagree or the shape is invalid
     */
    public static NdArray of(MemorySegment data, DType dtype, ByteOrder order, long... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(shape, "shape");
        long[] dims = shape.clone();
        long expected = byteSize(dtype, dims);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("segment holds " + data.byteSize() + " bytes but " + dtype.numpyName()
                    + Arrays.toString(dims) + " needs " + expected);
        }
        return new NdArray(data, dtype, dims, order, false);
    }

    /** Bytes that {@code dtype} elements of {@code shape} occupy; rejects negative, overlong or overflowing shapes. */
    static long byteSize(DType dtype, long[] shape) {
        Shapes.check(shape);
        try {
            return Shapes.byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape" + Arrays.toString(shape) + " of " + dtype.numpyName()
                    + " holds more bytes than a 64-bit size can count");
        }
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the dimensions, C order (last varies fastest); empty for a scalar. A copy.} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions, 0 for a scalar} */
    public int rank() {
        return shape.length;
    }

    /** {@return the number of elements (1 for a scalar)} */
    public long size() {
        return Shapes.elementCount(shape);
    }

    /**
     * The elements, C order, in {@link #order()}. Slices of heap images are not aligned: use
     * {@code *_UNALIGNED} layouts.
     *
     * @return the elements
     * @throws AlreadyClosedException if the memory behind them was released
     */
    public MemorySegment segment() {
        return alive();
    }

    /** The segment even when closed, for translating a failure that its closing caused. */
    MemorySegment segmentUnchecked() {
        return segment;
    }

    /** {@return the byte order of the stored elements (big-endian images are viewed as they are)} */
    public ByteOrder order() {
        return order;
    }

    /** {@return true when {@link #segment()} is a slice of the image, not a copy} */
    public boolean isView() {
        return view;
    }

    /**
     * The elements as a Java array of the same rank and type ({@code double[][]} for float64 of rank
     * 2), a copy. Unsigned types widen (see {@link DType}); bool gives {@code boolean}. A scalar
     * (rank 0) gives the boxed value ({@code Double}, ...).
     *
     * @return a new Java array, or a boxed value for a scalar
     * @throws AlreadyClosedException if the memory behind the elements was released
     */
    public Object toArray() {
        try {
            return copyOut(alive());
        } catch (IllegalStateException e) {
            throw ClosedScopes.translate(e, segment, "the image behind " + this);
        }
    }

    private Object copyOut(MemorySegment data) {
        if (shape.length == 0) {
            Object one = Array.newInstance(dtype.javaType(), 1);
            fillLeaf(data, 0, one, 1);
            return Array.get(one, 0);
        }
        int[] dims = new int[shape.length];
        for (int axis = 0; axis < dims.length; axis++) {
            if (shape[axis] > Integer.MAX_VALUE - 8) {
                throw new UnsupportedOperationException("dimension " + shape[axis] + " at axis " + axis
                        + " is too large for a Java array; use segment()");
            }
            dims[axis] = (int) shape[axis];
        }
        Object result = Array.newInstance(dtype.javaType(), dims);
        fill(data, result, 0, 0);
        return result;
    }

    /** Fills one nested level; returns the byte offset after the last element written. */
    private long fill(MemorySegment data, Object array, int axis, long offset) {
        int length = Array.getLength(array);
        if (axis == shape.length - 1) {
            fillLeaf(data, offset, array, length);
            return offset + (long) length * dtype.size();
        }
        for (Object row : (Object[]) array) {
            offset = fill(data, row, axis + 1, offset);
        }
        return offset;
    }

    private void fillLeaf(MemorySegment data, long offset, Object leaf, int count) {
        ValueLayout stored = dtype.layout().withOrder(order);
        switch (dtype) {
            case UINT8 -> {
                short[] out = (short[]) leaf;
                for (int i = 0; i < count; i++) out[i] = (short) Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset + i));
            }
            case UINT16 -> {
                int[] out = (int[]) leaf;
                ValueLayout.OfShort in = (ValueLayout.OfShort) stored;
                for (int i = 0; i < count; i++) out[i] = Short.toUnsignedInt(data.get(in, offset + 2L * i));
            }
            case UINT32 -> {
                long[] out = (long[]) leaf;
                ValueLayout.OfInt in = (ValueLayout.OfInt) stored;
                for (int i = 0; i < count; i++) out[i] = Integer.toUnsignedLong(data.get(in, offset + 4L * i));
            }
            case FLOAT16 -> {
                float[] out = (float[]) leaf;
                ValueLayout.OfShort in = (ValueLayout.OfShort) stored;
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(data.get(in, offset + 2L * i));
            }
            case BOOL -> {
                boolean[] out = (boolean[]) leaf;
                for (int i = 0; i < count; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, offset + i) != 0;
            }
            default -> MemorySegment.copy(data, stored, offset, leaf, 0, count);
        }
    }

    private MemorySegment alive() {
        ClosedScopes.requireAlive(segment, "the image behind " + this);
        return segment;
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype.numpyName() + Arrays.toString(shape) + ", "
                + (order == ByteOrder.BIG_ENDIAN ? "big" : "little") + "-endian, " + (view ? "view" : "copy") + "]";
    }
}
