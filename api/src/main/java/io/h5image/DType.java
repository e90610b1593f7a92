package io.h5image;

import java.lang.foreign.ValueLayout;

/**
 * Element types h5image stores and reads. Each maps to one HDF5 standard type; {@link #BOOL} is
 * stored the way h5py stores {@code bool}: an int8 enum {@code FALSE=0, TRUE=1}.
 */
public enum DType {
    /** Signed 8-bit integer ({@code byte}). */
    INT8(1, true, false, ValueLayout.JAVA_BYTE, byte.class),
    /** Signed 16-bit integer ({@code short}). */
    INT16(2, true, false, ValueLayout.JAVA_SHORT_UNALIGNED, short.class),
    /** Signed 32-bit integer ({@code int}). */
    INT32(4, true, false, ValueLayout.JAVA_INT_UNALIGNED, int.class),
    /** Signed 64-bit integer ({@code long}). */
    INT64(8, true, false, ValueLayout.JAVA_LONG_UNALIGNED, long.class),
    /** {@link NdArray#toArray()} widens to {@code short}. */
    UINT8(1, false, false, ValueLayout.JAVA_BYTE, short.class),
    /** {@link NdArray#toArray()} widens to {@code int}. */
    UINT16(2, false, false, ValueLayout.JAVA_SHORT_UNALIGNED, int.class),
    /** {@link NdArray#toArray()} widens to {@code long}. */
    UINT32(4, false, false, ValueLayout.JAVA_INT_UNALIGNED, long.class),
    /** {@link NdArray#toArray()} gives {@code long} holding the same 64 bits: read it with {@link Long#toUnsignedString(long)}. */
    UINT64(8, false, false, ValueLayout.JAVA_LONG_UNALIGNED, long.class),
    /**
     * IEEE 754 binary16, as numpy's {@code float16}: read in place as 16-bit halves; {@link
     * NdArray#toArray()} widens each to {@code float} (exactly: every half is a float).
     */
    FLOAT16(2, true, true, ValueLayout.JAVA_SHORT_UNALIGNED, float.class),
    /** IEEE 754 binary32 ({@code float}). */
    FLOAT32(4, true, true, ValueLayout.JAVA_FLOAT_UNALIGNED, float.class),
    /** IEEE 754 binary64 ({@code double}). */
    FLOAT64(8, true, true, ValueLayout.JAVA_DOUBLE_UNALIGNED, double.class),
    /** h5py's bool: one byte, 0 or 1 ({@code boolean}). */
    BOOL(1, false, false, ValueLayout.JAVA_BYTE, boolean.class);

    private final int size;
    private final boolean signed;
    private final boolean floating;
    private final ValueLayout layout;
    private final Class<?> javaType;

    DType(int size, boolean signed, boolean floating, ValueLayout layout, Class<?> javaType) {
        this.size = size;
        this.signed = signed;
        this.floating = floating;
        this.layout = layout;
        this.javaType = javaType;
    }

    /** {@return bytes per element} */
    public int size() {
        return size;
    }

    /** {@return true for the unsigned integer types (bool is not one)} */
    public boolean isUnsigned() {
        return !signed && this != BOOL;
    }

    /** {@return true for {@link #FLOAT16}, {@link #FLOAT32} and {@link #FLOAT64}} */
    public boolean isFloatingPoint() {
        return floating;
    }

    /** {@return an unaligned layout of one element in native byte order; use {@code .withOrder(array.order())}} */
    public ValueLayout layout() {
        return layout;
    }

    /** {@return the primitive type {@link NdArray#toArray()} produces for this dtype} */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The dtype Java stores a primitive type as.
     *
     * @param primitive a primitive class ({@code double.class} gives {@link #FLOAT64})
     * @return its dtype
     * @throws UnsupportedValueException for {@code char.class}, {@code void.class} or a non-primitive
     */
    public static DType ofJavaType(Class<?> primitive) {
        if (primitive == byte.class) return INT8;
        if (primitive == short.class) return INT16;
        if (primitive == int.class) return INT32;
        if (primitive == long.class) return INT64;
        if (primitive == float.class) return FLOAT32;
        if (primitive == double.class) return FLOAT64;
        if (primitive == boolean.class) return BOOL;
        throw new UnsupportedValueException("no HDF5 dtype for Java type " + primitive.getName()
                + ": h5image stores byte, short, int, long, float, double and boolean arrays", primitive);
    }

    /** {@return the lower-case name numpy and h5py use ("float64", "uint8", "bool")} */
    public String numpyName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
