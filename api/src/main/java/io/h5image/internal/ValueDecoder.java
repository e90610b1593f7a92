package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Reference;
import io.h5image.H5Type;
import io.h5image.InvalidImageException;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elements of any {@link H5Type} to Java values, in Java: numbers as primitives (unsigned widened,
 * float16 widened to float), strings as {@code String}, compounds as a {@code Map} of member name to
 * value, array types and variable-length sequences as Java arrays, opaque as {@code byte[]},
 * references as {@link H5Reference}. A value of a shape is a Java array of that rank.
 * <p>
 * The elements lie in one of two forms, which {@link Heap} abstracts: as libhdf5 converts them into
 * memory (a sequence is a length and a pointer, a string a {@code char*}), or as the file stores them
 * (both a length and a global heap reference, decoded by {@link GlobalHeap} with every size checked).
 * Every decoded byte and object counts against a limit, so a crafted type or length cannot take the heap.
 */
final class ValueDecoder {

    /** Where the variable-length parts and references of the elements lead. */
    interface Heap {
        /** {@return bytes a variable-length string takes in an element} */
        long stringSlot();

        /** {@return bytes a variable-length sequence takes in an element} */
        long sequenceSlot();

        /** {@return bytes a reference takes in an element} */
        long referenceSlot(boolean region);

        /** The elements of the sequence at {@code at}: a segment of a whole number of {@code elementSize}-byte elements. */
        MemorySegment sequence(MemorySegment data, long at, long elementSize, String where);

        /** The variable-length string at {@code at}. */
        String string(MemorySegment data, long at, Charset charset, String where);

        /** The reference at {@code at}, resolved; null for a null reference. */
        H5Reference reference(MemorySegment data, long at, boolean region, String where);
    }

    private final Heap heap;
    private final long limit;
    private long used;

    ValueDecoder(Heap heap, long limit) {
        this.heap = heap;
        this.limit = limit;
    }

    /** Bytes one element of {@code type} takes in this decoder's form. */
    long size(H5Type type) {
        return switch (type) {
            case H5Type.StringType s when s.isVariable() -> heap.stringSlot();
            case H5Type.VlenType v -> heap.sequenceSlot();
            case H5Type.ReferenceType r -> heap.referenceSlot(r.region());
            case H5Type.ArrayType a -> size(a.base()) * Shapes.elementCount(a.dims());
            case H5Type.CompoundType c -> layout(c).size();
            default -> type.size();
        };
    }

    /** Bytes one element of {@code type} takes in memory, as {@link H5Type} describes it (libhdf5's memory form). */
    private static long memorySize(H5Type type) {
        return switch (type) {
            case H5Type.StringType s when s.isVariable() -> ValueLayout.ADDRESS.byteSize();
            case H5Type.ArrayType a -> memorySize(a.base()) * Shapes.elementCount(a.dims());
            default -> type.size();
        };
    }

    /** A compound's member offsets (in its member order) and size, in this decoder's form. */
    private record CompoundLayout(long[] offsets, long size) {}

    private final Map<H5Type.CompoundType, CompoundLayout> layouts = new IdentityHashMap<>();

    /**
     * A compound as it lies in this decoder's form. {@link H5Type} gives libhdf5's memory form; in
     * the file a variable-length member takes another size (a length and a heap reference, not a
     * pointer), and libhdf5 moves each later member by the difference, in offset order (its
     * {@code H5T__set_loc}): the same rule, applied here, finds the file's offsets.
     */
    private CompoundLayout layout(H5Type.CompoundType type) {
        CompoundLayout known = layouts.get(type);
        if (known != null) return known;
        List<H5Type.CompoundType.Member> members = type.members();
        Integer[] byOffset = new Integer[members.size()];
        for (int i = 0; i < byOffset.length; i++) byOffset[i] = i;
        Arrays.sort(byOffset, java.util.Comparator.comparingLong(i -> members.get(i).offset()));
        long[] offsets = new long[members.size()];
        long shift = 0;
        for (int i : byOffset) {
            H5Type member = members.get(i).type();
            offsets[i] = members.get(i).offset() + shift;
            shift += size(member) - memorySize(member);
        }
        CompoundLayout layout = new CompoundLayout(offsets, type.size() + shift);
        layouts.put(type, layout);
        return layout;
    }

    /** Whether {@code type} has variable-length parts (sequences or strings) anywhere. */
    static boolean variable(H5Type type) {
        return switch (type) {
            case H5Type.StringType s -> s.isVariable();
            case H5Type.VlenType v -> true;
            case H5Type.CompoundType c -> c.members().stream().anyMatch(m -> variable(m.type()));
            case H5Type.ArrayType a -> variable(a.base());
            default -> false;
        };
    }

    /** Whether {@code type} holds references anywhere. */
    static boolean references(H5Type type) {
        return switch (type) {
            case H5Type.ReferenceType r -> true;
            case H5Type.VlenType v -> references(v.base());
            case H5Type.CompoundType c -> c.members().stream().anyMatch(m -> references(m.type()));
            case H5Type.ArrayType a -> references(a.base());
            default -> false;
        };
    }

    /**
     * The value of {@code count} elements of {@code type} at the start of {@code data}, shaped:
     * one element for a scalar, else a Java array of {@code shape}'s rank.
     */
    Object value(H5Type type, MemorySegment data, long[] shape, String where) {
        long count = Shapes.elementCount(shape);
        long size = size(type);
        if (count > 0 && data.byteSize() / count < size) {
            throw new InvalidImageException(where + " has " + data.byteSize() + " bytes for " + count + " elements of " + size + ": the image is corrupt");
        }
        Shapes.requireJavaArrays(shape, limit, where);
        if (shape.length == 0) return element(type, data, 0, where);
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) shape[i];
        Numeric numeric = numeric(type);
        if (numeric != null) return numbers(numeric, data, 0, shape, count, where);
        charge(count, Values.JAVA_OBJECT_BYTES, where);
        Object out = Array.newInstance(javaClass(type), dims);
        fill(out, dims.length, type, data, new long[] {0}, size, where);
        return out;
    }

    /** Fills {@code array}, of {@code rank} dimensions over elements of {@code type}, in C order from {@code at[0]}. */
    private void fill(Object array, int rank, H5Type type, MemorySegment data, long[] at, long size, String where) {
        int length = Array.getLength(array);
        for (int i = 0; i < length; i++) {
            if (rank == 1) {
                Array.set(array, i, element(type, data, at[0], where));
                at[0] += size;
            } else {
                fill(Array.get(array, i), rank - 1, type, data, at, size, where);
            }
        }
    }

    /** One element of {@code type} at {@code at}. */
    Object element(H5Type type, MemorySegment data, long at, String where) {
        return switch (type) {
            case H5Type.IntegerType t -> scalar(numeric(t), data, at);
            case H5Type.BitfieldType t -> scalar(numeric(t), data, at);
            case H5Type.EnumType t -> scalar(numeric(t.base()), data, at);
            case H5Type.FloatType t -> scalar(numeric(t), data, at);
            case H5Type.BoolType t -> data.get(ValueLayout.JAVA_BYTE, at) != 0;
            case H5Type.StringType t -> string(t, data, at, where);
            case H5Type.OpaqueType t -> {
                charge(1, t.size() + Values.JAVA_OBJECT_BYTES, where);
                yield data.asSlice(at, t.size()).toArray(ValueLayout.JAVA_BYTE);
            }
            case H5Type.ReferenceType t -> heap.reference(data, at, t.region(), where);
            case H5Type.CompoundType t -> compound(t, data, at, where);
            case H5Type.ArrayType t -> {
                long[] dims = t.dims();
                Numeric numeric = numeric(t.base());
                if (numeric != null) yield numbers(numeric, data, at, dims, Shapes.elementCount(dims), where);
                yield nested(t.base(), data, at, dims, where);
            }
            case H5Type.VlenType t -> sequence(t.base(), data, at, where);
        };
    }

    private Map<String, Object> compound(H5Type.CompoundType type, MemorySegment data, long at, String where) {
        charge(type.members().size(), Values.JAVA_OBJECT_BYTES, where);
        CompoundLayout layout = layout(type);
        Map<String, Object> members = new LinkedHashMap<>();
        for (int i = 0; i < type.members().size(); i++) {
            H5Type.CompoundType.Member m = type.members().get(i);
            long offset = layout.offsets()[i];
            if (offset < 0 || size(m.type()) > layout.size() - offset) {
                throw new InvalidImageException(where + " field '" + m.name() + "' lies past its " + layout.size() + "-byte element");
            }
            members.put(m.name(), element(m.type(), data, at + offset, where + " field '" + m.name() + "'"));
        }
        return java.util.Collections.unmodifiableMap(members);
    }

    private Object sequence(H5Type base, MemorySegment data, long at, String where) {
        long size = size(base);
        MemorySegment elements = heap.sequence(data, at, size, where);
        long count = elements.byteSize() / size;
        if (count > Integer.MAX_VALUE - 8) throw new InvalidImageException(where + " holds a sequence of " + count + " elements, more than a Java array holds");
        Numeric numeric = numeric(base);
        if (numeric != null) return numbers(numeric, elements, 0, new long[] {count}, count, where);
        return nested(base, elements, 0, new long[] {count}, where);
    }

    /** Elements of a non-numeric {@code type} as a Java array of {@code dims}. */
    private Object nested(H5Type type, MemorySegment data, long at, long[] dims, String where) {
        long count = Shapes.elementCount(dims);
        charge(count, Values.JAVA_OBJECT_BYTES, where);
        int[] javaDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) javaDims[i] = Math.toIntExact(dims[i]);
        Object out = Array.newInstance(javaClass(type), javaDims);
        fill(out, dims.length, type, data, new long[] {at}, size(type), where);
        return out;
    }

    private String string(H5Type.StringType type, MemorySegment data, long at, String where) {
        if (type.isVariable()) {
            String s = heap.string(data, at, type.charset(), where);
            charge(1, s.length() + Values.JAVA_OBJECT_BYTES, where);
            return s;
        }
        charge(1, type.size() + Values.JAVA_OBJECT_BYTES, where);
        byte[] bytes = data.asSlice(at, type.size()).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        if (type.padding() == H5Type.Padding.SPACE_PADDED) {
            while (end > 0 && bytes[end - 1] == ' ') end--;
        }
        return new String(bytes, 0, end, type.charset());
    }

    /** A numeric element type: its dtype and byte order as stored. */
    private record Numeric(DType dtype, ByteOrder order) {}

    /** The numeric view of {@code type}, or null if it is not a number, bool or enum (bit fields read as unsigned integers). */
    private static Numeric numeric(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> new Numeric(t.dtype(), t.order());
            case H5Type.BitfieldType t -> new Numeric(new H5Type.IntegerType(t.size(), false, t.order()).dtype(), t.order());
            case H5Type.EnumType t -> numeric(t.base());
            case H5Type.FloatType t -> new Numeric(t.size() == 2 ? DType.FLOAT16 : t.size() == 4 ? DType.FLOAT32 : DType.FLOAT64, t.order());
            case H5Type.BoolType t -> new Numeric(DType.BOOL, ByteOrder.nativeOrder());
            default -> null;
        };
    }

    /**
     * One number, boxed, widened as {@link NdArray#toArray()} widens (the same rules, {@link DType}'s):
     * read in place, since a compound of a million records reads a few million of these.
     */
    private static Object scalar(Numeric numeric, MemorySegment data, long at) {
        ValueLayout stored = numeric.dtype().layout().withOrder(numeric.order());
        return switch (numeric.dtype()) {
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, at);
            case UINT8 -> (short) Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, at));
            case INT16 -> data.get((ValueLayout.OfShort) stored, at);
            case UINT16 -> Short.toUnsignedInt(data.get((ValueLayout.OfShort) stored, at));
            case INT32 -> data.get((ValueLayout.OfInt) stored, at);
            case UINT32 -> Integer.toUnsignedLong(data.get((ValueLayout.OfInt) stored, at));
            case INT64, UINT64 -> data.get((ValueLayout.OfLong) stored, at);
            case FLOAT16 -> Float.float16ToFloat(data.get((ValueLayout.OfShort) stored, at));
            case FLOAT32 -> data.get((ValueLayout.OfFloat) stored, at);
            case FLOAT64 -> data.get((ValueLayout.OfDouble) stored, at);
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, at) != 0;
        };
    }

    private Object numbers(Numeric numeric, MemorySegment data, long at, long[] shape, long count, String where) {
        long bytes = count * numeric.dtype().size();
        charge(1, bytes + Values.JAVA_OBJECT_BYTES, where);
        return NdArray.of(data.asSlice(at, bytes), numeric.dtype(), numeric.order(), shape).toArray();
    }

    /** The Java class one element of {@code type} decodes to. */
    static Class<?> javaClass(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> t.dtype().javaType();
            case H5Type.BitfieldType t -> new H5Type.IntegerType(t.size(), false, t.order()).dtype().javaType();
            case H5Type.EnumType t -> t.base().dtype().javaType();
            case H5Type.FloatType t -> t.size() == 8 ? double.class : float.class;
            case H5Type.BoolType t -> boolean.class;
            case H5Type.StringType t -> String.class;
            case H5Type.OpaqueType t -> byte[].class;
            case H5Type.ReferenceType t -> H5Reference.class;
            case H5Type.CompoundType t -> Map.class;
            case H5Type.ArrayType t -> arrayClass(javaClass(t.base()), t.dims().length);
            case H5Type.VlenType t -> arrayClass(javaClass(t.base()), 1);
        };
    }

    private static Class<?> arrayClass(Class<?> component, int rank) {
        Class<?> c = component;
        for (int i = 0; i < rank; i++) c = c.arrayType();
        return c;
    }

    /** Counts {@code count} objects of {@code bytes} each against the limit. */
    private void charge(long count, long bytes, String where) {
        long cost = count > Long.MAX_VALUE / Math.max(1, bytes) ? Long.MAX_VALUE : count * bytes;
        used = cost > Long.MAX_VALUE - used ? Long.MAX_VALUE : used + cost;
        if (used > limit) {
            throw new InvalidImageException(where + " would decode to more than " + limit
                    + " bytes of Java values; raise -Dh5image.maxDecodedBytes to read it");
        }
    }
}
