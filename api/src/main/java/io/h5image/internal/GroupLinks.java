package io.h5image.internal;

import io.h5image.InvalidImageException;
import io.h5image.Link;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * A group's links as {@link Link}s, read in Java from the file's bytes ({@link ObjectIndex}), with
 * each hard link's kind and first path ({@link ObjectPaths}). A file being written or edited is
 * read from its bytes as they are now ({@link NativeFile#currentBytes()}). Links Java does not read (in huge heap objects)
 * come from libhdf5, one by one.
 */
final class GroupLinks {
    private GroupLinks() {}

    /** The links of the group at absolute {@code path}; inside {@link NativeFile#call}. */
    static List<Link> of(NativeFile f, String path) {
        H5Objects.require(f, path, H5Objects.Kind.GROUP);
        ObjectHeaders.Checker checker = f.currentBytes();
        ObjectIndex index = index(f, path, checker);
        String prefix = path.equals("/") ? "/" : path + "/";
        List<Link> links = new ArrayList<>();
        if (index.links() != null) {
            for (ObjectIndex.Link link : index.links()) links.add(link(checker, link, prefix + link.name()));
            return List.copyOf(links);
        }
        try (Arena arena = Arena.ofConfined()) {
            for (String name : GroupNode.libhdf5Names(f, path)) {
                ObjectIndex.Link link = H5Objects.libhdf5Link(f, name, prefix + name, checker.addresses().offsetSize(), arena);
                if (link == null) throw new InvalidImageException("libhdf5 cannot read link '" + prefix + name + "'");
                links.add(link(checker, link, prefix + name));
            }
        }
        return List.copyOf(links);
    }

    /** The group's index: found in Java along its path where the file has a checker, else at the address libhdf5 opens. */
    private static ObjectIndex index(NativeFile f, String path, ObjectHeaders.Checker checker) {
        if (f.checker() != null) {
            try (Arena arena = Arena.ofConfined()) {
                ObjectIndex index = H5Objects.index(f, path, arena);
                if (index != null) return index;
            }
        }
        try (Handle group = H5Objects.open(f, path, H5Objects.Kind.GROUP)) {
            return checker.index(H5Objects.address(group.id(), "'" + path + "'"), "'" + path + "'");
        }
    }

    private static Link link(ObjectHeaders.Checker checker, ObjectIndex.Link link, String path) {
        String name = link.name();
        return switch (link.type()) {
            case ObjectIndex.HARD -> {
                H5Objects.Kind kind = checker.index(link.address(), "'" + path + "'").kind();
                if (kind == null) throw new InvalidImageException("'" + path + "' links to an object that is no group, dataset or datatype");
                String first = checker.paths().path(link.address());
                yield new Link.Hard(name, switch (kind) {
                    case GROUP -> Link.Kind.GROUP;
                    case DATASET -> Link.Kind.DATASET;
                    case OTHER -> Link.Kind.NAMED_DATATYPE;
                }, first != null ? first : path);
            }
            case ObjectIndex.SOFT -> new Link.Soft(name, link.value());
            case ObjectIndex.EXTERNAL -> new Link.External(name, ObjectIndex.externalFile(link.value()), ObjectIndex.externalPath(link.value()));
            default -> new Link.UserDefined(name, link.type());
        };
    }
}
