package io.h5image;

/**
 * An image holds data of an HDF5 type or shape h5image cannot read (an opaque type, a null
 * dataspace, ...): the message names the dataset and the type. A Java value that cannot be
 * stored is a different failure, {@link UnsupportedValueException}.
 */
public class UnsupportedTypeException extends H5Exception {

    /**
     * Names what cannot be read.
     *
     * @param message the dataset and the HDF5 type that cannot be read
     */
    public UnsupportedTypeException(String message) {
        super(message);
    }
}
