/** h5image: Java data to in-memory HDF5 file images and back. Only the API packages are exported. */
module io.h5image {
    requires io.h5image.bindings;
    exports io.h5image;
}
