/**
 * The {@code h5image} command: {@code info} (which libhdf5 is bound), {@code demo} (the 1000×500
 * round trip, timed against a memcpy floor and checked with h5dump and h5py) and {@code inspect}
 * (every dataset of an HDF5 file). Commands write to picocli's writers, never to System.out
 * directly, so tests capture everything.
 */
package io.h5image.cli;
