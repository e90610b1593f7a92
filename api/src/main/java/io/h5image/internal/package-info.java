/**
 * Everything that touches libhdf5: choosing and loading the library, the one global lock,
 * error-stack capture, handle lifetime, and the image writer and reader. The only package
 * that calls {@code io.h5image.bindings}; not exported.
 * <p>
 * Also the HDF5 structures of an untrusted image that Java reads and checks before libhdf5 may
 * (superblock, object headers and their messages, heaps, B-trees, symbol tables, links, attribute
 * values): libhdf5 trusts what it reads, so what it would trust is checked here first.
 * <p>
 * And the values of every type, decoded in Java where the bytes allow ({@code ValueDecoder} over
 * the global heap, {@code ReferenceResolver} with {@code ObjectPaths} and {@code RegionSelections}
 * for references, {@code StoredValues} choosing Java or libhdf5, {@code RawChunks} for variable-length
 * data in chunks), hyperslabs ({@code Slab}), a
 * group's links ({@code GroupLinks}), and editing a copy of an image ({@code NativeFile#edit}).
 */
package io.h5image.internal;
