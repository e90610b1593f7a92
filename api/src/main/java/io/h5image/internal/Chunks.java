package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Checks every chunk a read would decode before libhdf5's filter pipeline sees it: each chunk's
 * address and stored size from the chunk index ({@code H5Dget_chunk_info}), against the image's
 * bounds and what its filters need. Fuzzing crashed libhdf5 in {@code H5_checksum_fletcher32} on a
 * chunk whose stored size had been cut below the checksum's 4 bytes. Callers hold the lock.
 */
final class Chunks {
    private Chunks() {}

    private static final long HADDR_UNDEF = -1L;
    private static final int FLETCHER32 = 3;

    /** Throws {@link InvalidImageException} for the first chunk that lies outside the image or is too small for its filters. */
    static void validate(Handle dataset, Handle dcpl, long imageSize, String path) {
        if (Hdf5.check(H5Pget_layout(dcpl.id()), "H5Pget_layout('" + path + "')") != H5D_CHUNKED()) return;
        // Its bit in each chunk's filter mask (a set bit: the filter was skipped for that chunk); -1 if absent.
        int fletcher32 = filterIndex(dcpl.id(), FLETCHER32, path);
        // The whole dataspace, by identifier: 1.10 refuses H5S_ALL here.
        try (Arena arena = Arena.ofConfined();
             Handle space = Handle.of(H5Dget_space(dataset.id()), Handle.Kind.DATASPACE, "H5Dget_space('" + path + "')")) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
            Hdf5.check(H5Dget_num_chunks(dataset.id(), space.id(), count), "H5Dget_num_chunks('" + path + "')");
            long chunks = count.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment offset = arena.allocate(ValueLayout.JAVA_LONG, 32);
            MemorySegment mask = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment address = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            for (long i = 0; i < chunks; i++) {
                Hdf5.check(H5Dget_chunk_info(dataset.id(), space.id(), i, offset, mask, address, size),
                        "H5Dget_chunk_info('" + path + "', " + i + ")");
                long at = address.get(ValueLayout.JAVA_LONG, 0);
                long bytes = size.get(ValueLayout.JAVA_LONG, 0);
                if (at == HADDR_UNDEF) continue; // never written: the fill value, no bytes to decode
                if (at < 0 || bytes < 0 || at > imageSize || bytes > imageSize - at) {
                    throw new InvalidImageException("dataset '" + path + "' chunk " + i + " (" + bytes + " bytes at "
                            + Long.toUnsignedString(at) + ") lies outside the " + imageSize + "-byte image: the image is corrupt");
                }
                boolean checked = fletcher32 >= 0 && (mask.get(ValueLayout.JAVA_INT, 0) & (1 << fletcher32)) == 0;
                if (checked && bytes < 4) {
                    throw new InvalidImageException("dataset '" + path + "' chunk " + i + " is " + bytes + " bytes, too small"
                            + " to hold its fletcher32 checksum: the image is corrupt");
                }
            }
        }
    }

    /** Where {@code filter} sits in the pipeline (its bit in a chunk's filter mask), or -1. */
    private static int filterIndex(long dcpl, int filter, String path) {
        int count = Hdf5.check(H5Pget_nfilters(dcpl), "H5Pget_nfilters('" + path + "')");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment config = arena.allocate(ValueLayout.JAVA_INT);
            for (int i = 0; i < count; i++) {
                values.set(ValueLayout.JAVA_LONG, 0, 0);
                int id = Hdf5.check(H5Pget_filter2(dcpl, i, flags, values, MemorySegment.NULL, 0, MemorySegment.NULL, config),
                        "H5Pget_filter2('" + path + "')");
                if (id == filter) return i;
            }
        }
        return -1;
    }
}
