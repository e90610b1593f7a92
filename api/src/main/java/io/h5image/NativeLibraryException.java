package io.h5image;

/** No libhdf5 could be loaded. The message lists every place that was tried and how to fix it. */
public class NativeLibraryException extends H5Exception {
    /**
     * Creates the exception.
     *
     * @param message what is wrong, and where
     */
    public NativeLibraryException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, and where
     * @param cause   the underlying failure
     */
    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
