package io.h5image;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The type of an HDF5 dataset or attribute, as h5image describes it: one record per HDF5 type class,
 * each with the {@link MemoryLayout} of one element as stored, so stored data can be read in place.
 * A type that cannot be described (a time type, a VAX float) gives {@link UnsupportedTypeException}.
 */
public sealed interface H5Type permits H5Type.IntegerType, H5Type.FloatType, H5Type.BoolType, H5Type.EnumType,
        H5Type.StringType, H5Type.CompoundType, H5Type.ArrayType, H5Type.VlenType, H5Type.OpaqueType,
        H5Type.BitfieldType, H5Type.ReferenceType {

    /** {@return bytes per element as stored} */
    long size();

    /** {@return the layout of one element as stored (byte order included), unaligned} */
    MemoryLayout layout();

    /**
     * An integer of 1, 2, 4 or 8 bytes.
     *
     * @param size   bytes
     * @param signed two's complement if true
     * @param order  byte order as stored
     */
    record IntegerType(long size, boolean signed, ByteOrder order) implements H5Type {
        /** Checks the size. */
        public IntegerType {
            Objects.requireNonNull(order, "order");
            if (size != 1 && size != 2 && size != 4 && size != 8) throw new IllegalArgumentException("integer size " + size);
        }

        @Override
        public MemoryLayout layout() {
            return (switch ((int) size) {
                case 1 -> ValueLayout.JAVA_BYTE;
                case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
                case 4 -> ValueLayout.JAVA_INT_UNALIGNED;
                default -> ValueLayout.JAVA_LONG_UNALIGNED;
            }).withOrder(order);
        }

        /** {@return the matching dtype of {@link NdArray}} */
        public DType dtype() {
            return switch ((int) size) {
                case 1 -> signed ? DType.INT8 : DType.UINT8;
                case 2 -> signed ? DType.INT16 : DType.UINT16;
                case 4 -> signed ? DType.INT32 : DType.UINT32;
                default -> signed ? DType.INT64 : DType.UINT64;
            };
        }
    }

    /**
     * An IEEE 754 float of 2 (half), 4 or 8 bytes.
     *
     * @param size  bytes
     * @param order byte order as stored
     */
    record FloatType(long size, ByteOrder order) implements H5Type {
        /** Checks the size. */
        public FloatType {
            Objects.requireNonNull(order, "order");
            if (size != 2 && size != 4 && size != 8) throw new IllegalArgumentException("float size " + size);
        }

        @Override
        public MemoryLayout layout() {
            return (switch ((int) size) {
                case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
                case 4 -> ValueLayout.JAVA_FLOAT_UNALIGNED;
                default -> ValueLayout.JAVA_DOUBLE_UNALIGNED;
            }).withOrder(order);
        }
    }

    /** h5py's bool: an enum over int8 with exactly {@code FALSE = 0} and {@code TRUE = 1}. */
    record BoolType() implements H5Type {
        @Override
        public long size() {
            return 1;
        }

        @Override
        public MemoryLayout layout() {
            return ValueLayout.JAVA_BYTE;
        }
    }

    /**
     * An enum: named values of an integer type.
     *
     * @param base    the integer type values are stored as
     * @param members names and values, in the type's order
     */
    record EnumType(IntegerType base, Map<String, Long> members) implements H5Type {
        /** Copies the members, keeping their order. */
        public EnumType {
            Objects.requireNonNull(base, "base");
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        @Override
        public long size() {
            return base.size();
        }

        @Override
        public MemoryLayout layout() {
            return base.layout();
        }

        /**
         * The name of a stored value.
         *
         * @param value a stored value
         * @return its name, or null if no member has it
         */
        public String nameOf(long value) {
            for (Map.Entry<String, Long> member : members.entrySet()) {
                if (member.getValue() == value) return member.getKey();
            }
            return null;
        }
    }

    /** How a fixed-length string fills its bytes after the text. */
    enum Padding {
        /** A NUL after the text (C's way). */
        NULL_TERMINATED,
        /** NULs to the end (numpy's {@code S} dtype). */
        NULL_PADDED,
        /** Spaces to the end (Fortran's way). */
        SPACE_PADDED
    }

    /**
     * A string: fixed length ({@code size} bytes) or variable length ({@code size} -1, stored as a
     * pointer in memory and a global-heap reference in the file).
     *
     * @param size    bytes of a fixed-length string, or -1 for variable length
     * @param charset ASCII or UTF-8
     * @param padding how a fixed-length string is padded
     */
    record StringType(long size, Charset charset, Padding padding) implements H5Type {
        /** Checks the charset. */
        public StringType {
            if (!charset.equals(StandardCharsets.US_ASCII) && !charset.equals(StandardCharsets.UTF_8)) {
                throw new IllegalArgumentException("HDF5 strings are ASCII or UTF-8, not " + charset);
            }
            Objects.requireNonNull(padding, "padding");
        }

        /** {@return true for variable length} */
        public boolean isVariable() {
            return size < 0;
        }

        @Override
        public MemoryLayout layout() {
            return isVariable() ? ValueLayout.ADDRESS_UNALIGNED : MemoryLayout.sequenceLayout(size, ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * A compound type: named members at byte offsets, like a C struct or a numpy structured dtype.
     *
     * @param size    bytes of one element, padding included
     * @param members the members by offset
     */
    record CompoundType(long size, List<Member> members) implements H5Type {
        /** Copies the members. */
        public CompoundType {
            members = List.copyOf(members);
        }

        /**
         * One member.
         *
         * @param name   its name
         * @param offset its byte offset in the element
         * @param type   its type
         */
        public record Member(String name, long offset, H5Type type) {}

        /**
         * The member called {@code name}.
         *
         * @param name a member name
         * @return the member, or null
         */
        public Member member(String name) {
            for (Member m : members) if (m.name().equals(name)) return m;
            return null;
        }

        /** {@return a struct layout with each member named at its offset, padding made explicit} */
        @Override
        public MemoryLayout layout() {
            List<MemoryLayout> parts = new ArrayList<>();
            long at = 0;
            List<Member> byOffset = new ArrayList<>(members);
            byOffset.sort(java.util.Comparator.comparingLong(Member::offset));
            for (Member m : byOffset) {
                if (m.offset() > at) parts.add(MemoryLayout.paddingLayout(m.offset() - at));
                parts.add(m.type().layout().withName(m.name()));
                at = m.offset() + m.type().size();
            }
            if (size > at) parts.add(MemoryLayout.paddingLayout(size - at));
            return MemoryLayout.structLayout(parts.toArray(MemoryLayout[]::new));
        }
    }

    /**
     * A fixed-size array of a base type in each element.
     *
     * @param base the element type
     * @param dims the array's dimensions
     */
    record ArrayType(H5Type base, long[] dims) implements H5Type {
        /** Copies the dimensions. */
        public ArrayType {
            Objects.requireNonNull(base, "base");
            dims = dims.clone();
        }

        /** {@return the dimensions (a copy)} */
        @Override
        public long[] dims() {
            return dims.clone();
        }

        @Override
        public long size() {
            long n = base.size();
            for (long d : dims) n *= d;
            return n;
        }

        @Override
        public MemoryLayout layout() {
            MemoryLayout layout = base.layout();
            for (int i = dims.length - 1; i >= 0; i--) layout = MemoryLayout.sequenceLayout(dims[i], layout);
            return layout;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayType a && a.base.equals(base) && Arrays.equals(a.dims, dims);
        }

        @Override
        public int hashCode() {
            return base.hashCode() * 31 + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "ArrayType[base=" + base + ", dims=" + Arrays.toString(dims) + "]";
        }
    }

    /**
     * A variable-length sequence of a base type (in memory: a length and a pointer).
     *
     * @param base the element type
     */
    record VlenType(H5Type base) implements H5Type {
        @Override
        public long size() {
            return 16;
        }

        @Override
        public MemoryLayout layout() {
            return MemoryLayout.structLayout(ValueLayout.JAVA_LONG_UNALIGNED.withName("length"),
                    ValueLayout.ADDRESS_UNALIGNED.withName("pointer"));
        }
    }

    /**
     * Opaque bytes with a tag.
     *
     * @param size bytes
     * @param tag  the tag, possibly empty
     */
    record OpaqueType(long size, String tag) implements H5Type {
        @Override
        public MemoryLayout layout() {
            return MemoryLayout.sequenceLayout(size, ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * A bit field of 1, 2, 4 or 8 bytes.
     *
     * @param size  bytes
     * @param order byte order as stored
     */
    record BitfieldType(long size, ByteOrder order) implements H5Type {
        @Override
        public MemoryLayout layout() {
            return new IntegerType(size, false, order).layout();
        }
    }

    /**
     * A reference to an object or to a region of a dataset.
     *
     * @param size   bytes as stored
     * @param region true for a dataset region reference
     */
    record ReferenceType(long size, boolean region) implements H5Type {
        @Override
        public MemoryLayout layout() {
            return MemoryLayout.sequenceLayout(size, ValueLayout.JAVA_BYTE);
        }
    }
}
