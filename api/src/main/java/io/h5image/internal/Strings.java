package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static io.h5image.bindings.hdf5_h.*;

/**
 * HDF5 strings to and from Java. Written strings are variable-length UTF-8, as h5py stores
 * {@code str}. Read strings may be fixed or variable length, ASCII or UTF-8, with any padding.
 * Callers hold the lock.
 */
final class Strings {
    private Strings() {}

    /** A new variable-length UTF-8 string type. */
    static Handle variableUtf8() {
        Handle type = Handle.of(H5Tcopy(H5T_C_S1_g()), Handle.Kind.DATATYPE, "H5Tcopy(H5T_C_S1)");
        try {
            Hdf5.check(H5Tset_size(type.id(), H5T_VARIABLE()), "H5Tset_size(H5T_VARIABLE)");
            Hdf5.check(H5Tset_cset(type.id(), H5T_CSET_UTF8()), "H5Tset_cset(UTF-8)");
            return type;
        } catch (RuntimeException e) {
            type.close();
            throw e;
        }
    }

    /** The pointers of {@code values} as NUL-terminated UTF-8 in {@code arena}, laid out for a variable-length write. */
    static MemorySegment pointers(String[] values, Arena arena) {
        MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, Math.max(1, values.length));
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) throw new IllegalArgumentException("string [" + i + "] is null; HDF5 strings cannot be null");
            pointers.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values[i], StandardCharsets.UTF_8));
        }
        return pointers;
    }

    /** Whether {@code type} is a string type. */
    static boolean isString(long type) {
        return H5Tget_class(type) == H5T_STRING();
    }

    /** Reads {@code count} strings of {@code fileType} with {@code read}, which fills a buffer of a given memory type. */
    static String[] read(long fileType, long count, long limit, String where, Reader read) {
        Charset charset = H5Tget_cset(fileType) == H5T_CSET_UTF8() ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
        int variable = Hdf5.check(H5Tis_variable_str(fileType), "H5Tis_variable_str(" + where + ")");
        if (count > Integer.MAX_VALUE - 8) {
            throw new InvalidImageException(where + " claims " + count + " strings, more than a Java array holds");
        }
        // Checked before the array is made: a fuzzed dataspace of 2^31 one-byte strings in a 23 KB
        // image passed the byte limit and the String objects exhausted the heap.
        long size = variable > 0 ? ValueLayout.ADDRESS.byteSize() : H5Tget_size(fileType);
        if (size <= 0 || size > Integer.MAX_VALUE - 8 || count > limit / (size + Values.JAVA_OBJECT_BYTES)) {
            throw tooBig(where, count > Long.MAX_VALUE / (Math.max(size, 1) + Values.JAVA_OBJECT_BYTES) ? Long.MAX_VALUE
                    : count * (Math.max(size, 1) + Values.JAVA_OBJECT_BYTES), limit);
        }
        String[] out = new String[(int) count];
        if (count == 0) return out;
        try (Arena arena = Arena.ofConfined()) {
            if (variable > 0) {
                try (Handle memoryType = Handle.of(H5Tcopy(fileType), Handle.Kind.DATATYPE, "H5Tcopy(" + where + ")")) {
                    MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, count);
                    read.into(memoryType.id(), pointers);
                    try {
                        for (int i = 0; i < count; i++) {
                            MemorySegment p = pointers.getAtIndex(ValueLayout.ADDRESS, i);
                            // libhdf5 allocated each of these and NUL-terminated it.
                            out[i] = p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0, charset);
                        }
                    } finally {
                        try (Handle space = Handle.of(H5Screate_simple(1, arena.allocateFrom(ValueLayout.JAVA_LONG, count),
                                MemorySegment.NULL), Handle.Kind.DATASPACE, "H5Screate_simple")) {
                            Hdf5.check(H5Dvlen_reclaim(memoryType.id(), space.id(), H5P_DEFAULT(), pointers), "H5Dvlen_reclaim");
                        }
                    }
                }
                return out;
            }
            int padding = H5Tget_strpad(fileType);
            try (Handle memoryType = Handle.of(H5Tcopy(fileType), Handle.Kind.DATATYPE, "H5Tcopy(" + where + ")")) {
                MemorySegment raw = arena.allocate(size * count);
                read.into(memoryType.id(), raw);
                byte[] bytes = new byte[(int) size];
                for (int i = 0; i < count; i++) {
                    MemorySegment.copy(raw, ValueLayout.JAVA_BYTE, i * size, bytes, 0, (int) size);
                    out[i] = new String(bytes, 0, length(bytes, padding), charset);
                }
            }
            return out;
        }
    }

    /** The characters of a fixed-length string before its padding: up to the first NUL, or trailing spaces dropped. */
    private static int length(byte[] bytes, int padding) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        if (padding == H5T_STR_SPACEPAD()) {
            while (end > 0 && bytes[end - 1] == ' ') end--;
        }
        return end;
    }

    private static InvalidImageException tooBig(String where, long bytes, long limit) {
        return new InvalidImageException(where + " would decode to " + bytes + " bytes, over the limit of " + limit
                + " bytes; raise -Dh5image.maxDecodedBytes to read it");
    }

    /** Fills {@code buffer} with the elements read as {@code memoryType} (H5Dread or H5Aread). */
    interface Reader {
        void into(long memoryType, MemorySegment buffer);
    }
}
