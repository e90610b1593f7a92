package io.h5image.internal;

import io.h5image.Attributes;
import io.h5image.Dataset;
import io.h5image.Group;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.h5image.bindings.hdf5_h.*;

/** A group: its file and its absolute path. Every method is one {@link NativeFile#call}. */
public final class GroupNode implements Group {

    private final NativeFile file;
    private final String path;

    public GroupNode(NativeFile file, String path) {
        this.file = file;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Group createGroup(String relative) {
        String target = Paths.resolve(path, relative);
        return file.call(f -> {
            f.requireWritable("create group '" + target + "'");
            try (Arena arena = Arena.ofConfined()) {
                requireFree(f, target, arena);
                createParents(f, target, arena);
                createOne(f, target, arena);
            }
            return new GroupNode(f, target);
        });
    }

    @Override
    public Dataset createDataset(String relative, Object data) {
        String target = Paths.resolve(path, relative);
        java.util.Objects.requireNonNull(data, "data");
        return file.call(f -> {
            f.requireWritable("create dataset '" + target + "'");
            try (Arena arena = Arena.ofConfined();
                 Values.Encoded encoded = Values.encode(data, arena)) {
                requireFree(f, target, arena);
                createParents(f, target, arena);
                DatasetNode.create(f, target, encoded, arena);
            }
            return new DatasetNode(f, target);
        });
    }

    @Override
    public void delete(String relative) {
        String target = Paths.resolve(path, relative);
        if (target.equals("/")) throw new IllegalArgumentException("cannot delete the root group");
        file.call(f -> {
            f.requireWritable("delete '" + target + "'");
            try (Arena arena = Arena.ofConfined()) {
                if (!H5Objects.exists(f, target, arena)) {
                    throw new io.h5image.NotFoundException(target, "nothing to delete at '" + target + "' in " + f.description());
                }
                Hdf5.check(H5Ldelete(f.id(), arena.allocateFrom(target), H5P_DEFAULT()), "H5Ldelete('" + target + "')");
            }
            return null;
        });
    }

    @Override
    public Group group(String relative) {
        String target = Paths.resolve(path, relative);
        return file.call(f -> {
            H5Objects.require(f, target, H5Objects.Kind.GROUP);
            return new GroupNode(f, target);
        });
    }

    @Override
    public Dataset dataset(String relative) {
        String target = Paths.resolve(path, relative);
        return file.call(f -> {
            H5Objects.require(f, target, H5Objects.Kind.DATASET);
            return new DatasetNode(f, target);
        });
    }

    @Override
    public boolean contains(String relative) {
        String target = Paths.resolve(path, relative);
        return file.call(f -> {
            try (Arena arena = Arena.ofConfined()) {
                return H5Objects.exists(f, target, arena);
            }
        });
    }

    @Override
    public List<String> names() {
        return file.call(f -> {
            // From bytes: the kind and the links read in Java, in the order libhdf5 would list them,
            // with no libhdf5 open at all.
            H5Objects.require(f, path, H5Objects.Kind.GROUP);
            try (Arena arena = Arena.ofConfined()) {
                ObjectIndex java = H5Objects.index(f, path, arena);
                if (java != null && java.links() != null) {
                    List<String> names = new ArrayList<>(java.links().size());
                    for (ObjectIndex.Link link : java.links()) names.add(link.name());
                    return List.copyOf(names);
                }
            }
            return libhdf5Names(f, path);
        });
    }

    /** The link names of the group at {@code path}, as libhdf5 lists them; inside {@link NativeFile#call}. */
    static List<String> libhdf5Names(NativeFile f, String path) {
        try (Arena arena = Arena.ofConfined();
             Handle group = H5Objects.open(f, path, H5Objects.Kind.GROUP)) {
            MemorySegment info = arena.allocate(io.h5image.bindings.H5G_info_t.layout());
            Hdf5.check(H5Gget_info(group.id(), info), "H5Gget_info('" + path + "')");
            long links = io.h5image.bindings.H5G_info_t.nlinks(info);
            List<String> names = new ArrayList<>((int) Math.min(links, 1 << 16));
            int index = tracksCreationOrder(group.id(), arena) ? H5_INDEX_CRT_ORDER() : H5_INDEX_NAME();
            for (long i = 0; i < links; i++) names.add(H5Objects.linkName(group.id(), i, index, arena));
            return List.copyOf(names);
        }
    }

    @Override
    public List<io.h5image.Link> links() {
        return file.call(f -> GroupLinks.of(f, path));
    }

    /** Files h5image writes index links by creation order; others may not (then names come by name). */
    private static boolean tracksCreationOrder(long group, Arena arena) {
        try (Handle gcpl = Handle.of(H5Gget_create_plist(group), Handle.Kind.PROPERTY_LIST, "H5Gget_create_plist")) {
            MemorySegment flags = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            Hdf5.check(H5Pget_link_creation_order(gcpl.id(), flags), "H5Pget_link_creation_order");
            return (flags.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) & H5P_CRT_ORDER_INDEXED()) != 0;
        }
    }

    @Override
    public Attributes attributes() {
        return new AttributeSet(file, path);
    }

    /** Something at {@code target} already: creating there is the caller's mistake. */
    static void requireFree(NativeFile f, String target, Arena arena) {
        if (H5Objects.exists(f, target, arena)) {
            throw new IllegalArgumentException("cannot create '" + target + "' in " + f.description() + ": something is there already");
        }
    }

    /**
     * Creates every missing group above {@code target}, each tracking creation order like the ones
     * h5image creates. One link lookup per level: once a level is missing, so is everything below it.
     */
    static void createParents(NativeFile f, String target, Arena arena) {
        boolean missing = false;
        int end = 0;
        while ((end = target.indexOf('/', end + 1)) > 0) {
            String parent = target.substring(0, end);
            if (!missing) {
                // Its own parent exists (checked one level up), so H5Lexists can answer for it.
                int status = H5Lexists(f.id(), arena.allocateFrom(parent), f.linkAccess());
                if (status < 0) throw Errors.reading("look up '" + parent + "' (H5Lexists)", Hdf5.takeFailure(), parent);
                missing = status == 0;
                if (!missing) {
                    H5Objects.require(f, parent, H5Objects.Kind.GROUP); // a dataset cannot hold children
                    continue;
                }
            }
            createOne(f, parent, arena);
        }
    }

    private static void createOne(NativeFile f, String target, Arena arena) {
        try (Handle gcpl = Handle.of(H5Pcreate(H5P_CLS_GROUP_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(group create)")) {
            Formats.groupCreate(gcpl.id());
            Handle.of(H5Gcreate2(f.id(), arena.allocateFrom(target), H5P_DEFAULT(), gcpl.id(), H5P_DEFAULT()),
                    Handle.Kind.GROUP, "H5Gcreate2('" + target + "')").close();
        }
    }

    @Override
    public String toString() {
        return "Group[" + path + " in " + file.description() + "]";
    }
}
