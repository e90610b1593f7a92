package io.h5image.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.function.Function;

/**
 * One reusable native buffer per thread for work whose result is copied out (serializeToBytes):
 * libhdf5 needs native memory, and fresh memory costs more in page faults than HDF5 does.
 */
public final class ScratchBuffers {
    private static final long MAX_KEPT = 256L << 20;
    private static final ThreadLocal<MemorySegment> BUFFER = new ThreadLocal<>();

    private ScratchBuffers() {}

    /** Runs {@code work} with an allocator whose memory stays valid until {@code work} returns. */
    public static <T> T withScratch(Function<SegmentAllocator, T> work) {
        MemorySegment[] kept = {BUFFER.get()};
        SegmentAllocator allocator = (size, alignment) -> {
            MemorySegment buffer = kept[0];
            if (buffer == null || buffer.byteSize() < size || buffer.address() % alignment != 0) {
                // Growth copies what was written, so a new buffer may not be the old one: allocate afresh.
                buffer = Arena.ofAuto().allocate(Math.max(size, 64 * 1024), Math.max(alignment, 64));
                if (buffer.byteSize() <= MAX_KEPT) BUFFER.set(buffer);
                kept[0] = buffer;
                return buffer.asSlice(0, size);
            }
            return buffer.asSlice(0, size);
        };
        return work.apply(allocator);
    }
}
