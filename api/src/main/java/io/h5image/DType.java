package io.h5image;

import java.lang.foreign.ValueLayout;

/**
 * Element types h5image stores and reads. Each maps to one HDF5 standard type; {@link #BOOL} is
 * stored the way h5py stores {@code bool}: an int8 enum {@code FALSE=0, TRUE=1}.
 */
public enum DType {
    INT8(1, true, false, ValueLayout.JAVA_BYTE, byte.class),
    INT16(2, true, false, ValueLayout.JAVA_SHORT_UNALIGNED, short.class),
    INT32(4, true, false, ValueLayout.JAVA_INT_UNALIGNED, int.class),
    INT64(8, true, false, ValueLayout.JAVA_LONG_UNALIGNED, long.class),
    /** {@link NdArray#toArray()} widens to {@code short}. */
    UINT8(1, false, false, ValueLayout.JAVA_BYTE, short.class),
    /** {@link NdArray#toArray()} widens to {@code int}. */
    UINT16(2, false, false, ValueLayout.JAVA_SHORT_UNALIGNED, int.class),
    /** {@link NdArray#toArray()} widens to {@code long}. */
    UINT32(4, false, false, ValueLayout.JAVA_INT_UNALIGNED, long.class),
    /** {@link NdArray#toArray()} gives {@code long} holding the same 64 bits: read it with {@link Long#toUnsignedString(long)}. */
    UINT64(8, false, false, ValueLayout.JAVA_LONG_UNALIGNED, long.class),
    FLOAT32(4, true, true, ValueLayout.JAVA_FLOAT_UNALIGNED, float.class),
    FLOAT64(8, true, true, ValueLayout.JAVA_DOUBLE_UNALIGNED, double.class),
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

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public boolean isUnsigned() {
        return !signed && this != BOOL;
    }

    public boolean isFloatingPoint() {
        return floating;
    }

    /** An unaligned layout of one element in native byte order; use {@code .withOrder(array.order())}. */
    public ValueLayout layout() {
        return layout;
    }

    /** The primitive type {@link NdArray#toArray()} produces for this dtype. */
    public Class<?> javaType() {
        return javaType;
    }

    /** The dtype Java stores a primitive type as ({@code double.class} gives {@link #FLOAT64}). */
    public static DType ofJavaType(Class<?> primitive) {
        if (primitive == byte.class) return INT8;
        if (primitive == short.class) return INT16;
        if (primitive == int.class) return INT32;
        if (primitive == long.class) return INT64;
        if (primitive == float.class) return FLOAT32;
        if (primitive == double.class) return FLOAT64;
        if (primitive == boolean.class) return BOOL;
        throw new UnsupportedTypeException("no HDF5 dtype for Java type " + primitive.getName()
                + ": h5image stores byte, short, int, long, float, double and boolean arrays");
    }

    /** The lower-case name numpy and h5py use ("float64", "uint8", "bool"). */
    public String numpyName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
