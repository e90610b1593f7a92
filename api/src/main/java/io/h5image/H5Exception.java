package io.h5image;

/** The root of everything h5image throws for a failed HDF5 operation or an unusable image. */
public class H5Exception extends RuntimeException {
    public H5Exception(String message) {
        super(message);
    }

    public H5Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
