package io.h5image.internal;

import io.h5image.H5ErrorRecord;
import io.h5image.H5LibraryException;
import io.h5image.LibraryInfo;
import io.h5image.bindings.H5E_error2_t;
import io.h5image.bindings.H5E_walk2_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static io.h5image.bindings.hdf5_h.*;

/**
 * The one gate to libhdf5: loads it once, owns the global lock, keeps HDF5's stderr error printing
 * off while h5image calls it, and turns a failed call into an {@link H5LibraryException} carrying
 * HDF5's error stack. Callers hold {@link #lock()} around every native call; it is reentrant, so
 * nested helpers may lock again.
 * <p>
 * The lock is taken even when the library reports itself thread-safe (Debian's 1.10.8 does):
 * that guarantee covers libhdf5, not libhdf5_hl, and {@code H5LTopen_file_image} names images
 * from an unsynchronized counter, so two threads can open each other's image.
 */
public final class Hdf5 {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final LibraryInfo INFO;
    /** Stub arena for upcalls that live as long as the library. */
    static final Arena GLOBAL = Arena.global();
    private static final MemorySegment WALKER;
    /** The stack being collected by the current {@code H5Ewalk2}; per thread, for thread-safe builds. */
    private static final ThreadLocal<List<RawError>> WALKING = new ThreadLocal<>();

    private record RawError(String function, long major, long minor, String description, String file, int line) {}

    /** Why loading failed, rethrown by every entry point (instead of a bare NoClassDefFoundError later). */
    private static final io.h5image.NativeLibraryException LOAD_FAILURE;

    static {
        LibraryInfo info = null;
        MemorySegment walker = null;
        io.h5image.NativeLibraryException failure = null;
        try {
            info = load();
            walker = H5E_walk2_t.allocate(Hdf5::collect, GLOBAL);
        } catch (io.h5image.NativeLibraryException e) {
            failure = e;
        } catch (RuntimeException | LinkageError e) {
            // Denied native access surfaces here (System.load, or a bindings initializer's downcall).
            IllegalCallerException refusal = NativeAccess.refusal(e);
            if (refusal == null) throw e;
            failure = NativeAccess.denied(refusal);
        }
        INFO = info;
        LOAD_FAILURE = failure;
        WALKER = walker;
    }

    private static LibraryInfo load() {
        NativeLibraryLoader.Loaded loaded = NativeLibraryLoader.load();
        dontCloseAtExit();
        if (H5open() < 0) {
            throw new io.h5image.NativeLibraryException("H5open failed for " + loaded.hdf5());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT, 3);
            H5get_libversion(v, v.asSlice(4), v.asSlice(8));
            MemorySegment ts = arena.allocate(ValueLayout.JAVA_BOOLEAN);
            H5is_library_threadsafe(ts);
            String version = v.getAtIndex(ValueLayout.JAVA_INT, 0) + "." + v.getAtIndex(ValueLayout.JAVA_INT, 1)
                    + "." + v.getAtIndex(ValueLayout.JAVA_INT, 2);
            return new LibraryInfo(version, loaded.hdf5(), loaded.hdf5Hl(), loaded.source(), ts.get(ValueLayout.JAVA_BOOLEAN, 0));
        }
    }

    /**
     * Tells libhdf5 not to close everything from a C {@code atexit} handler. That handler runs on the
     * JVM's own exit thread, after Java threads are gone; closing a file still open there calls the
     * file-image callbacks, which are Java upcalls, and an upcall from that thread ends the JVM with
     * "Could not attach thread for upcall" (seen: a test that left an {@code H5File} open crashed
     * its JVM at exit). The process's memory goes back to the OS at exit anyway. Must come before
     * the first other libhdf5 call ({@code H5dont_atexit} is not in the generated bindings, which
     * list only what h5image calls through them).
     */
    private static void dontCloseAtExit() {
        try {
            int status = (int) downcall(FunctionDescriptor.of(ValueLayout.JAVA_INT), "H5dont_atexit").invokeExact();
            if (status < 0) throw new io.h5image.NativeLibraryException("H5dont_atexit failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("H5dont_atexit failed in the downcall", e);
        }
    }

    /**
     * A downcall to the first of {@code names} the loaded libhdf5 has, for the few functions the
     * generated bindings cannot serve (absent from them, or named differently between versions).
     */
    static java.lang.invoke.MethodHandle downcall(FunctionDescriptor descriptor, String... names) {
        SymbolLookup library = SymbolLookup.loaderLookup();
        for (String name : names) {
            java.util.Optional<MemorySegment> symbol = library.find(name);
            if (symbol.isPresent()) return Linker.nativeLinker().downcallHandle(symbol.get(), descriptor);
        }
        throw new io.h5image.NativeLibraryException("the loaded libhdf5 has none of " + String.join(", ", names));
    }

    private Hdf5() {}

    /** Loads libhdf5 if this is the first use; safe to call often. */
    public static LibraryInfo info() {
        requireLoaded();
        return INFO;
    }

    private static void requireLoaded() {
        if (LOAD_FAILURE != null) {
            throw new io.h5image.NativeLibraryException(LOAD_FAILURE.getMessage(), LOAD_FAILURE);
        }
    }

    /** Where the caller's error printing is kept while h5image holds the lock. */
    private static final MemorySegment SAVED_PRINTER = GLOBAL.allocate(ValueLayout.ADDRESS);
    private static final MemorySegment SAVED_PRINTER_DATA = GLOBAL.allocate(ValueLayout.ADDRESS);

    /**
     * Takes the global lock. Pair with {@link #unlock()}. The outermost lock turns HDF5's automatic
     * stderr printing off (h5image reports failures in exceptions) and the matching unlock turns
     * back on whatever was set before, so native code sharing the library keeps its own setting.
     * The setting is per thread in thread-safe builds, which this also covers.
     */
    public static void lock() {
        requireLoaded();
        LOCK.lock();
        if (LOCK.getHoldCount() == 1) {
            H5Eget_auto2(H5E_DEFAULT(), SAVED_PRINTER, SAVED_PRINTER_DATA);
            H5Eset_auto2(H5E_DEFAULT(), MemorySegment.NULL, MemorySegment.NULL);
        }
    }

    public static void unlock() {
        if (LOCK.getHoldCount() == 1) {
            H5Eset_auto2(H5E_DEFAULT(), SAVED_PRINTER.get(ValueLayout.ADDRESS, 0), SAVED_PRINTER_DATA.get(ValueLayout.ADDRESS, 0));
        }
        LOCK.unlock();
    }

    /**
     * What is open right now, counted two ways that both work on 1.10 and 1.14.
     *
     * @param inFiles objects libhdf5 reports open in all files ({@code H5Fget_obj_count(H5F_OBJ_ALL,
     *                H5F_OBJ_ALL)}): files, groups, datasets, attributes, committed types. The truth from
     *                libhdf5, covering identifiers h5image never wrapped. ({@code H5Inmembers} cannot do
     *                this: it refuses library identifier types and returns -1.)
     * @param handles identifiers h5image wrapped and has not released, which also covers dataspaces,
     *                transient datatypes and property lists, which libhdf5 counts nowhere public
     */
    public record OpenIdentifiers(long inFiles, long handles) {}

    public static OpenIdentifiers openIdentifiers() {
        lock();
        try {
            long inFiles = H5Fget_obj_count(H5F_OBJ_ALL(), H5F_OBJ_ALL());
            if (inFiles < 0) throw failure("H5Fget_obj_count(H5F_OBJ_ALL)");
            return new OpenIdentifiers(inFiles, Handle.openCount());
        } finally {
            unlock();
        }
    }

    /** Returns {@code id} if it is a valid identifier, else throws with HDF5's error stack. */
    static long check(long id, String operation) {
        if (id < 0) throw failure(operation);
        return id;
    }

    /** Returns {@code status} if it is not negative (herr_t / htri_t), else throws with HDF5's error stack. */
    static int check(int status, String operation) {
        if (status < 0) throw failure(operation);
        return status;
    }

    /** Captures and clears HDF5's error stack; call right after the failed call, still holding the lock. */
    static H5LibraryException failure(String operation) {
        return new H5LibraryException(operation, takeErrorStack());
    }

    static List<H5ErrorRecord> takeErrorStack() {
        return takeFailure().records();
    }

    /**
     * HDF5's error stack with the major and minor error codes of each record, which is what
     * classification looks at ({@link Errors}): the codes, never the message text.
     */
    record Failure(List<H5ErrorRecord> records, long[] majors, long[] minors) {
        boolean hasMinor(long code) {
            for (long minor : minors) if (minor == code) return true;
            return false;
        }

        boolean hasMajor(long code) {
            for (long major : majors) if (major == code) return true;
            return false;
        }
    }

    /** Captures and clears HDF5's error stack with its codes; call right after the failed call, holding the lock. */
    static Failure takeFailure() {
        List<RawError> raw = new ArrayList<>();
        WALKING.set(raw);
        try {
            // Downward: the API call first, the innermost cause last.
            H5Ewalk2(H5E_DEFAULT(), H5E_WALK_DOWNWARD(), WALKER, MemorySegment.NULL);
        } finally {
            WALKING.remove();
        }
        // Message lookups are API calls that would clear the stack, so they happen after the walk.
        List<H5ErrorRecord> records = new ArrayList<>(raw.size());
        long[] majors = new long[raw.size()];
        long[] minors = new long[raw.size()];
        for (int i = 0; i < raw.size(); i++) {
            RawError e = raw.get(i);
            records.add(new H5ErrorRecord(e.function(), message(e.major()), message(e.minor()), e.description(),
                    e.file(), e.line()));
            majors[i] = e.major();
            minors[i] = e.minor();
        }
        H5Eclear2(H5E_DEFAULT());
        return new Failure(records, majors, minors);
    }

    /** An upcall: it must never throw (that would end the JVM), so a failure just stops the walk. */
    private static int collect(int n, MemorySegment frame, MemorySegment clientData) {
        try {
            MemorySegment e = frame.reinterpret(H5E_error2_t.layout().byteSize());
            WALKING.get().add(new RawError(string(H5E_error2_t.func_name(e)), H5E_error2_t.maj_num(e),
                    H5E_error2_t.min_num(e), string(H5E_error2_t.desc(e)), string(H5E_error2_t.file_name(e)),
                    H5E_error2_t.line(e)));
            return 0;
        } catch (Throwable t) {
            return -1;
        }
    }

    private static String message(long messageId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(256);
            long length = H5Eget_msg(messageId, MemorySegment.NULL, text, text.byteSize());
            return length < 0 ? "?" : text.getString(0);
        }
    }

    static String string(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(4096).getString(0);
    }
}
