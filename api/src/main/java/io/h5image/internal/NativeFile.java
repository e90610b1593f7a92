package io.h5image.internal;

import io.h5image.AlreadyClosedException;
import io.h5image.H5Exception;
import io.h5image.bindings.H5L_elink_traverse_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static io.h5image.bindings.hdf5_h.*;

/**
 * One open HDF5 file in memory, and the one owner of everything native behind it: the file
 * identifier, the core driver's memory, property lists that refuse external links, and memory the
 * file itself owns (a native copy of a {@code byte[]} image, a mapping).
 * <p>
 * Every operation goes through {@link #call}: the global lock, a check that the file is open
 * (else {@link AlreadyClosedException}), and, for an image the caller owns, a {@link Pin} that keeps
 * the caller's arena from closing while libhdf5 reads it. Closing takes the lock too, so no
 * operation is ever half-way through when the file and its memory go. Objects inside the file
 * (groups, datasets, attributes) are opened per operation and closed before it returns, so closing
 * the file leaves nothing behind, and a group or dataset used afterwards fails like the file.
 * <p>
 * Images are untrusted: an image comes from elsewhere, so following an external link would read the
 * local disk (any file the image names, even a FIFO that blocks forever). Those are refused.
 */
public final class NativeFile implements AutoCloseable {

    /** Made on first use, under the lock: an upcall stub is a restricted method, and denied native access must surface from Hdf5. */
    private static final class Callbacks {
        static final MemorySegment REFUSE_EXTERNAL_LINKS = H5L_elink_traverse_t.allocate(NativeFile::refuse, Hdf5.GLOBAL);
    }

    /** The link the callback refused on this thread, for the error message. */
    private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();
    /**
     * The core driver treats two open files of one name as the same file (and refuses to create one
     * whose name is open), so every in-memory file h5image makes, here or in {@link ImageWriter},
     * takes its name from this one counter.
     */
    private static final AtomicLong NAMES = new AtomicLong();

    /** A name no other in-memory file of this process has had. */
    static String uniqueName(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }
    /** Images opened through libhdf5 so far: tests use it to prove a path made no libhdf5 call. */
    static final AtomicLong OPENS = new AtomicLong();

    private final Handle file;
    private final CoreDriverMemory memory;
    /** What libhdf5 reads, when the caller owns it (pinned per operation); null when this file owns its memory. */
    private final MemorySegment callerMemory;
    /** What views of contiguous data slice: the caller's segment or array, or memory this file owns. */
    private final MemorySegment viewSource;
    /** Memory this file owns, freed at close; null if none. */
    private final Arena owned;
    private final boolean writable;
    /** A copy of an image opened for editing: its metadata came from outside, so reads check what libhdf5 reports. */
    private final boolean edited;
    /** For a file being written or edited: {@link #currentBytes()} since the last change; null until asked. */
    private ObjectHeaders.Checker current;
    /** Set by {@link #requireWritable}: this call changes the file, so {@link #current} goes when it ends. */
    private boolean changing;
    private final String description;
    /** For an image opened from bytes (untrusted): checks object headers before libhdf5 loads them. Null for files h5image creates. */
    private final ObjectHeaders.Checker checker;
    private boolean closed;

    private NativeFile(Handle file, CoreDriverMemory memory, MemorySegment callerMemory, MemorySegment viewSource, Arena owned,
                       boolean writable, ObjectHeaders.Checker checker, String description) {
        this(file, memory, callerMemory, viewSource, owned, writable, false, checker, description);
    }

    private NativeFile(Handle file, CoreDriverMemory memory, MemorySegment callerMemory, MemorySegment viewSource, Arena owned,
                       boolean writable, boolean edited, ObjectHeaders.Checker checker, String description) {
        this.file = file;
        this.edited = edited;
        this.checker = checker;
        this.memory = memory;
        this.callerMemory = callerMemory;
        this.viewSource = viewSource;
        this.owned = owned;
        this.writable = writable;
        this.description = description;
    }

    /**
     * Opens {@code image} read-only, where it lies. A native segment is read in place (and pinned
     * per operation); a heap segment gets a native copy this file owns, because libhdf5 keeps the
     * address across calls, which a heap array cannot give. Views slice {@code image} either way.
     * {@code owner}, if not null, is an arena whose memory this file now owns and closes (a mapping).
     */
    public static NativeFile open(MemorySegment image, Arena owner, String what) {
        Superblock.requireSignature(image);
        Arena owned = image.isNative() ? owner : Arena.ofShared();
        MemorySegment toRead = nativeImage(image, owned);
        MemorySegment pinnedMemory = owned == null ? toRead : null;
        MemorySegment readable = toRead;
        try {
            Hdf5.lock();
            try {
                return pinned(pinnedMemory, () -> openLocked(readable, image, pinnedMemory, owned, what));
            } finally {
                Hdf5.unlock();
            }
        } catch (RuntimeException e) {
            if (owned != null && owned != owner) owned.close();
            throw translateClosed(e, pinnedMemory, what);
        }
    }

    private static NativeFile openLocked(MemorySegment readable, MemorySegment viewSource, MemorySegment callerMemory,
                                         Arena owned, String what) {
        ObjectHeaders.Checker checker = ObjectHeaders.Checker.of(readable);
        CoreDriverMemory memory = CoreDriverMemory.inPlace(readable);
        Handle fileHandle = null;
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), 64 * 1024, false), "H5Pset_fapl_core");
            // Callbacks first: libhdf5 refuses new callbacks once an image is set.
            Hdf5.check(H5Pset_file_image_callbacks(fapl.id(), memory.callbacks(arena)), "H5Pset_file_image_callbacks");
            Hdf5.check(H5Pset_file_image(fapl.id(), readable, readable.byteSize()), "H5Pset_file_image");
            OPENS.incrementAndGet();
            long id = H5Fopen(arena.allocateFrom(uniqueName("h5image-read-")), H5F_ACC_RDONLY(), fapl.id());
            if (id < 0) {
                throw Errors.openFailure(Hdf5.takeFailure(), readable.byteSize());
            }
            fileHandle = Handle.of(id, Handle.Kind.FILE, "H5Fopen(image)");
            return new NativeFile(fileHandle, memory, callerMemory, viewSource, owned, false, checker, what);
        } catch (RuntimeException e) {
            if (fileHandle != null) fileHandle.close();
            memory.close();
            throw e;
        }
    }

    /** A new, empty, writable file in memory that h5image's writer format rules apply to. */
    public static NativeFile create(String what) {
        Hdf5.lock();
        try {
            return writable(CoreDriverMemory.growable(64 * 1024), 4096, false, what, "H5Fcreate(in-memory file)", (fapl, arena) -> {
                try (Handle fcpl = Handle.of(H5Pcreate(H5P_CLS_FILE_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file create)")) {
                    Formats.fileCreate(fcpl.id());
                    return H5Fcreate(arena.allocateFrom(uniqueName("h5image-")), H5F_ACC_TRUNC(), fcpl.id(), fapl);
                }
            });
        } finally {
            Hdf5.unlock();
        }
    }

    /**
     * A copy of {@code image}, open read-write in memory: the caller's memory is read once, into
     * memory this file owns, and never written. Before libhdf5 opens the copy for writing, Java
     * checks the header of every object reachable from the root (a corrupt header must fail here,
     * not crash libhdf5 as it rewrites it); what libhdf5 writes from then on is its own.
     */
    public static NativeFile edit(MemorySegment image, String what) {
        Superblock.requireSignature(image);
        Hdf5.lock();
        try {
            CoreDriverMemory memory = CoreDriverMemory.editable(image);
            return writable(memory, 64 * 1024, true, what, "H5Fopen(image, read-write)", (fapl, arena) -> {
                MemorySegment copy = memory.written();
                ObjectHeaders.Checker checker = ObjectHeaders.Checker.of(copy);
                if (checker != null) ObjectPaths.of(checker);
                // The copy itself is the image: every copy the driver makes of it is onto itself.
                Hdf5.check(H5Pset_file_image(fapl, copy, copy.byteSize()), "H5Pset_file_image");
                OPENS.incrementAndGet();
                long id = H5Fopen(arena.allocateFrom(uniqueName("h5image-edit-")), H5F_ACC_RDWR(), fapl);
                if (id < 0) throw Errors.openFailure(Hdf5.takeFailure(), copy.byteSize());
                return id;
            });
        } finally {
            Hdf5.unlock();
        }
    }

    /** Makes or opens a file given its access list; returns the file identifier. */
    private interface Opening {
        long open(long fapl, Arena arena);
    }

    /**
     * A writable file in {@code memory} (the core driver growing by {@code increment}, h5image's
     * format rules), made or opened by {@code opening}; on any failure, everything is closed.
     * Callers hold the lock.
     */
    private static NativeFile writable(CoreDriverMemory memory, long increment, boolean edited, String what, String call,
                                       Opening opening) {
        Handle fileHandle = null;
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), increment, false), "H5Pset_fapl_core");
            // Callbacks first: libhdf5 refuses new callbacks once an image is set.
            Hdf5.check(H5Pset_file_image_callbacks(fapl.id(), memory.callbacks(arena)), "H5Pset_file_image_callbacks");
            Formats.fileAccess(fapl.id());
            fileHandle = Handle.of(opening.open(fapl.id(), arena), Handle.Kind.FILE, call);
            return new NativeFile(fileHandle, memory, null, null, null, true, edited, null, what);
        } catch (RuntimeException e) {
            if (fileHandle != null) fileHandle.close();
            memory.close();
            throw e;
        }
    }

    /**
     * Access property lists that refuse external links, made once and shared by every file (they
     * hold no per-file state, and every use is under the lock): making and closing them per open
     * was six libhdf5 calls of every cold read. Never closed, so outside the leak counts.
     */
    private static long sharedDatasetAccess = -1;
    private static long sharedLinkAccess = -1;

    private static long refusingExternalLinks(long propertyClass, String what) {
        long list = Hdf5.check(H5Pcreate(propertyClass), "H5Pcreate(" + what + ")");
        if (H5Pset_elink_cb(list, Callbacks.REFUSE_EXTERNAL_LINKS, MemorySegment.NULL) < 0) {
            RuntimeException failure = Hdf5.failure("H5Pset_elink_cb");
            H5Pclose(list);
            throw failure;
        }
        return list;
    }

    /**
     * Runs {@code work} with this file: under the global lock, open, its caller-owned memory pinned.
     * The work gets the file identifier; identifiers it opens it must close before returning.
     */
    public <T> T call(Function<NativeFile, T> work) {
        Hdf5.lock();
        try {
            if (closed) throw closedException(null);
            return pinned(callerMemory, () -> work.apply(this));
        } catch (IllegalStateException e) {
            throw translateClosed(e, callerMemory, description);
        } finally {
            if (changing) {
                current = null; // the bytes changed: the next read checks them afresh
                changing = false;
            }
            Hdf5.unlock();
        }
    }

    private static <T> T pinned(MemorySegment memory, java.util.function.Supplier<T> work) {
        return memory == null ? work.get() : Pin.pinned(memory, work);
    }

    /** The JDK's error for closed (or foreign-thread) caller memory, said in h5image's words. */
    private static RuntimeException translateClosed(RuntimeException e, MemorySegment callerMemory, String what) {
        if (e instanceof AlreadyClosedException || callerMemory == null) return e;
        if (e instanceof WrongThreadException) {
            return new IllegalStateException("the memory of " + what + " belongs to a confined arena of another thread;"
                    + " use it from that thread, or from a shared arena", e);
        }
        return ClosedScopes.translate(e, callerMemory, "the memory of " + what);
    }

    private AlreadyClosedException closedException(Throwable cause) {
        return new AlreadyClosedException(description + " is closed: open it again to use it (views of its image"
                + " stay valid as long as the image's memory does)", cause);
    }

    /** The file identifier; only inside {@link #call}. */
    long id() {
        return file.id();
    }

    long datasetAccess() {
        if (sharedDatasetAccess < 0) sharedDatasetAccess = refusingExternalLinks(H5P_CLS_DATASET_ACCESS_ID_g(), "dataset access");
        return sharedDatasetAccess;
    }

    long linkAccess() {
        if (sharedLinkAccess < 0) sharedLinkAccess = refusingExternalLinks(H5P_CLS_LINK_ACCESS_ID_g(), "link access");
        return sharedLinkAccess;
    }

    boolean writable() {
        return writable;
    }

    /**
     * What checks and reads metadata in Java before libhdf5 may: for an image opened read-only,
     * over the image; for an edited copy (metadata from outside, changed by libhdf5), over its bytes
     * as they are now, flushed, until the next change; null for a file h5image created, whose
     * metadata libhdf5 wrote.
     */
    ObjectHeaders.Checker checker() {
        return edited ? currentBytes() : checker;
    }

    /**
     * A checker over the file's bytes as they are now, for what Java reads of any file (links,
     * references): the image's own for one opened read-only; for a file being written or edited,
     * one over its bytes, flushed, kept until the next change.
     */
    ObjectHeaders.Checker currentBytes() {
        if (checker != null) return checker;
        if (current == null) {
            Hdf5.check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL()), "H5Fflush(" + description + ")");
            current = ObjectHeaders.Checker.of(memory.written());
            if (current == null) throw new IllegalStateException(description + ": the superblock libhdf5 wrote is not one h5image reads");
        }
        return current;
    }

    /**
     * The bytes Java decodes values from (copies, never views): the image, or an edited copy's
     * bytes as {@link #checker()} sees them; null for a file h5image created.
     */
    MemorySegment bytesForJava() {
        if (viewSource != null) return viewSource;
        return edited ? currentBytes().image() : null;
    }

    /** What views of contiguous data slice; null for a file being written (its memory moves as it grows). */
    MemorySegment viewSource() {
        return viewSource;
    }

    /** The size of the image libhdf5 reads, for bounds checks; -1 for a file being written. */
    long imageSize() {
        if (edited) return memory.written().byteSize(); // what libhdf5 reports is checked against the copy
        return writable ? -1 : viewSource.byteSize();
    }

    /** The most bytes one decoded value of this file may take ({@link ImageReader#decodeLimit}); a file being written has no image to scale from. */
    long decodeLimit() {
        return ImageReader.decodeLimit(writable && !edited ? Long.MAX_VALUE / 2048 : imageSize());
    }

    CoreDriverMemory memory() {
        return memory;
    }

    public String description() {
        return description;
    }

    /** The link refused on this thread since the last call, or null: clears it. */
    static String takeRefusedLink() {
        String refused = REFUSED.get();
        REFUSED.remove();
        return refused;
    }

    /** An upcall: records which link and refuses it (never throws). */
    private static int refuse(MemorySegment parentFile, MemorySegment parentGroup, MemorySegment childFile,
                              MemorySegment childObject, MemorySegment accessFlags, long fapl, MemorySegment data) {
        try {
            REFUSED.set("'" + Hdf5.string(childFile) + "' object '" + Hdf5.string(childObject) + "'");
        } catch (Throwable ignored) {
            // the refusal is what matters
        }
        return -1;
    }

    /** Closes the file and frees what it owns; idempotent. A close that fails to flush a written file is reported. */
    @Override
    public void close() {
        Hdf5.lock();
        try {
            if (closed) return;
            closed = true;
            try {
                if (callerMemory != null && callerMemory.scope().isAlive()) {
                    // A read-only close reads nothing, but keep the caller's arena open across it anyway.
                    Pin.pinned(callerMemory, () -> {
                        file.closeChecked("H5Fclose");
                        return null;
                    });
                } else {
                    file.closeChecked("H5Fclose");
                }
            } finally {
                memory.close();
                if (owned != null) owned.close();
            }
        } catch (IllegalStateException | WrongThreadException e) {
            // The caller's arena went first: libhdf5 never reads the image on a read-only close.
            file.close();
        } finally {
            Hdf5.unlock();
        }
    }

    /** {@code image} itself when native; else a native copy in {@code arena} (libhdf5 keeps the pointer across calls). */
    static MemorySegment nativeImage(MemorySegment image, Arena arena) {
        if (image.isNative()) return image;
        MemorySegment copy = arena.allocate(image.byteSize(), CoreDriverMemory.ALIGNMENT);
        MemorySegment.copy(image, 0, copy, 0, image.byteSize());
        return copy;
    }

    /** Refuses an operation that would write a read-only image. */
    void requireWritable(String operation) {
        if (!writable) {
            throw new UnsupportedOperationException("cannot " + operation + ": " + description + " was opened read-only");
        }
        changing = true;
    }

    /** The image of a file being written: flushed, then copied once ({@link ImageWriter#copyOut}). */
    public MemorySegment image(java.lang.foreign.SegmentAllocator where) {
        return call(f -> {
            f.requireWritable("take the image of " + description + " (toImage/toBytes are for files being written)");
            Hdf5.check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL()), "H5Fflush");
            return edited ? fileImage(where) : ImageWriter.copyOut(memory.written(), where);
        });
    }

    /**
     * The image of an edited file, by {@code H5Fget_file_image}: straight into the caller's memory
     * when it is native (else through a native buffer: libhdf5 writes only native memory). Unlike
     * the driver's own bytes, libhdf5's copy has the superblock's "open for writing" flags cleared,
     * which a file opened read-write keeps set in its version 3 superblock (h5py's latest format)
     * and every reader refuses; its checksum is then restored ({@link Superblock#restoreChecksum}).
     */
    private MemorySegment fileImage(java.lang.foreign.SegmentAllocator where) {
        long size = H5Fget_file_image(file.id(), MemorySegment.NULL, 0);
        if (size <= 0) throw Hdf5.failure("H5Fget_file_image(size)");
        MemorySegment out = ImageWriter.allocate(where, size);
        try (Arena arena = Arena.ofConfined()) {
            ImageReader.throughNative(out, arena, target -> {
                long got = H5Fget_file_image(file.id(), target, size);
                if (got != size) throw Hdf5.failure("H5Fget_file_image (" + got + " of " + size + " bytes)");
            });
        }
        Superblock.restoreChecksum(out);
        return out;
    }
}
