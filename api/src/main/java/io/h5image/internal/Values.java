package io.h5image.internal;

import io.h5image.NdArray;
import io.h5image.UnsupportedTypeException;
import io.h5image.UnsupportedValueException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Java values to HDF5 (type, dataspace, bytes) and back, for datasets and attributes alike.
 * Numbers and bools go as {@link JavaArrays} stores them; strings as variable-length UTF-8.
 * Callers hold the lock.
 */
final class Values {

    /**
     * What each decoded string or record costs the Java heap beyond its bytes (an object header, a
     * reference, a byte array's header), counted against the decode limit with them.
     */
    static final long JAVA_OBJECT_BYTES = 48;

    private Values() {}

    /**
     * What to store for a value: its type (the same in the file and in memory: h5image stores values
     * as Java holds them), its dataspace, and how to write its {@code byteSize} bytes. The bytes are
     * written where they will stay (a dataset's place in the file, an attribute's buffer), not staged first.
     */
    record Encoded(Handle type, Handle space, long byteSize, boolean variableLength, Bytes bytes)
            implements AutoCloseable {

        /** Writes the value's bytes at {@code at} of {@code out}; records may be rejected here, one by one. */
        interface Bytes {
            void into(MemorySegment out, long at);
        }

        /** The bytes in new memory of {@code arena}, aligned for any element. */
        MemorySegment inMemory(Arena arena) {
            MemorySegment buffer = arena.allocate(Math.max(1, byteSize), CoreDriverMemory.ALIGNMENT).asSlice(0, byteSize);
            bytes.into(buffer, 0);
            return buffer;
        }

        @Override
        public void close() {
            try (Handle t = type; Handle s = space) {
                // closes both, whatever fails
            }
        }
    }

    /** Encodes {@code value}; variable-length strings are laid out in {@code arena}, which must outlive the write. */
    static Encoded encode(Object value, Arena arena) {
        if (value instanceof String one) return strings(new String[] {one}, new long[0], arena);
        if (value instanceof String[] many) return strings(many, new long[] {many.length}, arena);
        if (value instanceof Record one) return records(one.getClass(), List.of(one), new long[0], arena);
        if (value instanceof Object[] array && array.getClass().getComponentType().isRecord()) {
            return records(array.getClass().getComponentType(), Arrays.asList(array), new long[] {array.length}, arena);
        }
        if (value instanceof List<?> list) {
            Object first = list.isEmpty() ? null : list.getFirst();
            if (!(first instanceof Record)) {
                throw new UnsupportedValueException(list.isEmpty() ? "an empty List has no element type to store; pass an R[]"
                        : "a List of " + first.getClass().getName() + " cannot be stored; Lists of records can", List.class);
            }
            return records(first.getClass(), list, new long[] {list.size()}, arena);
        }
        Payload payload = JavaArrays.of(value);
        return encoded(TypeMap.create(payload.dtype(), payload.order()), payload.shape(), payload.byteSize(), false,
                (out, at) -> payload.copyTo(out, at, payload.order()), arena);
    }

    /** The encoding of a value of {@code type} (which it now owns, closed on failure) and {@code shape}. */
    private static Encoded encoded(Handle type, long[] shape, long byteSize, boolean variableLength, Encoded.Bytes bytes, Arena arena) {
        try {
            return new Encoded(type, ImageWriter.dataspace(shape, arena), byteSize, variableLength, bytes);
        } catch (RuntimeException e) {
            type.close();
            throw e;
        }
    }

    /** Records as one packed compound: one bulk encode in Java, no HDF5 call per element. */
    private static Encoded records(Class<?> type, List<?> records, long[] shape, Arena arena) {
        RecordCodec codec = RecordCodec.forWriting(type, records.isEmpty() ? null : records.getFirst());
        long bytes = Math.multiplyExact(codec.size(), (long) records.size());
        return encoded(Types.create(codec.type()), shape, bytes, false, (out, at) -> codec.encode(records, out, at), arena);
    }

    private static Encoded strings(String[] values, long[] shape, Arena arena) {
        MemorySegment pointers = Strings.pointers(values, arena);
        long bytes = values.length * ValueLayout.ADDRESS.byteSize();
        return encoded(Strings.variableUtf8(), shape, bytes, true, (out, at) -> MemorySegment.copy(pointers, 0, out, at, bytes), arena);
    }

    /** The number of elements of a simple or scalar dataspace. */
    static long count(long space, String where) {
        long count = H5Sget_simple_extent_npoints(space);
        if (count < 0) throw Hdf5.failure("H5Sget_simple_extent_npoints(" + where + ")");
        return count;
    }

    /** Reads numbers or bools into new memory, native byte order. */
    static NdArray numbers(long type, long[] shape, String where, long limit, Strings.Reader read) {
        TypeMap.Stored stored = TypeMap.classify(type, where);
        shape = ImageReader.join(shape, stored.elementDims());
        long size = Shapes.byteSize(stored.dtype(), shape);
        if (size > limit) {
            throw new io.h5image.InvalidImageException(where + " would decode to " + size + " bytes, over the limit of "
                    + limit + " bytes; raise -Dh5image.maxDecodedBytes to read it");
        }
        MemorySegment out = Arena.ofAuto().allocate(Math.max(size, 1), CoreDriverMemory.ALIGNMENT).asSlice(0, size);
        if (size > 0) {
            try (Handle memoryType = TypeMap.memoryType(type, stored.dtype())) {
                read.into(memoryType.id(), out);
            }
        }
        return NdArray.of(out, stored.dtype(), shape);
    }

}
