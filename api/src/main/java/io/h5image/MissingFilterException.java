package io.h5image;

/**
 * A dataset's data passes through a filter (a compressor) that the libhdf5 in use does not have:
 * the data is intact, it just cannot be decoded here. Names the filter, as the file records it.
 */
public class MissingFilterException extends H5Exception {

    /** The HDF5 filter identifier (32004 is LZ4, 32015 Zstd, ...). */
    private final int filterId;

    /**
     * Creates the exception.
     *
     * @param filterId the filter's HDF5 identifier
     * @param message  the dataset and the filter, with its name
     */
    public MissingFilterException(int filterId, String message) {
        super(message);
        this.filterId = filterId;
    }

    /** {@return the filter's HDF5 identifier} */
    public int filterId() {
        return filterId;
    }
}
