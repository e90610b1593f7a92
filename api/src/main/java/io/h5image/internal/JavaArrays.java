package io.h5image.internal;

import io.h5image.DType;
import io.h5image.NdArray;
import io.h5image.UnsupportedValueException;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.util.Objects;

/** Turns a Java primitive array of any rank (or a boxed scalar) into a {@link Payload}, rejecting ragged ones. */
public final class JavaArrays {
    private JavaArrays() {}

    /** {@link #payload}, or an {@link NdArray}'s own memory. */
    public static Payload of(Object value) {
        if (value instanceof NdArray nd) {
            return new SegmentPayload(nd.segment(), nd.dtype(), nd.shape(), nd.order());
        }
        return payload(value);
    }

    public static Payload payload(Object value) {
        Objects.requireNonNull(value, "array");
        Class<?> type = value.getClass();
        if (!type.isArray()) {
            return scalar(value);
        }
        Class<?> element = type;
        int rank = 0;
        for (; element.isArray(); element = element.getComponentType()) rank++;
        if (!element.isPrimitive()) {
            throw new UnsupportedValueException("cannot serialize " + type.getSimpleName()
                    + ": h5image takes arrays of byte, short, int, long, float, double or boolean, of any rank", type);
        }
        DType dtype = DType.ofJavaType(element);
        long[] shape = new long[rank];
        Object probe = value;
        for (int axis = 0; axis < rank; axis++) {
            shape[axis] = Array.getLength(probe);
            if (shape[axis] == 0) break; // deeper dimensions of an empty level are unknowable: they stay 0
            if (axis < rank - 1) {
                probe = Array.get(probe, 0);
                if (probe == null) throw new IllegalArgumentException("array row " + "[0]".repeat(axis + 1) + " is null; every row must be present");
            }
        }
        Shapes.check(shape);
        checkRectangular(value, shape, 0, new StringBuilder());
        if (shape.length == 1 && dtype != DType.BOOL) {
            return new SegmentPayload(flat(value), dtype, shape, ByteOrder.nativeOrder());
        }
        return new NestedArrayPayload(value, dtype, shape);
    }

    private static void checkRectangular(Object level, long[] shape, int axis, StringBuilder where) {
        if (axis == shape.length - 1) return;
        Object[] rows = (Object[]) level;
        for (int i = 0; i < rows.length; i++) {
            Object row = rows[i];
            int mark = where.length();
            where.append('[').append(i).append(']');
            if (row == null) {
                throw new IllegalArgumentException("array row " + where + " is null; every row must be present");
            }
            if (Array.getLength(row) != shape[axis + 1]) {
                throw new IllegalArgumentException("ragged array: row " + where + " has length " + Array.getLength(row)
                        + " but row " + "[0]".repeat(axis + 1) + " has " + shape[axis + 1]
                        + "; HDF5 datasets are rectangular");
            }
            checkRectangular(row, shape, axis + 1, where);
            where.setLength(mark);
        }
    }

    /** A one-dimensional primitive array (not boolean[]) as a heap segment over it. */
    static MemorySegment flat(Object array) {
        return switch (array) {
            case byte[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalStateException("not a flat primitive array: " + array.getClass());
        };
    }

    private static Payload scalar(Object value) {
        Object one = switch (value) {
            case Byte v -> new byte[] {v};
            case Short v -> new short[] {v};
            case Integer v -> new int[] {v};
            case Long v -> new long[] {v};
            case Float v -> new float[] {v};
            case Double v -> new double[] {v};
            case Boolean v -> new boolean[] {v};
            default -> throw new UnsupportedValueException("cannot serialize a " + value.getClass().getName()
                    + ": pass a primitive array of any rank, a boxed primitive (a scalar), or an NdArray", value.getClass());
        };
        DType dtype = DType.ofJavaType(one.getClass().getComponentType());
        return dtype == DType.BOOL ? new NestedArrayPayload(one, dtype, new long[0])
                : new SegmentPayload(flat(one), dtype, new long[0], ByteOrder.nativeOrder());
    }
}
