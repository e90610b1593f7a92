/**
 * The public API: {@link io.h5image.H5Image} turns arrays into in-memory HDF5 images and back,
 * {@link io.h5image.NdArray} is what comes back (a view into the image when it can be).
 * Calls only {@code io.h5image.internal}; never the bindings.
 */
package io.h5image;
