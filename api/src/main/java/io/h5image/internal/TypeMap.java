package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Type;
import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.h5image.bindings.hdf5_h.*;

/** DType + byte order to HDF5 datatypes and back. Callers hold the lock. */
final class TypeMap {
    private TypeMap() {}

    /** A fresh datatype for {@code dtype} stored in {@code order}; bool is h5py's int8 enum FALSE/TRUE. */
    static Handle create(DType dtype, ByteOrder order) {
        if (dtype == DType.BOOL) {
            Handle type = Handle.of(H5Tenum_create(H5T_STD_I8LE_g()), Handle.Kind.DATATYPE, "H5Tenum_create(bool)");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(ValueLayout.JAVA_BYTE);
                value.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
                Hdf5.check(H5Tenum_insert(type.id(), arena.allocateFrom("FALSE"), value), "H5Tenum_insert(FALSE)");
                value.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                Hdf5.check(H5Tenum_insert(type.id(), arena.allocateFrom("TRUE"), value), "H5Tenum_insert(TRUE)");
            } catch (RuntimeException e) {
                type.close();
                throw e;
            }
            return type;
        }
        if (dtype == DType.FLOAT16) return half(order);
        return Handle.of(H5Tcopy(standard(dtype, order)), Handle.Kind.DATATYPE, "H5Tcopy(" + dtype.numpyName() + ")");
    }

    /**
     * IEEE binary16, made as h5py makes it (libhdf5 predefines no half type): a float32 with the
     * half's bit fields, size and exponent bias.
     */
    private static Handle half(ByteOrder order) {
        Handle type = Handle.of(H5Tcopy(order == ByteOrder.BIG_ENDIAN ? H5T_IEEE_F32BE_g() : H5T_IEEE_F32LE_g()),
                Handle.Kind.DATATYPE, "H5Tcopy(float16)");
        try {
            Hdf5.check(H5Tset_fields(type.id(), 15, 10, 5, 0, 10), "H5Tset_fields(float16)");
            Hdf5.check(H5Tset_size(type.id(), 2), "H5Tset_size(float16)");
            Hdf5.check(H5Tset_ebias(type.id(), 15), "H5Tset_ebias(float16)");
            return type;
        } catch (RuntimeException e) {
            type.close();
            throw e;
        }
    }

    /** The predefined HDF5 standard type (owned by the library: never close it); float16 has none. */
    static long standard(DType dtype, ByteOrder order) {
        boolean be = order == ByteOrder.BIG_ENDIAN;
        return switch (dtype) {
            case INT8, BOOL -> be ? H5T_STD_I8BE_g() : H5T_STD_I8LE_g();
            case INT16 -> be ? H5T_STD_I16BE_g() : H5T_STD_I16LE_g();
            case INT32 -> be ? H5T_STD_I32BE_g() : H5T_STD_I32LE_g();
            case INT64 -> be ? H5T_STD_I64BE_g() : H5T_STD_I64LE_g();
            case UINT8 -> be ? H5T_STD_U8BE_g() : H5T_STD_U8LE_g();
            case UINT16 -> be ? H5T_STD_U16BE_g() : H5T_STD_U16LE_g();
            case UINT32 -> be ? H5T_STD_U32BE_g() : H5T_STD_U32LE_g();
            case UINT64 -> be ? H5T_STD_U64BE_g() : H5T_STD_U64LE_g();
            case FLOAT16 -> throw new IllegalArgumentException("libhdf5 predefines no float16 type");
            case FLOAT32 -> be ? H5T_IEEE_F32BE_g() : H5T_IEEE_F32LE_g();
            case FLOAT64 -> be ? H5T_IEEE_F64BE_g() : H5T_IEEE_F64LE_g();
        };
    }

    /**
     * What a numeric dataset's elements are: a {@link DType} stored in {@code order}, each element
     * possibly an array of {@code elementDims} of them (an HDF5 array type, whose dimensions join
     * the dataset's as numpy joins them). {@code viewable} when the stored bytes are the values
     * themselves (standard widths, no padding bits), so they can be viewed in place; else libhdf5
     * converts them.
     */
    record Stored(DType dtype, ByteOrder order, long[] elementDims, boolean viewable) {}

    /**
     * The type to read {@code fileType} into, native byte order: the file's own type for an enum
     * (libhdf5 converts enum to enum, never enum to integer, so a general enum's values come back
     * as its base integers this way), a native bit field for a bit field, an array of the base's
     * memory type for an array type, else the dtype's standard type.
     */
    static Handle memoryType(long fileType, DType dtype) {
        int typeClass = H5Tget_class(fileType);
        if (typeClass == H5T_ARRAY()) {
            try (Arena arena = Arena.ofConfined();
                 Handle base = Handle.of(H5Tget_super(fileType), Handle.Kind.DATATYPE, "H5Tget_super(array)");
                 Handle memoryBase = memoryType(base.id(), dtype)) {
                int rank = Hdf5.check(H5Tget_array_ndims(fileType), "H5Tget_array_ndims");
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, rank);
                Hdf5.check(H5Tget_array_dims2(fileType, dims), "H5Tget_array_dims2");
                return Handle.of(H5Tarray_create2(memoryBase.id(), rank, dims), Handle.Kind.DATATYPE, "H5Tarray_create2");
            }
        }
        int nativeOrder = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? H5T_ORDER_BE() : H5T_ORDER_LE();
        if (typeClass == H5T_BITFIELD()) {
            Handle type = Handle.of(H5Tcopy(fileType), Handle.Kind.DATATYPE, "H5Tcopy(bitfield)");
            try {
                Hdf5.check(H5Tset_order(type.id(), nativeOrder), "H5Tset_order(bitfield)");
                return type;
            } catch (RuntimeException e) {
                type.close();
                throw e;
            }
        }
        if (typeClass == H5T_ENUM() && dtype != DType.BOOL) {
            int order = H5Tget_order(fileType);
            if (order == nativeOrder || order == H5T_ORDER_NONE()) {
                return Handle.of(H5Tcopy(fileType), Handle.Kind.DATATYPE, "H5Tcopy(enum)");
            }
            return nativeEnum(fileType);
        }
        return create(dtype, ByteOrder.nativeOrder());
    }

    /**
     * The enum {@code fileType} in native byte order. libhdf5 will not change the order of an enum
     * that has members (1.14: "operation not allowed after enum members are defined"), so the enum
     * is made anew over a native base, each member's value converted from the file's order.
     */
    private static Handle nativeEnum(long fileType) {
        try (Arena arena = Arena.ofConfined();
             Handle fileBase = Handle.of(H5Tget_super(fileType), Handle.Kind.DATATYPE, "H5Tget_super(enum)");
             Handle base = Handle.of(H5Tcopy(fileBase.id()), Handle.Kind.DATATYPE, "H5Tcopy(enum base)")) {
            Hdf5.check(H5Tset_order(base.id(), ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? H5T_ORDER_BE() : H5T_ORDER_LE()),
                    "H5Tset_order(enum base)");
            Handle made = Handle.of(H5Tenum_create(base.id()), Handle.Kind.DATATYPE, "H5Tenum_create");
            try {
                int members = Hdf5.check(H5Tget_nmembers(fileType), "H5Tget_nmembers(enum)");
                long size = H5Tget_size(fileType);
                MemorySegment value = arena.allocate(Math.max(8, size), 8);
                for (int i = 0; i < members; i++) {
                    MemorySegment name = H5Tget_member_name(fileType, i);
                    if (name.equals(MemorySegment.NULL)) throw Hdf5.failure("H5Tget_member_name(enum, " + i + ")");
                    try {
                        Hdf5.check(H5Tget_member_value(fileType, i, value), "H5Tget_member_value(enum, " + i + ")");
                        Hdf5.check(H5Tconvert(fileBase.id(), base.id(), 1, value, MemorySegment.NULL, H5P_DEFAULT()), "H5Tconvert(enum value)");
                        Hdf5.check(H5Tenum_insert(made.id(), name, value), "H5Tenum_insert");
                    } finally {
                        H5free_memory(name);
                    }
                }
                return made;
            } catch (RuntimeException e) {
                made.close();
                throw e;
            }
        }
    }

    /** Deeper array nesting than this is not a real type but a crafted one. */
    private static final int MAX_ARRAY_DEPTH = 8;

    /**
     * What a numeric dataset's (or attribute's) type is, or {@link UnsupportedTypeException} naming
     * it: integers of any precision, IEEE floats of 2, 4 and 8 bytes, bit fields (as the unsigned
     * integers h5py reads them as), bools, enums (as their base integers) and arrays of any of these.
     */
    static Stored classify(long type, String dataset) {
        return classify(type, dataset, 0);
    }

    private static Stored classify(long type, String dataset, int depth) {
        int typeClass = Hdf5.check(H5Tget_class(type), "H5Tget_class(" + dataset + ")");
        long size = H5Tget_size(type);
        if (typeClass == H5T_ENUM()) {
            if (isBool(type)) return new Stored(DType.BOOL, ByteOrder.nativeOrder(), NO_DIMS, true);
            // A general enum reads as its values, in its base integer type; Dataset.type() names them.
            try (Handle base = Handle.of(H5Tget_super(type), Handle.Kind.DATATYPE, "H5Tget_super(" + dataset + ")")) {
                Stored stored = classify(base.id(), dataset, depth + 1);
                if (stored.dtype().isFloatingPoint() || stored.elementDims().length > 0) {
                    throw new UnsupportedTypeException("dataset '" + dataset + "' is an enum over a non-integer type");
                }
                return stored;
            }
        }
        if (typeClass == H5T_ARRAY()) {
            if (depth >= MAX_ARRAY_DEPTH) throw new InvalidImageException("dataset '" + dataset + "' has array types nested too deep");
            int rank = Hdf5.check(H5Tget_array_ndims(type), "H5Tget_array_ndims(" + dataset + ")");
            if (rank < 1 || rank > 32) throw new InvalidImageException("dataset '" + dataset + "' has an array type of rank " + rank);
            try (Arena arena = Arena.ofConfined();
                 Handle base = Handle.of(H5Tget_super(type), Handle.Kind.DATATYPE, "H5Tget_super(" + dataset + ")")) {
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, rank);
                Hdf5.check(H5Tget_array_dims2(type, dims), "H5Tget_array_dims2(" + dataset + ")");
                Stored element = classify(base.id(), dataset, depth + 1);
                long[] joined = new long[rank + element.elementDims().length];
                MemorySegment.copy(dims, ValueLayout.JAVA_LONG, 0, joined, 0, rank);
                System.arraycopy(element.elementDims(), 0, joined, rank, element.elementDims().length);
                return new Stored(element.dtype(), element.order(), joined, element.viewable());
            }
        }
        boolean integer = typeClass == H5T_INTEGER() || typeClass == H5T_BITFIELD();
        if (!integer && typeClass != H5T_FLOAT()) {
            throw new UnsupportedTypeException("dataset '" + dataset + "' has HDF5 type class " + className(typeClass)
                    + " (" + size + " bytes), not numbers: use readValue()");
        }
        int byteOrder = Hdf5.check(H5Tget_order(type), "H5Tget_order(" + dataset + ")");
        if (byteOrder != H5T_ORDER_LE() && byteOrder != H5T_ORDER_BE() && byteOrder != H5T_ORDER_NONE()) {
            throw new UnsupportedTypeException("dataset '" + dataset + "' has byte order " + byteOrder
                    + " (VAX or mixed); h5image reads little and big endian");
        }
        ByteOrder order = byteOrder == H5T_ORDER_BE() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (typeClass == H5T_FLOAT()) {
            H5Type.FloatType ieee = (H5Type.FloatType) Types.describe(type, "dataset '" + dataset + "'"); // refuses all but IEEE half, single, double
            DType dtype = switch ((int) ieee.size()) {
                case 2 -> DType.FLOAT16;
                case 4 -> DType.FLOAT32;
                default -> DType.FLOAT64;
            };
            return new Stored(dtype, order, NO_DIMS, true);
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new UnsupportedTypeException("dataset '" + dataset + "' is a " + size + "-byte " + className(typeClass).toLowerCase(java.util.Locale.ROOT)
                    + "; h5image reads 1, 2, 4 and 8 bytes");
        }
        boolean signed = typeClass == H5T_INTEGER() && H5Tget_sign(type) != H5T_SGN_NONE();
        DType dtype = switch ((int) size) {
            case 1 -> signed ? DType.INT8 : DType.UINT8;
            case 2 -> signed ? DType.INT16 : DType.UINT16;
            case 4 -> signed ? DType.INT32 : DType.UINT32;
            default -> signed ? DType.INT64 : DType.UINT64;
        };
        // Fewer significant bits than bytes (a 12-bit integer in 2 bytes) are converted, never viewed:
        // the padding bits are not the value. A bit field's bits are its value, whatever its precision.
        boolean viewable = typeClass == H5T_BITFIELD() || H5Tget_precision(type) == size * 8 && H5Tget_offset(type) == 0;
        return new Stored(dtype, order, NO_DIMS, viewable);
    }

    private static final long[] NO_DIMS = {};

    /** h5py's bool: an enum over a 1-byte integer whose members are exactly FALSE=0 and TRUE=1. */
    private static boolean isBool(long type) {
        long base = Hdf5.check(H5Tget_super(type), "H5Tget_super");
        try {
            int members = H5Tget_nmembers(type);
            return H5Tget_size(base) == 1 && members == 2 && member(type, 0).equals("FALSE:0") && member(type, 1).equals("TRUE:1");
        } finally {
            H5Tclose(base);
        }
    }

    private static String member(long type, int index) {
        MemorySegment name = H5Tget_member_name(type, index);
        if (name.equals(MemorySegment.NULL)) return "?";
        try (Arena arena = Arena.ofConfined()) {
            String text = Hdf5.string(name);
            MemorySegment value = arena.allocate(8);
            H5Tget_member_value(type, index, value);
            return text + ":" + value.get(ValueLayout.JAVA_BYTE, 0);
        } finally {
            H5free_memory(name);
        }
    }

    static String className(int typeClass) {
        String[] names = {"INTEGER", "FLOAT", "TIME", "STRING", "BITFIELD", "OPAQUE", "COMPOUND", "REFERENCE", "ENUM", "VLEN", "ARRAY"};
        return typeClass >= 0 && typeClass < names.length ? names[typeClass] : "class " + typeClass;
    }
}
