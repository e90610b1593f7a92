/**
 * The embedded libhdf5 1.14.3 for linux-x86_64: {@code io/h5image/libhdf5/linux-x86_64/libhdf5.so.310}
 * and {@code libhdf5_hl.so.310} as resources, plus HDF5's licence notice. No code. Those resource
 * paths are not packages, so they are not encapsulated and {@code io.h5image} reads them through its
 * class loader on the class path and on the module path alike.
 */
module io.h5image.libhdf5 {
}
