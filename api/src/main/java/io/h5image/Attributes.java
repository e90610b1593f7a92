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
     * @param value a {@code String}, a boxed primitive, a primitive array of any rank, a {@code String[]}
     *              or an {@link NdArray}
     * @throws UnsupportedValueException if {@code value} is none of those
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    void put(String name, Object value);

    /**
     * Reads an attribute. Strings come back as {@code String} (a scalar) or {@code String[]};
     * numbers as a boxed value (a scalar) or a primitive array of the attribute's rank (unsigned
     * types widened as {@link NdArray#toArray()} does); bools as {@code Boolean} or {@code boolean[]}.
     *
     * @param name the attribute's name
     * @return its value
     * @throws NotFoundException if there is no attribute of that name
     * @throws UnsupportedTypeException if its type is one h5image cannot read
     */
    Object get(String name);

    /** {@return the attribute names, in creation order where the file tracks it, else by name} */
    Set<String> names();
}
