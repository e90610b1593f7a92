/**
 * The public API: {@link io.h5image.H5Image} turns arrays into in-memory HDF5 images and back,
 * {@link io.h5image.NdArray} is what comes back (a view into the image when it can be);
 * {@link io.h5image.H5File} is the object model (groups, datasets, attributes, links, every HDF5
 * type as Java values), over images in memory, mapped files and edited copies.
 * Calls only {@code io.h5image.internal}; never the bindings.
 */
package io.h5image;
