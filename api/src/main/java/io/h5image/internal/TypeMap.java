package io.h5image.internal;

import io.h5image.DType;
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
        return Handle.of(H5Tcopy(standard(dtype, order)), Handle.Kind.DATATYPE, "H5Tcopy(" + dtype.numpyName() + ")");
    }

    /** The predefined HDF5 standard type (owned by the library: never close it). */
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
            case FLOAT32 -> be ? H5T_IEEE_F32BE_g() : H5T_IEEE_F32LE_g();
            case FLOAT64 -> be ? H5T_IEEE_F64BE_g() : H5T_IEEE_F64LE_g();
        };
    }

    /** What a dataset's datatype is, or {@link UnsupportedTypeException} naming it. */
    record Stored(DType dtype, ByteOrder order) {}

    /**
     * The type to read {@code fileType} into, native byte order: the file's own type for an enum
     * (libhdf5 converts enum to enum, never enum to integer, so a general enum's values come back
     * as its base integers this way), else the dtype's standard type.
     */
    static Handle memoryType(long fileType, DType dtype) {
        if (H5Tget_class(fileType) == H5T_ENUM() && dtype != DType.BOOL) {
            int nativeOrder = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? H5T_ORDER_BE() : H5T_ORDER_LE();
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

    static Stored classify(long type, String dataset) {
        int typeClass = Hdf5.check(H5Tget_class(type), "H5Tget_class(" + dataset + ")");
        long size = H5Tget_size(type);
        if (typeClass == H5T_ENUM()) {
            if (isBool(type)) return new Stored(DType.BOOL, ByteOrder.nativeOrder());
            // A general enum reads as its values, in its base integer type; Dataset.type() names them.
            try (Handle base = Handle.of(H5Tget_super(type), Handle.Kind.DATATYPE, "H5Tget_super(" + dataset + ")")) {
                return classify(base.id(), dataset);
            }
        }
        if (typeClass != H5T_INTEGER() && typeClass != H5T_FLOAT()) {
            throw new UnsupportedTypeException("dataset '" + dataset + "' has HDF5 type class " + className(typeClass)
                    + " (" + size + " bytes); h5image reads integer, IEEE float and h5py-style bool datasets");
        }
        ByteOrder order = Hdf5.check(H5Tget_order(type), "H5Tget_order(" + dataset + ")") == H5T_ORDER_BE()
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        for (DType candidate : DType.values()) {
            if (candidate == DType.BOOL || candidate.size() != size) continue;
            if (candidate.isFloatingPoint() != (typeClass == H5T_FLOAT())) continue;
            if (Hdf5.check(H5Tequal(type, standard(candidate, order)), "H5Tequal(" + dataset + ")") > 0) {
                return new Stored(candidate, order);
            }
        }
        throw new UnsupportedTypeException("dataset '" + dataset + "' has a non-standard " + className(typeClass)
                + " type of " + size + " bytes (unusual precision, offset or float format); h5image reads the"
                + " standard 8/16/32/64-bit integers and IEEE float32/float64");
    }

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
