/**
 * Interop tests: h5image against real, independent HDF5 implementations, both ways.
 * <ul>
 * <li>Images h5image writes are opened by h5py (through {@code io.BytesIO}), by h5dump and by jhdf
 * (pure Java, from a {@code byte[]}), and every value must come back bit for bit.</li>
 * <li>Images h5py writes ({@code h5py.File(io.BytesIO(), 'w')} then {@code getvalue()}) are read by
 * {@link io.h5image.H5Image#deserialize}, and every value must come back bit for bit.</li>
 * </ul>
 * Java is the only source of expected values ({@link io.h5image.it.Sample}): it hands raw
 * little-endian bytes to Python and compares what the tools report against them, so no value
 * formula is written twice. The external tools are found as {@link io.h5image.it.Tools} says; a
 * missing tool fails the tests unless {@code -Dh5image.it.skipTools=true}.
 */
package io.h5image.it;
