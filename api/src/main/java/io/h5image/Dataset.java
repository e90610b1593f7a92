package io.h5image;

import java.lang.foreign.SegmentAllocator;

/**
 * A dataset of an HDF5 file: a typed, shaped array. Like a {@link Group}, a handle on a path that
 * lives as long as its file is open.
 */
public interface Dataset {

    /** {@return this dataset's absolute path} */
    String path();

    /**
     * The dimensions, C order: empty for a scalar, null for a null dataspace (h5py's {@code Empty},
     * whose {@code shape} is {@code None}). An array type's dimensions are not included: they are
     * the type's ({@link #type()}), though {@link #read()} joins them as numpy does.
     *
     * @return the dimensions, or null
     */
    long[] shape();

    /**
     * Whether the dataspace is null (h5py's {@code Empty}): a type but no elements and no shape,
     * unlike a scalar (one element) or a zero-length array.
     *
     * @return true for a null dataspace
     */
    boolean hasNullDataspace();

    /**
     * Reads numbers: integers (any precision), IEEE floats (float16 too, widened to {@code float} by
     * {@link NdArray#toArray()}), bit fields (as unsigned integers, as h5py reads them), bools,
     * enums (as their base integers), and array types of these, whose dimensions join the
     * dataset's as numpy joins them. Contiguous data of an image opened in place comes back as a
     * view of the image (which lives as long as the image's memory, not the file) where the stored
     * bytes are the values; anything else is a copy, converted to native byte order.
     *
     * @return the elements
     * @throws UnsupportedTypeException if the dataset holds strings or another type, or has a null dataspace
     */
    NdArray read();

    /**
     * Reads numbers as {@link #read()} does, with any copy in memory from {@code where}: your arena,
     * your pool, your mapped file. A view of the image asks {@code where} for nothing.
     *
     * @param where where decoded elements go; asked at most once, for the exact size (aligned to 64 bytes)
     * @return the elements
     * @throws UnsupportedTypeException as {@link #read()} does
     */
    NdArray read(SegmentAllocator where);

    /**
     * Reads a hyperslab with a step of one: {@code count[i]} elements along axis {@code i} from
     * {@code start[i]}. As {@link #readSlab(long[], long[], long[], SegmentAllocator)}, into automatic memory.
     *
     * @param start the first index along each axis
     * @param count how many along each axis
     * @return the elements, of shape {@code count}
     */
    NdArray readSlab(long[] start, long[] count);

    /**
     * Reads a regular hyperslab: along axis {@code i}, {@code count[i]} elements from
     * {@code start[i]}, every {@code stride[i]}-th (numpy's {@code d[s:s+c*t:t, ...]}). One value
     * per axis of {@link #shape()}; an array type's own dimensions are always read whole. When the
     * dataset is contiguous in an image opened in place and the slab is one run of bytes there (a
     * range along the first axis, or any slab whose later axes are whole), the result is a view: a
     * slice of the image, no copy. Other slabs of such data are gathered in Java; chunked or
     * converted data is decoded by libhdf5, only the chunks the slab touches.
     *
     * @param start  the first index along each axis
     * @param count  how many along each axis (0 gives an empty array)
     * @param stride the step along each axis, at least 1; null steps by 1
     * @param where  where copied elements go; asked at most once, for the exact size
     * @return the elements, of shape {@code count} (then the array type's dimensions)
     * @throws IllegalArgumentException   if an array's length is not the rank, or a value is negative (stride below 1)
     * @throws IndexOutOfBoundsException  if the slab reaches past the dataset's dimensions
     * @throws UnsupportedTypeException   as {@link #read()} does
     */
    NdArray readSlab(long[] start, long[] count, long[] stride, SegmentAllocator where);

    /**
     * Reads the whole dataset as Java values, whatever its type: the general reader, as
     * {@link Attributes#get(String)} reads an attribute. A scalar gives one value; an array gives
     * a Java array of the same rank. Each element is, by type:
     * <ul>
     * <li>integers and bit fields: {@code byte}, {@code short}, {@code int}, {@code long}, unsigned
     * types widened as {@link NdArray#toArray()} widens them; enums: their base integers;</li>
     * <li>floats: {@code float} (float16 widened) or {@code double}; bools: {@code boolean};</li>
     * <li>strings, fixed or variable length: {@code String}, padding removed;</li>
     * <li>compounds: an unmodifiable {@code Map<String, Object>} of member name to value, in member order;</li>
     * <li>array types: a Java array of the type's dimensions; variable-length sequences: a one-dimensional
     * Java array (so a dataset of sequences of int is a ragged {@code int[][]});</li>
     * <li>opaque: {@code byte[]}; references: {@link H5Reference} (null for a null reference).</li>
     * </ul>
     * A null dataspace gives an {@link Empty}.
     *
     * @return the value
     * @throws UnsupportedTypeException if the type is one h5image cannot represent (a long double, a VAX float, a time type)
     */
    Object readValue();

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

    /**
     * The elements of a compound dataset as {@link #recordView()} gives them, with any copy in
     * memory from {@code where}.
     *
     * @param where where decoded records go; asked at most once, for the exact size
     * @return the view
     * @throws UnsupportedTypeException if the dataset is not compound
     */
    RecordView recordView(SegmentAllocator where);

    /** {@return the attributes of this dataset} */
    Attributes attributes();
}
