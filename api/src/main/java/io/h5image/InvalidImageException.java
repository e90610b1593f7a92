package io.h5image;

/**
 * The bytes are not a usable HDF5 image: not HDF5 at all, truncated, corrupt (a checksum failed),
 * or describing data that lies outside the image. Nothing was read from outside the image.
 */
public class InvalidImageException extends H5Exception {
    /**
     * Creates the exception.
     *
     * @param message what is wrong, and where
     */
    public InvalidImageException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, and where
     * @param cause   the underlying failure
     */
    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
