package io.h5image.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongToIntFunction;

import static io.h5image.bindings.hdf5_h.*;

/**
 * One HDF5 identifier. Closing is idempotent; an identifier nobody closed is closed by a
 * {@link Cleaner} once the handle is unreachable, so no error path can leak it for good.
 */
final class Handle implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    /** Identifiers wrapped here and not yet released: what the leak tests count besides libhdf5's own figure. */
    private static final AtomicLong OPEN = new AtomicLong();

    /** The kinds of identifier and the call that releases each. */
    enum Kind {
        FILE(id -> H5Fclose(id)),
        GROUP(id -> H5Gclose(id)),
        DATASET(id -> H5Dclose(id)),
        DATASPACE(id -> H5Sclose(id)),
        DATATYPE(id -> H5Tclose(id)),
        PROPERTY_LIST(id -> H5Pclose(id)),
        OBJECT(id -> H5Oclose(id)),
        ATTRIBUTE(id -> H5Aclose(id));

        final LongToIntFunction close;

        Kind(LongToIntFunction close) {
            this.close = close;
        }
    }

    /** Holds only the id, never the Handle, so the Cleaner can run. */
    private static final class Release implements Runnable {
        private final long id;
        private final Kind kind;
        /** Set once the id is released, so a checked close and the Cleaner never release it twice. */
        private boolean released;

        Release(long id, Kind kind) {
            this.id = id;
            this.kind = kind;
        }

        int release() {
            Hdf5.lock();
            try {
                if (released) return 0;
                released = true;
                OPEN.decrementAndGet();
                return kind.close.applyAsInt(id);
            } finally {
                Hdf5.unlock();
            }
        }

        @Override
        public void run() {
            Hdf5.lock();
            try {
                if (release() < 0) {
                    Hdf5.takeErrorStack(); // nobody to report to: leave the stack clean for the next call
                }
            } finally {
                Hdf5.unlock();
            }
        }
    }

    private final long id;
    private final String what;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private boolean closed;

    private Handle(long id, Kind kind, String what) {
        this.id = id;
        this.what = what;
        this.release = new Release(id, kind);
        this.cleanable = CLEANER.register(this, release);
        OPEN.incrementAndGet();
    }

    /** Handles made and not yet released (closed, or cleaned after becoming unreachable). */
    static long openCount() {
        return OPEN.get();
    }

    /** Wraps the result of an identifier-returning call, or throws with HDF5's error stack if it failed. */
    static Handle of(long id, Kind kind, String operation) {
        return new Handle(Hdf5.check(id, operation), kind, operation);
    }

    long id() {
        if (closed) throw new IllegalStateException("HDF5 handle from " + what + " is already closed");
        return id;
    }

    /** Closes now and reports a failure (a file close flushes, and that can fail). */
    void closeChecked(String operation) {
        if (closed) return;
        closed = true;
        int status = release.release();
        cleanable.clean();
        Hdf5.check(status, operation);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cleanable.clean();
        }
    }
}
