package io.h5image.internal;

import io.h5image.bindings.H5FD_file_image_callbacks_t;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * The core driver's memory while an image is written. The file-image callbacks hand the driver
 * memory from the caller's {@link SegmentAllocator}, so the driver's buffer is the finished image:
 * no {@code H5Fget_file_image} copy, no realloc growth when the estimate holds.
 * Upcalls must never throw (that would end the JVM), so failures are kept and rethrown later.
 */
final class CoreDriverMemory {

    /** The callbacks struct, built once; the callbacks find the current buffer through {@link #CURRENT}. */
    static final MemorySegment CALLBACKS;
    private static final ThreadLocal<CoreDriverMemory> CURRENT = new ThreadLocal<>();
    /** Images are handed out aligned for any element type and for vector loads. */
    static final long ALIGNMENT = 64;

    static {
        CALLBACKS = Hdf5.GLOBAL.allocate(H5FD_file_image_callbacks_t.layout());
        H5FD_file_image_callbacks_t.image_malloc(CALLBACKS,
                H5FD_file_image_callbacks_t.image_malloc.allocate((size, op, udata) -> growCurrent(size), Hdf5.GLOBAL));
        H5FD_file_image_callbacks_t.image_realloc(CALLBACKS,
                H5FD_file_image_callbacks_t.image_realloc.allocate((ptr, size, op, udata) -> growCurrent(size), Hdf5.GLOBAL));
        H5FD_file_image_callbacks_t.image_memcpy(CALLBACKS,
                H5FD_file_image_callbacks_t.image_memcpy.allocate(CoreDriverMemory::copy, Hdf5.GLOBAL));
        H5FD_file_image_callbacks_t.image_free(CALLBACKS,
                H5FD_file_image_callbacks_t.image_free.allocate((ptr, op, udata) -> 0, Hdf5.GLOBAL));
        H5FD_file_image_callbacks_t.udata_copy(CALLBACKS, MemorySegment.NULL);
        H5FD_file_image_callbacks_t.udata_free(CALLBACKS, MemorySegment.NULL);
        H5FD_file_image_callbacks_t.udata(CALLBACKS, MemorySegment.NULL);
    }

    private final SegmentAllocator allocator;
    private MemorySegment buffer;
    /** The largest size the driver asked for: it wrote nothing at or beyond this. */
    private long requested;
    private RuntimeException failure;

    private CoreDriverMemory(SegmentAllocator allocator, long capacity) {
        this.allocator = allocator;
        this.buffer = allocator.allocate(capacity, ALIGNMENT);
    }

    /** Makes a buffer of {@code capacity} bytes current for this thread's next file create. */
    static CoreDriverMemory begin(SegmentAllocator allocator, long capacity) {
        CoreDriverMemory memory = new CoreDriverMemory(allocator, capacity);
        CURRENT.set(memory);
        return memory;
    }

    void end() {
        CURRENT.remove();
    }

    MemorySegment buffer() {
        return buffer;
    }

    long requested() {
        return requested;
    }

    /** What went wrong inside a callback, if anything (to rethrow instead of HDF5's "can't allocate"). */
    RuntimeException failure() {
        return failure;
    }

    /** NULL (HDF5's "out of memory") when no image is being written on this thread: never throw from an upcall. */
    private static MemorySegment growCurrent(long size) {
        CoreDriverMemory memory = CURRENT.get();
        return memory == null ? MemorySegment.NULL : memory.grow(size);
    }

    private MemorySegment grow(long size) {
        try {
            if (size > buffer.byteSize()) {
                // The estimate was short: ask the allocator again, keep what was written.
                MemorySegment bigger = allocator.allocate(Math.max(size, buffer.byteSize() + buffer.byteSize() / 2), ALIGNMENT);
                MemorySegment.copy(buffer, 0, bigger, 0, Math.min(requested, buffer.byteSize()));
                buffer = bigger;
            }
            requested = Math.max(requested, size);
            return buffer;
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = e instanceof RuntimeException r ? r
                    : new IllegalStateException("out of memory growing the image to " + size + " bytes", e);
            return MemorySegment.NULL;
        }
    }

    private static MemorySegment copy(MemorySegment dest, MemorySegment src, long size, int op, MemorySegment udata) {
        try {
            MemorySegment.copy(src.reinterpret(size), 0, dest.reinterpret(size), 0, size);
            return dest;
        } catch (RuntimeException e) {
            return MemorySegment.NULL;
        }
    }
}
