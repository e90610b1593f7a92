package io.h5image.internal;

import io.h5image.bindings.H5FD_file_image_callbacks_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The core driver's memory while an image is written, handed to libhdf5 through the file-image
 * callbacks: no {@code H5Fget_file_image} copy, no realloc. It is library-owned native memory,
 * reused per thread, never the caller's: callbacks are upcalls, and an upcall that throws ends the
 * JVM, so no caller code (an allocator) may run inside one. The finished image is copied from here
 * into the caller's memory; for contiguous data that is only the metadata, because libhdf5 never
 * writes the payload region (it is allocated early, with no fill).
 */
final class CoreDriverMemory {

    /** The callbacks struct, built once; the callbacks find this thread's buffer through {@link #CURRENT}. */
    static final MemorySegment CALLBACKS;
    private static final ThreadLocal<CoreDriverMemory> CURRENT = new ThreadLocal<>();
    /** Kept per thread for the next image, up to this size (larger ones are left to the GC). */
    private static final long KEEP_AT_MOST = 64L << 20;
    private static final ThreadLocal<MemorySegment> REUSED = new ThreadLocal<>();
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

    private MemorySegment buffer;
    /** The largest size the driver asked for: it wrote nothing at or beyond this. */
    private long requested;
    private Throwable failure;

    private CoreDriverMemory(long capacity) {
        MemorySegment reused = REUSED.get();
        buffer = reused != null && reused.byteSize() >= capacity ? reused : fresh(capacity);
    }

    /** Makes a buffer of at least {@code capacity} bytes current for this thread's next file create. */
    static CoreDriverMemory begin(long capacity) {
        CoreDriverMemory memory = new CoreDriverMemory(capacity);
        CURRENT.set(memory);
        return memory;
    }

    void end() {
        CURRENT.remove();
        if (buffer.byteSize() <= KEEP_AT_MOST) REUSED.set(buffer);
    }

    /** The bytes the driver wrote (it never writes at or past the largest size it asked for). */
    MemorySegment written() {
        return buffer.asSlice(0, Math.min(requested, buffer.byteSize()));
    }

    /** What went wrong inside a callback, if anything (libhdf5 itself only says "can't allocate"). */
    Throwable failure() {
        return failure;
    }

    private static MemorySegment fresh(long capacity) {
        return Arena.ofAuto().allocate(Math.max(capacity, 16 * 1024), ALIGNMENT);
    }

    /** An upcall: NULL (libhdf5's "out of memory") instead of any exception. */
    private static MemorySegment growCurrent(long size) {
        CoreDriverMemory memory = CURRENT.get();
        return memory == null ? MemorySegment.NULL : memory.grow(size);
    }

    private MemorySegment grow(long size) {
        try {
            if (size > buffer.byteSize()) {
                MemorySegment bigger = fresh(Math.max(size, buffer.byteSize() * 2));
                MemorySegment.copy(buffer, 0, bigger, 0, Math.min(requested, buffer.byteSize()));
                buffer = bigger;
            }
            requested = Math.max(requested, size);
            return buffer;
        } catch (Throwable e) {
            failure = e;
            return MemorySegment.NULL;
        }
    }

    private static MemorySegment copy(MemorySegment dest, MemorySegment src, long size, int op, MemorySegment udata) {
        try {
            MemorySegment.copy(src.reinterpret(size), 0, dest.reinterpret(size), 0, size);
            return dest;
        } catch (Throwable e) {
            return MemorySegment.NULL;
        }
    }
}
