package io.h5image;

/** The root of everything h5image throws for a failed HDF5 operation or an unusable image. */
public class H5Exception extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what failed, and where
     */
    public H5Exception(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, and where
     * @param cause   the underlying failure
     */
    public H5Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
