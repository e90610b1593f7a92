package io.h5image.internal;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A dataset opened for one call, with what every read of it asks libhdf5 for: its type, dataspace
 * and creation properties, opened once and closed together (in reverse order), whatever fails.
 */
record OpenDataset(Handle dataset, Handle type, Handle space, Handle creation) implements AutoCloseable {

    /** The dataset at absolute {@code path} ({@link H5Objects#open}: a not-found error carries the path). */
    static OpenDataset open(NativeFile f, String path) {
        return of(H5Objects.open(f, path, H5Objects.Kind.DATASET), path);
    }

    /** Wraps an open dataset, which it now owns (closed on failure). */
    static OpenDataset of(Handle dataset, String path) {
        Handle type = null;
        Handle space = null;
        try {
            type = Handle.of(H5Dget_type(dataset.id()), Handle.Kind.DATATYPE, "H5Dget_type('" + path + "')");
            space = Handle.of(H5Dget_space(dataset.id()), Handle.Kind.DATASPACE, "H5Dget_space('" + path + "')");
            Handle creation = Handle.of(H5Dget_create_plist(dataset.id()), Handle.Kind.PROPERTY_LIST, "H5Dget_create_plist('" + path + "')");
            return new OpenDataset(dataset, type, space, creation);
        } catch (RuntimeException e) {
            try (Handle d = dataset; Handle t = type; Handle s = space) {
                throw e;
            }
        }
    }

    long id() {
        return dataset.id();
    }

    @Override
    public void close() {
        try (Handle d = dataset; Handle t = type; Handle s = space; Handle c = creation) {
            // closes all four, creation properties first
        }
    }
}
