package io.h5image;

/** No libhdf5 could be loaded. The message lists every place that was tried and how to fix it. */
public class NativeLibraryException extends H5Exception {
    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
