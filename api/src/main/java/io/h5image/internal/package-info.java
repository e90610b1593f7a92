/**
 * Everything that touches libhdf5: choosing and loading the library, the one global lock,
 * error-stack capture, handle lifetime, and the image writer and reader. The only package
 * that calls {@code io.h5image.bindings}; not exported.
 */
package io.h5image.internal;
