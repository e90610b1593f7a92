/**
 * h5image: Java data to in-memory HDF5 file images and back. Only the API package is exported.
 * <p>
 * It calls libhdf5 through Panama, so grant it native access:
 * {@code --enable-native-access=io.h5image,io.h5image.bindings} on the module path.
 */
module io.h5image {
    requires io.h5image.bindings;
    /* The embedded libhdf5 1.14.3 (resources only); requiring it is what lets `requires io.h5image`
       alone run on the module path. */
    requires io.h5image.libhdf5;
    exports io.h5image;
}
