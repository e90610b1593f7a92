package io.h5image;

/**
 * Nothing of the kind asked for is at a path: no such object, or an object of another kind (a group
 * where a dataset was asked for). Carries the path, as h5py's {@code KeyError} carries the key.
 */
public class NotFoundException extends H5Exception {

    /** The path that was asked for. */
    private final String path;

    /**
     * Creates the exception.
     *
     * @param path    the full path that was asked for
     * @param message what was asked for and what is there instead
     */
    public NotFoundException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** {@return the full path that was asked for, from the root ("/a/b")} */
    public String path() {
        return path;
    }
}
