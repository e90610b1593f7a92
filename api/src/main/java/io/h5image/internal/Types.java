package io.h5image.internal;

import io.h5image.H5Type;
import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.h5image.bindings.hdf5_h.*;

/**
 * HDF5 datatypes to {@link H5Type} and back. Describing is bounded (depth, member count, sizes):
 * a type comes from an untrusted image. Callers hold the lock.
 */
final class Types {

    /** Deeper nesting than this is not a real type but a crafted one. */
    private static final int MAX_DEPTH = 32;
    private static final int MAX_MEMBERS = 1 << 16;

    private Types() {}

    /** What {@code type} is; {@link UnsupportedTypeException} naming it if h5image cannot describe it. */
    static H5Type describe(long type, String where) {
        return describe(type, where, 0);
    }

    private static H5Type describe(long type, String where, int depth) {
        if (depth > MAX_DEPTH) throw new InvalidImageException(where + " has a type nested deeper than " + MAX_DEPTH);
        int typeClass = Hdf5.check(H5Tget_class(type), "H5Tget_class(" + where + ")");
        long size = H5Tget_size(type);
        if (size <= 0) throw new InvalidImageException(where + " has a type of size " + size);
        if (typeClass == H5T_INTEGER()) {
            checkIntegerSize(size, where);
            return new H5Type.IntegerType(size, H5Tget_sign(type) != H5T_SGN_NONE(), order(type, where));
        }
        if (typeClass == H5T_FLOAT()) return floatType(type, size, where);
        if (typeClass == H5T_BITFIELD()) {
            checkIntegerSize(size, where);
            return new H5Type.BitfieldType(size, order(type, where));
        }
        if (typeClass == H5T_STRING()) return stringType(type, size, where);
        if (typeClass == H5T_OPAQUE()) return new H5Type.OpaqueType(size, tag(type));
        if (typeClass == H5T_REFERENCE()) {
            boolean region = Hdf5.check(H5Tequal(type, H5T_STD_REF_DSETREG_g()), "H5Tequal") > 0;
            return new H5Type.ReferenceType(size, region);
        }
        try (Handle base = typeClass == H5T_ENUM() || typeClass == H5T_ARRAY() || typeClass == H5T_VLEN()
                ? Handle.of(H5Tget_super(type), Handle.Kind.DATATYPE, "H5Tget_super(" + where + ")") : null) {
            if (typeClass == H5T_ENUM()) return enumType(type, base.id(), where, depth);
            if (typeClass == H5T_ARRAY()) return arrayType(type, base.id(), where, depth);
            if (typeClass == H5T_VLEN()) return new H5Type.VlenType(describe(base.id(), where, depth + 1));
        }
        if (typeClass == H5T_COMPOUND()) return compoundType(type, size, where, depth);
        throw new UnsupportedTypeException(where + " has HDF5 type class " + TypeMap.className(typeClass) + " (" + size
                + " bytes), which h5image cannot describe");
    }

    private static void checkIntegerSize(long size, String where) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new UnsupportedTypeException(where + " is a " + size + "-byte integer; h5image reads 1, 2, 4 and 8 bytes");
        }
    }

    private static ByteOrder order(long type, String where) {
        int order = H5Tget_order(type);
        if (order == H5T_ORDER_BE()) return ByteOrder.BIG_ENDIAN;
        if (order == H5T_ORDER_LE() || order == H5T_ORDER_NONE()) return ByteOrder.LITTLE_ENDIAN;
        throw new UnsupportedTypeException(where + " has byte order " + order + " (VAX or mixed); h5image reads little and big endian");
    }

    /** IEEE half, single and double only: a long double or a VAX float has other fields. */
    private static H5Type floatType(long type, long size, String where) {
        ByteOrder order = order(type, where);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = arena.allocate(ValueLayout.JAVA_LONG, 5);
            Hdf5.check(H5Tget_fields(type, f, f.asSlice(8), f.asSlice(16), f.asSlice(24), f.asSlice(32)), "H5Tget_fields(" + where + ")");
            long[] got = f.toArray(ValueLayout.JAVA_LONG); // sign position, exponent position and size, mantissa position and size
            long[] ieee = switch ((int) size) {
                case 2 -> new long[] {15, 10, 5, 0, 10};
                case 4 -> new long[] {31, 23, 8, 0, 23};
                case 8 -> new long[] {63, 52, 11, 0, 52};
                default -> null;
            };
            if (ieee == null || !java.util.Arrays.equals(got, ieee) || H5Tget_precision(type) != size * 8 || H5Tget_offset(type) != 0) {
                throw new UnsupportedTypeException(where + " is a " + size + "-byte float that is not IEEE 754 half, single or double"
                        + " (sign/exponent/mantissa fields " + java.util.Arrays.toString(got) + "; a long double or VAX float?)");
            }
        }
        return new H5Type.FloatType(size, order);
    }

    private static H5Type stringType(long type, long size, String where) {
        int variable = Hdf5.check(H5Tis_variable_str(type), "H5Tis_variable_str(" + where + ")");
        var charset = H5Tget_cset(type) == H5T_CSET_UTF8() ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
        int pad = H5Tget_strpad(type);
        H5Type.Padding padding = pad == H5T_STR_NULLPAD() ? H5Type.Padding.NULL_PADDED
                : pad == H5T_STR_SPACEPAD() ? H5Type.Padding.SPACE_PADDED : H5Type.Padding.NULL_TERMINATED;
        return new H5Type.StringType(variable > 0 ? -1 : size, charset, padding);
    }

    private static String tag(long type) {
        MemorySegment tag = H5Tget_tag(type);
        if (tag.equals(MemorySegment.NULL)) {
            Hdf5.takeErrorStack();
            return "";
        }
        try {
            return Hdf5.string(tag);
        } finally {
            H5free_memory(tag);
        }
    }

    private static H5Type enumType(long type, long base, String where, int depth) {
        H5Type baseType = describe(base, where, depth + 1);
        if (!(baseType instanceof H5Type.IntegerType integer)) {
            throw new UnsupportedTypeException(where + " is an enum over " + baseType + ", not an integer");
        }
        int count = Hdf5.check(H5Tget_nmembers(type), "H5Tget_nmembers(" + where + ")");
        if (count > MAX_MEMBERS) throw new InvalidImageException(where + " is an enum of " + count + " members");
        Map<String, Long> members = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(8);
            for (int i = 0; i < count; i++) {
                String name = memberName(type, i, where);
                value.fill((byte) 0);
                Hdf5.check(H5Tget_member_value(type, i, value), "H5Tget_member_value(" + where + ")");
                members.put(name, integerValue(value, integer));
            }
        }
        if (integer.size() == 1 && members.equals(Map.of("FALSE", 0L, "TRUE", 1L))) return new H5Type.BoolType();
        return new H5Type.EnumType(integer, members);
    }

    /** An enum member's value, which libhdf5 hands over in the base type's own byte order. */
    private static long integerValue(MemorySegment value, H5Type.IntegerType integer) {
        ValueLayout layout = (ValueLayout) integer.layout();
        return switch ((int) integer.size()) {
            case 1 -> integer.signed() ? value.get(ValueLayout.JAVA_BYTE, 0) : Byte.toUnsignedLong(value.get(ValueLayout.JAVA_BYTE, 0));
            case 2 -> integer.signed() ? value.get((ValueLayout.OfShort) layout, 0) : Short.toUnsignedLong(value.get((ValueLayout.OfShort) layout, 0));
            case 4 -> integer.signed() ? value.get((ValueLayout.OfInt) layout, 0) : Integer.toUnsignedLong(value.get((ValueLayout.OfInt) layout, 0));
            default -> value.get((ValueLayout.OfLong) layout, 0);
        };
    }

    private static H5Type arrayType(long type, long base, String where, int depth) {
        int rank = Hdf5.check(H5Tget_array_ndims(type), "H5Tget_array_ndims(" + where + ")");
        if (rank < 1 || rank > 32) throw new InvalidImageException(where + " is an array type of rank " + rank);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, rank);
            Hdf5.check(H5Tget_array_dims2(type, dims), "H5Tget_array_dims2(" + where + ")");
            return new H5Type.ArrayType(describe(base, where, depth + 1), dims.toArray(ValueLayout.JAVA_LONG));
        }
    }

    private static H5Type compoundType(long type, long size, String where, int depth) {
        int count = Hdf5.check(H5Tget_nmembers(type), "H5Tget_nmembers(" + where + ")");
        if (count > MAX_MEMBERS) throw new InvalidImageException(where + " is a compound of " + count + " members");
        List<H5Type.CompoundType.Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = memberName(type, i, where);
            long offset = H5Tget_member_offset(type, i);
            try (Handle memberType = Handle.of(H5Tget_member_type(type, i), Handle.Kind.DATATYPE, "H5Tget_member_type(" + where + ")")) {
                H5Type member = describe(memberType.id(), where + " field '" + name + "'", depth + 1);
                if (offset < 0 || offset > size || member.size() > size - offset) {
                    throw new InvalidImageException(where + " field '" + name + "' (" + member.size() + " bytes at offset "
                            + offset + ") lies outside its " + size + "-byte compound");
                }
                members.add(new H5Type.CompoundType.Member(name, offset, member));
            }
        }
        return new H5Type.CompoundType(size, members);
    }

    private static String memberName(long type, int index, String where) {
        MemorySegment name = H5Tget_member_name(type, index);
        if (name.equals(MemorySegment.NULL)) throw Hdf5.failure("H5Tget_member_name(" + where + ", " + index + ")");
        try {
            return Hdf5.string(name);
        } finally {
            H5free_memory(name);
        }
    }

    /** A new HDF5 datatype for {@code type}, for writing or as a memory type. */
    static Handle create(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> order(Handle.of(H5Tcopy(switch ((int) t.size()) {
                case 1 -> t.signed() ? H5T_STD_I8LE_g() : H5T_STD_U8LE_g();
                case 2 -> t.signed() ? H5T_STD_I16LE_g() : H5T_STD_U16LE_g();
                case 4 -> t.signed() ? H5T_STD_I32LE_g() : H5T_STD_U32LE_g();
                default -> t.signed() ? H5T_STD_I64LE_g() : H5T_STD_U64LE_g();
            }), Handle.Kind.DATATYPE, "H5Tcopy(integer)"), t.order());
            case H5Type.FloatType t when t.size() != 2 -> order(Handle.of(H5Tcopy(t.size() == 4 ? H5T_IEEE_F32LE_g() : H5T_IEEE_F64LE_g()),
                    Handle.Kind.DATATYPE, "H5Tcopy(float)"), t.order());
            case H5Type.BoolType b -> TypeMap.create(io.h5image.DType.BOOL, ByteOrder.LITTLE_ENDIAN);
            case H5Type.EnumType e -> enumCreate(e);
            case H5Type.StringType s when s.isVariable() && s.charset().equals(StandardCharsets.UTF_8) -> Strings.variableUtf8();
            case H5Type.CompoundType c -> compoundCreate(c);
            case H5Type.ArrayType a -> arrayCreate(a);
            default -> throw new UnsupportedTypeException("h5image cannot write " + type + " yet");
        };
    }

    private static Handle order(Handle type, ByteOrder order) {
        try {
            Hdf5.check(H5Tset_order(type.id(), order == ByteOrder.BIG_ENDIAN ? H5T_ORDER_BE() : H5T_ORDER_LE()), "H5Tset_order");
            return type;
        } catch (RuntimeException e) {
            type.close();
            throw e;
        }
    }

    private static Handle enumCreate(H5Type.EnumType e) {
        try (Handle base = create(e.base())) {
            Handle type = Handle.of(H5Tenum_create(base.id()), Handle.Kind.DATATYPE, "H5Tenum_create");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(8);
                ValueLayout layout = (ValueLayout) e.base().layout();
                for (Map.Entry<String, Long> member : e.members().entrySet()) {
                    long v = member.getValue();
                    switch ((int) e.size()) {
                        case 1 -> value.set(ValueLayout.JAVA_BYTE, 0, (byte) v);
                        case 2 -> value.set((ValueLayout.OfShort) layout, 0, (short) v);
                        case 4 -> value.set((ValueLayout.OfInt) layout, 0, (int) v);
                        default -> value.set((ValueLayout.OfLong) layout, 0, v);
                    }
                    Hdf5.check(H5Tenum_insert(type.id(), arena.allocateFrom(member.getKey()), value), "H5Tenum_insert(" + member.getKey() + ")");
                }
                return type;
            } catch (RuntimeException ex) {
                type.close();
                throw ex;
            }
        }
    }

    private static Handle compoundCreate(H5Type.CompoundType c) {
        Handle type = Handle.of(H5Tcreate(H5T_COMPOUND(), c.size()), Handle.Kind.DATATYPE, "H5Tcreate(compound)");
        try (Arena arena = Arena.ofConfined()) {
            for (H5Type.CompoundType.Member m : c.members()) {
                try (Handle member = create(m.type())) {
                    Hdf5.check(H5Tinsert(type.id(), arena.allocateFrom(m.name()), m.offset(), member.id()), "H5Tinsert(" + m.name() + ")");
                }
            }
            return type;
        } catch (RuntimeException e) {
            type.close();
            throw e;
        }
    }

    private static Handle arrayCreate(H5Type.ArrayType a) {
        try (Arena arena = Arena.ofConfined(); Handle base = create(a.base())) {
            long[] dims = a.dims();
            return Handle.of(H5Tarray_create2(base.id(), dims.length, arena.allocateFrom(ValueLayout.JAVA_LONG, dims)),
                    Handle.Kind.DATATYPE, "H5Tarray_create2");
        }
    }
}
