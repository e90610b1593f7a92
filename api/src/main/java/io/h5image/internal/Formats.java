package io.h5image.internal;

import static io.h5image.bindings.hdf5_h.*;

/**
 * The file format choices every file h5image writes shares: superblock v2 and checksummed object
 * headers (libver bounds 1.8 to 1.10, the newest format both 1.10 and 1.14 write), no timestamps
 * (identical input gives identical bytes), and links and attributes tracked in creation order so
 * they list back in the order they were made. Callers hold the lock.
 */
final class Formats {
    private Formats() {}

    static void fileAccess(long fapl) {
        Hdf5.check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18(), H5F_LIBVER_V110()), "H5Pset_libver_bounds");
    }

    static void fileCreate(long fcpl) {
        Hdf5.check(H5Pset_obj_track_times(fcpl, false), "H5Pset_obj_track_times(file)");
        groupCreate(fcpl);
    }

    /** For a group create list, or a file create list (the root group's). */
    static void groupCreate(long gcpl) {
        Hdf5.check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED() | H5P_CRT_ORDER_INDEXED()), "H5Pset_link_creation_order");
        objectCreate(gcpl);
    }

    /** libhdf5's largest "maximum compact" attribute count. */
    private static final int MAX_COMPACT_ATTRIBUTES = 65535;

    /**
     * For any object create list: attributes in creation order, no timestamps, and attributes kept
     * in the object header however many there are (libhdf5 still moves one too big for a header
     * message out). Attributes in the header are what h5image reads in Java when an image comes
     * from bytes ({@link AttributeValues}); dense storage (a fractal heap and B-trees, libhdf5's
     * default past 8) would send variable-length strings back through libhdf5's global heap code.
     */
    static void objectCreate(long ocpl) {
        Hdf5.check(H5Pset_attr_creation_order(ocpl, H5P_CRT_ORDER_TRACKED() | H5P_CRT_ORDER_INDEXED()), "H5Pset_attr_creation_order");
        Hdf5.check(H5Pset_attr_phase_change(ocpl, MAX_COMPACT_ATTRIBUTES, 0), "H5Pset_attr_phase_change");
        Hdf5.check(H5Pset_obj_track_times(ocpl, false), "H5Pset_obj_track_times");
    }
}
