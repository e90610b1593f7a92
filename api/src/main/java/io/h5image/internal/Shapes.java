package io.h5image.internal;

import io.h5image.DType;

import java.util.Arrays;

/** Element counts and byte sizes of C-order shapes: one place, one overflow rule. */
public final class Shapes {
    /** HDF5's limit on dataspace rank. */
    public static final int MAX_RANK = 32;

    private Shapes() {}

    /**
     * Elements in {@code shape} (1 for a scalar). A zero dimension makes it 0 whatever the others
     * are; otherwise an overflow of 64 bits throws {@link ArithmeticException}.
     */
    public static long elementCount(long[] shape) {
        for (long dim : shape) {
            if (dim == 0) return 0;
        }
        long count = 1;
        for (long dim : shape) count = Math.multiplyExact(count, dim);
        return count;
    }

    /** Bytes of {@code dtype} elements in {@code shape}; {@link ArithmeticException} past 64 bits. */
    public static long byteSize(DType dtype, long[] shape) {
        return Math.multiplyExact(elementCount(shape), (long) dtype.size());
    }

    /** Rejects what HDF5 cannot store: a rank over 32 or a negative dimension. */
    public static void check(long[] shape) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds HDF5's limit of " + MAX_RANK);
        }
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] < 0) {
                throw new IllegalArgumentException("shape" + Arrays.toString(shape) + " has a negative dimension at axis " + axis);
            }
        }
    }
}
