package io.h5image.internal;

import io.h5image.H5Exception;
import io.h5image.H5LibraryException;
import io.h5image.InvalidImageException;
import io.h5image.NotFoundException;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Turns a failed libhdf5 call into the exception a Java caller expects, from HDF5's own error
 * codes (major and minor), as h5py maps {@code H5E_NOTFOUND} to {@code KeyError}; never from the
 * message text, which would take a dataset named "checksum" for a checksum failure.
 */
final class Errors {

    private Errors() {}

    /** A failure while reading an image: corruption and truncation are the image's fault. */
    static H5Exception reading(String operation, Hdf5.Failure failure, String path) {
        H5LibraryException cause = new H5LibraryException(operation, failure.records());
        // Damage first: a group whose metadata fails to load also reports its links as not found.
        // A plain read error beside "not found" is libhdf5 looking for a message that is not there.
        if (damaged(failure) || failure.hasMinor(H5E_READERROR_g()) && !failure.hasMinor(H5E_NOTFOUND_g())) {
            return new InvalidImageException(operation + " failed: the image is corrupt or truncated near '" + path
                    + "': " + summary(failure), cause);
        }
        if (failure.hasMinor(H5E_NOTFOUND_g())) {
            return new NotFoundException(path, "nothing at '" + path + "' (" + operation + ")");
        }
        return cause;
    }

    /** H5Fopen failed: whatever the reason, the bytes are not a usable image. */
    static InvalidImageException openFailure(Hdf5.Failure failure, long size) {
        return new InvalidImageException("cannot open the " + size + "-byte image: " + summary(failure)
                + " (truncated or corrupt?)", new H5LibraryException("H5Fopen(image)", failure.records()));
    }

    /**
     * Bytes that failed to load: a checksum or signature the metadata cache refused, or metadata that
     * would not decode. Unlike a bare read error, never a symptom of a missing name.
     */
    static boolean damaged(Hdf5.Failure failure) {
        return failure.hasMinor(H5E_CANTLOAD_g()) || failure.hasMinor(H5E_CANTDECODE_g())
                || failure.hasMajor(H5E_CACHE_g()) && (failure.hasMinor(H5E_READERROR_g()) || failure.hasMinor(H5E_BADVALUE_g()));
    }

    static String summary(Hdf5.Failure failure) {
        return failure.records().isEmpty() ? "libhdf5 gave no reason" : failure.records().getLast().summary();
    }
}
