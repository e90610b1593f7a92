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

    /** {@return the stored type of the elements} */
    H5Type type();

    /**
     * Reads records from a compound dataset: each component of {@code type} is read from the field of
     * the same name (converted between widths and byte orders as needed); fields the record lacks are
     * ignored.
     *
     * @param <R>  the record type
     * @param type a record of primitives, nested records and primitive arrays
     * @return the records in C order
     * @throws UnsupportedTypeException if the dataset is not compound, lacks a component's field, or
     *                                  holds it as a type that cannot become the component's
     */
    <R extends Record> java.util.List<R> readRecords(Class<R> type);

    /**
     * The elements of a compound dataset in place, with their stored layout: no objects, no copy when
     * the data is contiguous in an image opened in place.
     *
     * @return the view
     * @throws UnsupportedTypeException if the dataset is not compound
     */
    RecordView recordView();

    /** {@return the attributes of this dataset} */
    Attributes attributes();
}
