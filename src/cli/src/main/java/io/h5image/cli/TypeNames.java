package io.h5image.cli;

import io.h5image.H5Type;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Short names of HDF5 types for the tree, numpy-like where numpy has a name: {@code int32}, {@code float64 BE}, {@code string[8] ascii nullpad}. */
final class TypeNames {
    private TypeNames() {}

    /** Enums list this many members before an ellipsis. */
    private static final int MEMBERS_SHOWN = 8;

    static String of(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> (t.signed() ? "int" : "uint") + t.size() * 8 + order(t.order(), t.size());
            case H5Type.FloatType t -> "float" + t.size() * 8 + order(t.order(), t.size());
            case H5Type.BoolType t -> "bool";
            case H5Type.BitfieldType t -> "bitfield" + t.size() * 8 + order(t.order(), t.size());
            case H5Type.EnumType t -> "enum " + of(t.base()) + " {" + t.members().entrySet().stream().limit(MEMBERS_SHOWN)
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))
                    + (t.members().size() > MEMBERS_SHOWN ? ", ... " + t.members().size() + " members" : "") + "}";
            case H5Type.StringType t -> "string" + (t.isVariable() ? " (variable)" : "[" + t.size() + "]")
                    + (t.charset().equals(StandardCharsets.UTF_8) ? " utf-8" : " ascii")
                    + (t.isVariable() ? "" : " " + padding(t.padding()));
            case H5Type.CompoundType t -> "compound {" + t.members().stream().map(m -> m.name() + ": " + of(m.type()))
                    .collect(Collectors.joining(", ")) + "}";
            case H5Type.ArrayType t -> of(t.base()) + Arrays.toString(t.dims());
            case H5Type.VlenType t -> "vlen<" + of(t.base()) + ">";
            case H5Type.OpaqueType t -> "opaque[" + t.size() + "]" + (t.tag().isEmpty() ? "" : " \"" + t.tag() + "\"");
            case H5Type.ReferenceType t -> t.region() ? "region reference" : "object reference";
        };
    }

    private static String order(ByteOrder order, long size) {
        return size > 1 && order == ByteOrder.BIG_ENDIAN ? " BE" : "";
    }

    private static String padding(H5Type.Padding padding) {
        return switch (padding) {
            case NULL_TERMINATED -> "nullterm";
            case NULL_PADDED -> "nullpad";
            case SPACE_PADDED -> "spacepad";
        };
    }
}
