package io.h5image;

/**
 * A dataset of an HDF5 file: a typed, shaped array. Like a {@link Group}, a handle on a path that
 * lives as long as its file is open.
 */
public interface Dataset {

    /** {@return this dataset's absolute path} */
    String path();

    /** {@return the dimensions, C order; empty for a scalar} */
    long[] shape();

    /**
     * Reads numbers or bools. Contiguous data of an image opened in place comes back as a view of
     * the image (which lives as long as the image's memory, not the file); anything else is a copy.
     *
     * @return the elements
     * @throws UnsupportedTypeException if the dataset holds strings or another type
     */
    NdArray read();

    /**
     * Reads strings: fixed or variable length, ASCII or UTF-8, any padding.
     *
     * @return the strings in C order, flattened
     * @throws UnsupportedTypeException if the dataset does not hold strings
     */
    String[] readStrings();

    /** {@return the attributes of this dataset} */
    Attributes attributes();
}
