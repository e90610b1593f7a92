package io.h5image;

import java.util.Objects;

/**
 * A stored HDF5 reference, resolved: to an object (h5py's {@code ref_dtype}) or to a region of a
 * dataset (h5py's {@code regionref_dtype}). The target is named by its path, the one libhdf5 and
 * h5py give ({@code f[ref].name}): the first path to the object in a depth-first walk of the file's
 * hard links in libhdf5's native order (by name in old-format groups, by creation in new-format ones).
 */
public sealed interface H5Reference permits H5Reference.ToObject, H5Reference.ToRegion {

    /** {@return the absolute path of the referenced object} */
    String path();

    /**
     * A reference to an object: a group, a dataset or a committed datatype.
     *
     * @param path the object's absolute path
     */
    record ToObject(String path) implements H5Reference {
        /** Checks the path. */
        public ToObject {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * A reference to a region of a dataset: the dataset and the selection of its elements.
     *
     * @param path      the dataset's absolute path
     * @param selection which of its elements
     */
    record ToRegion(String path, Selection selection) implements H5Reference {
        /** Checks the arguments. */
        public ToRegion {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(selection, "selection");
        }
    }
}
