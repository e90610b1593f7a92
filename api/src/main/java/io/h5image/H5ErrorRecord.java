package io.h5image;

/**
 * One entry of HDF5's error stack, as {@code H5Ewalk2} reports it.
 *
 * @param function    the libhdf5 function that pushed the error
 * @param major       the major message ("Dataset", "File accessibility", ...)
 * @param minor       the minor message ("Object not found", "Bad file ID accessed", ...)
 * @param description HDF5's own description of this frame
 * @param file        libhdf5 source file
 * @param line        line in that file
 */
public record H5ErrorRecord(String function, String major, String minor, String description, String file, int line) {

    /** {@return "function: description (major / minor)"} */
    public String summary() {
        return function + ": " + description + " (" + major + " / " + minor + ")";
    }

    @Override
    public String toString() {
        return summary() + " at " + file + ":" + line;
    }
}
