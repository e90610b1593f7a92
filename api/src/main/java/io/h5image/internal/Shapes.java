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

    /** What a Java array of one object reference and header costs, at least: nested arrays of no elements still cost this each. */
    private static final long ARRAY_OVERHEAD = 16;

    /**
     * Refuses to turn a stored value of {@code shape} into nested Java arrays when they would not
     * fit: a dimension past a Java array's length, or more nested arrays than {@code limit} bytes
     * allow (a corrupt shape like [2^30, 0] holds no element but would make 2^30 empty arrays).
     */
    public static void requireJavaArrays(long[] shape, long limit, String where) {
        long arrays = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] > Integer.MAX_VALUE - 8) {
                throw new io.h5image.InvalidImageException(where + " has a dimension of " + shape[axis] + " at axis " + axis
                        + ", longer than a Java array");
            }
            if (axis < shape.length - 1) arrays = arrays > Long.MAX_VALUE / Math.max(1, shape[axis]) ? Long.MAX_VALUE : arrays * shape[axis];
        }
        if (arrays > limit / ARRAY_OVERHEAD) {
            throw new io.h5image.InvalidImageException(where + " of shape " + Arrays.toString(shape) + " would take " + arrays
                    + " nested Java arrays, over the limit of " + limit + " bytes; raise -Dh5image.maxDecodedBytes to read it");
        }
    }
}
