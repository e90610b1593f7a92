package io.h5image.internal;

import io.h5image.bindings.H5FD_file_image_callbacks_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory of one in-memory HDF5 file, handed to the core driver through the file-image
 * callbacks ({@code H5Pset_file_image_callbacks}). Each file's callbacks carry their own
 * {@code udata}, a key into a registry, so any number of files can be open on any threads: nothing
 * routes through a thread-local, and a file can be created on one thread and written on another.
 * <ul>
 * <li>{@link #growable}: a file h5image writes. The driver's buffer <em>is</em> the image (no
 * {@code H5Fget_file_image} copy, no realloc by libhdf5): library-owned native memory that grows by
 * doubling. Never the caller's memory: callbacks are upcalls, and an upcall that throws ends the
 * JVM, so no caller code (an allocator) may run inside one.</li>
 * <li>{@link #inPlace}: an image libhdf5 reads where it lies. Every allocation the driver asks for
 * is answered with the image itself and every copy onto itself is skipped, which is what
 * {@code H5LTopen_file_image(DONT_COPY | DONT_RELEASE)} does, without libhdf5_hl's per-open leak
 * (HDFGroup/hdf5#827) and without its unsynchronized image-name counter.</li>
 * </ul>
 * A callback never throws: a failure becomes NULL or -1 for libhdf5, and is kept for the message.
 */
final class CoreDriverMemory implements AutoCloseable {

    /** Images are handed out aligned for any element type and for vector loads. */
    static final long ALIGNMENT = 64;
    /** Kept per thread for the next image written by {@code H5Image.serialize}, up to this size. */
    private static final long KEEP_AT_MOST = 64L << 20;
    /** A finished file's buffer, and how much of it holds that file's bytes (stale for the next one). */
    private record Reusable(MemorySegment buffer, long used) {}

    private static final ThreadLocal<Reusable> REUSED = new ThreadLocal<>();

    private static final ConcurrentHashMap<Long, CoreDriverMemory> REGISTRY = new ConcurrentHashMap<>();
    private static final AtomicLong KEYS = new AtomicLong();

    /** The callbacks struct with a NULL udata; each file gets a copy carrying its own key. Built on first use. */
    private static final class Callbacks {
        static final MemorySegment TEMPLATE = Hdf5.GLOBAL.allocate(H5FD_file_image_callbacks_t.layout());

        static {
            H5FD_file_image_callbacks_t.image_malloc(TEMPLATE, H5FD_file_image_callbacks_t.image_malloc.allocate(
                    (size, op, udata) -> find(udata).allocate(size), Hdf5.GLOBAL));
            H5FD_file_image_callbacks_t.image_realloc(TEMPLATE, H5FD_file_image_callbacks_t.image_realloc.allocate(
                    (ptr, size, op, udata) -> find(udata).reallocate(size), Hdf5.GLOBAL));
            H5FD_file_image_callbacks_t.image_memcpy(TEMPLATE, H5FD_file_image_callbacks_t.image_memcpy.allocate(
                    (dest, src, size, op, udata) -> find(udata).copy(dest, src, size), Hdf5.GLOBAL));
            H5FD_file_image_callbacks_t.image_free(TEMPLATE, H5FD_file_image_callbacks_t.image_free.allocate(
                    (ptr, op, udata) -> 0, Hdf5.GLOBAL));
            // The udata is a key, not memory: libhdf5 may copy and free it as often as it likes.
            H5FD_file_image_callbacks_t.udata_copy(TEMPLATE, H5FD_file_image_callbacks_t.udata_copy.allocate(
                    udata -> udata, Hdf5.GLOBAL));
            H5FD_file_image_callbacks_t.udata_free(TEMPLATE, H5FD_file_image_callbacks_t.udata_free.allocate(
                    udata -> 0, Hdf5.GLOBAL));
        }
    }

    /** Answers every callback of an unknown key with failure. */
    private static final CoreDriverMemory NONE = new CoreDriverMemory(null, false);

    private final long key;
    /** In place: the image. Growable: the current buffer. */
    private MemorySegment buffer;
    private final boolean growable;
    /** The largest size the driver asked for: it wrote nothing at or beyond this. */
    private long requested;
    /**
     * Bytes at the start of a reused buffer that still hold the previous file's data. The driver
     * does not clear what it grows into, so each region is zeroed as it is first handed out, as a
     * fresh buffer would be: no image carries another's bytes, and identical input stays identical.
     */
    private long stale;
    /**
     * A region h5image writes in full itself ({@link #willOverwrite}): growth does not zero it. One
     * dataset's data at a time; {@code promisedEnd == 0} for none.
     */
    private long promisedStart;
    private long promisedEnd;
    /** Room {@link #reserve} asked for, taken at the next growth. */
    private long pendingGrowth;
    private Throwable failure;

    private CoreDriverMemory(MemorySegment buffer, boolean growable) {
        this.buffer = buffer;
        this.growable = growable;
        this.key = buffer == null ? -1 : KEYS.incrementAndGet();
        if (buffer != null) REGISTRY.put(key, this);
    }

    /** Memory for a file h5image writes, starting at {@code capacity} bytes (reusing this thread's last buffer if it is big enough). */
    static CoreDriverMemory growable(long capacity) {
        Reusable reused = REUSED.get();
        if (reused != null && reused.buffer().byteSize() >= capacity) {
            REUSED.remove();
            CoreDriverMemory memory = new CoreDriverMemory(reused.buffer(), true);
            memory.stale = reused.used();
            return memory;
        }
        return new CoreDriverMemory(fresh(capacity), true);
    }

    /**
     * Memory for editing a copy of {@code image}: growable like a file h5image writes, starting as
     * the image's bytes. Handed to libhdf5 as the image itself, so every copy the driver makes of it
     * is onto itself ({@link #copy}) and the caller's memory is read exactly once, here.
     */
    static CoreDriverMemory editable(MemorySegment image) {
        long size = image.byteSize();
        MemorySegment buffer = fresh(size + Math.max(64 * 1024, size / 4));
        MemorySegment.copy(image, 0, buffer, 0, size);
        CoreDriverMemory memory = new CoreDriverMemory(buffer, true);
        memory.requested = size;
        return memory;
    }

    /** {@code image} for libhdf5 to read in place; it must be native and outlive the file. */
    static CoreDriverMemory inPlace(MemorySegment image) {
        return new CoreDriverMemory(image, false);
    }

    /** The callbacks for this file (in {@code arena}: libhdf5 copies them into the property list). */
    MemorySegment callbacks(Arena arena) {
        MemorySegment own = arena.allocate(H5FD_file_image_callbacks_t.layout());
        MemorySegment.copy(Callbacks.TEMPLATE, 0, own, 0, own.byteSize());
        H5FD_file_image_callbacks_t.udata(own, MemorySegment.ofAddress(key));
        return own;
    }

    /** The bytes the driver wrote (it never writes at or past the largest size it asked for). */
    MemorySegment written() {
        return buffer.asSlice(0, Math.min(requested, buffer.byteSize()));
    }

    /**
     * {@code size} bytes at {@code offset} of the file, for h5image to write where libhdf5 placed
     * {@code what}: only inside what the driver asked for, so never past the memory libhdf5 will keep.
     */
    MemorySegment region(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > requested - size || requested > buffer.byteSize()) {
            throw new IllegalStateException("libhdf5 placed " + what + " at [" + offset + ", +" + size + ") but the file's memory holds "
                    + requested + " bytes");
        }
        return buffer.asSlice(offset, size);
    }

    /**
     * Says that h5image itself writes every byte of {@code [offset, offset + size)} before anything
     * reads the file, so growing over it need not zero stale bytes there first (for 1M records, a
     * 20 MB memset saved). The caller zeroes the region itself if it cannot finish writing it.
     */
    void willOverwrite(long offset, long size) {
        promisedStart = offset;
        promisedEnd = offset + size;
    }

    /** Zeroes what of {@code [offset, offset + size)} the file holds: a promised region left unwritten. */
    void zero(long offset, long size) {
        long end = Math.min(offset + size, Math.min(requested, buffer.byteSize()));
        if (offset >= 0 && end > offset) buffer.asSlice(offset, end - offset).fill((byte) 0);
    }

    /** Ends {@link #willOverwrite}: the region is written, or zeroed. */
    void overwritten() {
        promisedStart = 0;
        promisedEnd = 0;
    }

    /** What went wrong inside a callback, if anything (libhdf5 itself only says "can't allocate"). */
    Throwable failure() {
        return failure;
    }

    /**
     * Makes room for {@code extra} more bytes when libhdf5 next grows the file: one allocation of the
     * final size instead of the doublings (each a copy of everything so far) that growing by request
     * would cost. Only a hint: the buffer is replaced inside the driver's own realloc, never under it
     * (the driver keeps the pointer it was given).
     */
    void reserve(long extra) {
        if (growable) pendingGrowth = Math.max(pendingGrowth, extra);
    }

    /** No callback reaches this file's memory any more; a growable buffer may serve this thread's next image. */
    @Override
    public void close() {
        if (key < 0 || REGISTRY.remove(key) == null) return;
        if (growable && buffer.byteSize() <= KEEP_AT_MOST) REUSED.set(new Reusable(buffer, Math.max(stale, requested)));
    }

    private static CoreDriverMemory find(MemorySegment udata) {
        CoreDriverMemory memory = REGISTRY.get(udata.address());
        return memory != null ? memory : NONE;
    }

    private static MemorySegment fresh(long capacity) {
        return Arena.ofAuto().allocate(Math.max(capacity, 16 * 1024), ALIGNMENT);
    }

    /** An upcall: NULL (libhdf5's "out of memory") instead of any exception. */
    private MemorySegment allocate(long size) {
        if (buffer == null) return MemorySegment.NULL;
        if (!growable) {
            // Every copy of the image (property list set/copy, file open) is the image itself.
            return size == buffer.byteSize() ? buffer : MemorySegment.NULL;
        }
        return reallocate(size);
    }

    private MemorySegment reallocate(long size) {
        if (buffer == null || !growable) return MemorySegment.NULL;
        try {
            if (size > buffer.byteSize()) {
                MemorySegment bigger = fresh(Math.max(Math.max(size, buffer.byteSize() * 2), requested + pendingGrowth));
                pendingGrowth = 0;
                MemorySegment.copy(buffer, 0, bigger, 0, Math.min(requested, buffer.byteSize()));
                buffer = bigger;
                stale = 0;
            }
            if (size > requested && requested < stale) zeroStale(requested, Math.min(size, stale));
            requested = Math.max(requested, size);
            return buffer;
        } catch (Throwable e) {
            failure = e;
            return MemorySegment.NULL;
        }
    }

    /** Zeroes {@code [from, to)} but for the region h5image will overwrite. */
    private void zeroStale(long from, long to) {
        long skipFrom = Math.max(from, Math.min(promisedStart, to));
        long skipTo = Math.min(to, Math.max(promisedEnd, skipFrom));
        if (skipFrom > from) buffer.asSlice(from, skipFrom - from).fill((byte) 0);
        if (to > skipTo) buffer.asSlice(skipTo, to - skipTo).fill((byte) 0);
    }

    private MemorySegment copy(MemorySegment dest, MemorySegment src, long size) {
        try {
            if (dest.address() == src.address()) return dest; // the image onto itself: nothing to do
            if (!growable) return MemorySegment.NULL;
            MemorySegment.copy(src.reinterpret(size), 0, dest.reinterpret(size), 0, size);
            return dest;
        } catch (Throwable e) {
            failure = e;
            return MemorySegment.NULL;
        }
    }
}
