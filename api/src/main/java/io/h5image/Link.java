package io.h5image;

/**
 * A link of a group as stored, not followed: h5py's {@code group.get(name, getlink=True)}. HDF5
 * names objects only through links, so one object may have several hard links (each a full name
 * of it), and a soft or external link may point at nothing.
 */
public sealed interface Link permits Link.Hard, Link.Soft, Link.External, Link.UserDefined {

    /** {@return the link's name in its group} */
    String name();

    /** What a hard link reaches. */
    enum Kind {
        /** A group. */
        GROUP,
        /** A dataset. */
        DATASET,
        /** A committed (named) datatype. */
        NAMED_DATATYPE
    }

    /**
     * A hard link: the object itself.
     *
     * @param name       the link's name
     * @param kind       what the object is
     * @param objectPath the object's first path in the file (depth first, in libhdf5's order of links, as
     *                   libhdf5 and h5py name a referenced object); another link's path when this is a second
     *                   link to an object named elsewhere
     */
    record Hard(String name, Kind kind, String objectPath) implements Link {}

    /**
     * A soft link: a path, resolved when followed.
     *
     * @param name   the link's name
     * @param target the path it names (which may not exist)
     */
    record Soft(String name, String target) implements Link {}

    /**
     * An external link: an object of another file. h5image never follows these (an image must not
     * read the local disk).
     *
     * @param name       the link's name
     * @param file       the other file's name
     * @param objectPath the object's path in it
     */
    record External(String name, String file, String objectPath) implements Link {}

    /**
     * A user-defined link type, which only the application that registered it can follow.
     *
     * @param name the link's name
     * @param type its link class number (64 to 255)
     */
    record UserDefined(String name, int type) implements Link {}
}
