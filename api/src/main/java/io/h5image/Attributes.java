package io.h5image;

import java.util.Set;

/**
 * The attributes of a group or dataset, as h5py's {@code attrs}: small named values. A handle that
 * lives as long as its file is open.
 */
public interface Attributes {

    /**
     * Sets an attribute, replacing one of that name.
     *
     * @param name  the attribute's name
     * @param value a {@code String}, a boxed primitive, a primitive array of any rank, a {@code String[]},
     *              an {@link NdArray}, a record, or a {@code R[]} / {@code List<R>} of records
     * @throws UnsupportedValueException if {@code value} is none of those
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    void put(String name, Object value);

    /**
     * Reads an attribute. Strings come back as {@code String} (a scalar) or {@code String[]};
     * numbers as a boxed value (a scalar) or a primitive array of the attribute's rank (unsigned
     * types widened as {@link NdArray#toArray()} does); bools as {@code Boolean} or {@code boolean[]};
     * every other type (compounds as maps, references, opaque, variable-length sequences, a null
     * dataspace as {@link Empty}) as {@link Dataset#readValue()} maps it.
     *
     * @param name the attribute's name
     * @return its value
     * @throws NotFoundException if there is no attribute of that name
     * @throws UnsupportedTypeException if its type is one h5image cannot represent (a long double, a VAX float, a time type)
     */
    Object get(String name);

    /**
     * Reads an attribute as a given type: a record type for a scalar compound attribute, else the
     * class {@link #get(String)} gives ({@code Double.class}, {@code long[].class}, ...).
     *
     * @param <T>  the type
     * @param name the attribute's name
     * @param type what to read it as
     * @return its value
     * @throws NotFoundException if there is no attribute of that name
     * @throws ClassCastException if it is not of that type
     */
    <T> T get(String name, Class<T> type);

    /**
     * Reads a compound attribute as records, fields matched by name.
     *
     * @param <R>  the record type
     * @param name the attribute's name
     * @param type the record type
     * @return the records
     * @throws NotFoundException if there is no attribute of that name
     * @throws UnsupportedTypeException if it is not compound, or lacks a component's field
     */
    <R extends Record> java.util.List<R> getRecords(String name, Class<R> type);

    /**
     * The stored type of an attribute, without reading its value.
     *
     * @param name the attribute's name
     * @return its type
     * @throws NotFoundException if there is no attribute of that name
     */
    H5Type type(String name);

    /**
     * Removes an attribute.
     *
     * @param name the attribute's name
     * @return true if there was one to remove
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    boolean remove(String name);

    /** {@return the attribute names, in creation order where the file tracks it, else by name} */
    Set<String> names();
}
