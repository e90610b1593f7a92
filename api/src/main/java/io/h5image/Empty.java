package io.h5image;

import java.util.Objects;

/**
 * The value of a dataset or attribute with a null dataspace, h5py's {@code Empty}: a type but no
 * elements and no shape. It is not a scalar (one element) and not a zero-length array (a shape).
 *
 * @param type the stored type
 */
public record Empty(H5Type type) {
    /** Checks the type. */
    public Empty {
        Objects.requireNonNull(type, "type");
    }
}
