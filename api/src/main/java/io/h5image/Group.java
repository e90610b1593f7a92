package io.h5image;

import java.util.List;

/**
 * A group of an HDF5 file: named links to datasets and other groups, reached by path as in h5py
 * ({@code "a/b"} relative to this group, {@code "/a/b"} from the root). A group is a handle on a
 * path in its file: it lives as long as the file is open, and every method throws
 * {@link AlreadyClosedException} once the file is closed.
 */
public interface Group {

    /** {@return this group's absolute path ("/" for the root)} */
    String path();

    /**
     * Creates a group, and any missing groups along the path.
     *
     * @param path where, relative to this group or absolute
     * @return the new group
     * @throws IllegalArgumentException if something already exists at {@code path}
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    Group createGroup(String path);

    /**
     * Creates a dataset holding {@code data}, and any missing groups along the path (as h5py does).
     *
     * @param path where, relative to this group or absolute
     * @param data what {@link H5Image#serialize(Object)} takes, a {@code String} / {@code String[]}
     *             (variable-length UTF-8, as h5py stores {@code str}), or a {@code R[]} / {@code List<R>}
     *             of a record type {@code R} (a compound type, packed as numpy packs a structured dtype)
     * @return the new dataset
     * @throws UnsupportedValueException if {@code data} is not something h5image can store
     * @throws IllegalArgumentException if something already exists at {@code path}
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    Dataset createDataset(String path, Object data);

    /**
     * The group at {@code path}.
     *
     * @param path relative to this group or absolute
     * @return the group
     * @throws NotFoundException if there is no group at {@code path} (nothing, or a dataset)
     */
    Group group(String path);

    /**
     * The dataset at {@code path}.
     *
     * @param path relative to this group or absolute
     * @return the dataset
     * @throws NotFoundException if there is no dataset at {@code path} (nothing, or a group)
     */
    Dataset dataset(String path);

    /**
     * Whether something (a group or a dataset) is at {@code path}.
     *
     * @param path relative to this group or absolute
     * @return true if a link resolves there
     */
    boolean contains(String path);

    /**
     * Removes the link at {@code path}, as h5py's {@code del group[path]}: a dataset or group (with
     * everything under it) no other link reaches is gone from the file. To replace a dataset, delete
     * it and create it again. (HDF5 does not shrink a file in place: the space it held is reused by
     * later writes of this file, not cut from the image.)
     *
     * @param path relative to this group or absolute; not the root
     * @throws NotFoundException if nothing is there
     * @throws UnsupportedOperationException if the file was opened read-only
     */
    void delete(String path);

    /** {@return the names of this group's links, in creation order where the file tracks it, else by name} */
    List<String> names();

    /**
     * This group's links as stored, in {@link #names()} order, none followed: hard links with the
     * kind and first path of their object (a second link to an object shows where it was named
     * first), soft links with their target path, external links with their file and path.
     *
     * @return the links
     */
    List<Link> links();

    /** {@return the attributes of this group} */
    Attributes attributes();
}
