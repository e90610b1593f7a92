package io.h5image.internal;

import io.h5image.InvalidImageException;
import io.h5image.NotFoundException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.h5image.bindings.hdf5_h.*;

/** Opening objects by path inside {@link NativeFile#call}, with failures said as a Java caller expects. */
final class H5Objects {

    enum Kind {
        GROUP("group"), DATASET("dataset"), OTHER("named datatype");

        final String noun;

        Kind(String noun) {
            this.noun = noun;
        }
    }

    private H5Objects() {}

    /**
     * The object at absolute {@code path}, which must be a {@code kind} (any kind for null); else a
     * {@link NotFoundException} carrying the path. In an image from bytes the object is found by
     * {@link #resolve} and opened by its address: libhdf5 follows no link of an untrusted image.
     */
    static Handle open(NativeFile file, String path, Kind kind) {
        try (Arena arena = Arena.ofConfined()) {
            Target target = resolve(file, path, arena);
            long id;
            String opened;
            if (target.found()) {
                opened = "H5Oopen_by_addr('" + path + "')";
                id = H5Oopen_by_addr(file.id(), target.address());
                if (id < 0) throw Errors.reading("open '" + path + "' (H5Oopen_by_addr)", Hdf5.takeFailure(), path);
            } else {
                if (target.outcome() == Outcome.MISSING) throw notFound(file, path, kind);
                if (target.outcome() == Outcome.EXTERNAL) throw refused(path, target.detail());
                opened = "H5Oopen('" + path + "')";
                id = openThroughLinks(file, path, kind, arena);
            }
            Handle object = Handle.of(id, Handle.Kind.OBJECT, opened);
            Kind found = kindOf(id);
            if (kind != null && found != kind) {
                object.close();
                throw new NotFoundException(path, "'" + path + "' in " + file.description() + " is a " + found.noun
                        + ", not a " + kind.noun);
            }
            return object;
        }
    }

    /** libhdf5 follows the links of {@code path}: in files h5image created, and groups Java cannot list. */
    private static long openThroughLinks(NativeFile file, String path, Kind kind, Arena arena) {
        NativeFile.takeRefusedLink();
        long id = H5Oopen(file.id(), arena.allocateFrom(path), file.linkAccess());
        if (id >= 0) return id;
        Hdf5.Failure failure = Hdf5.takeFailure();
        String refused = NativeFile.takeRefusedLink();
        if (refused != null) throw refused(path, refused);
        if (!Errors.damaged(failure) && (failure.hasMinor(H5E_NOTFOUND_g()) || !exists(file, path, arena))) {
            throw notFound(file, path, kind);
        }
        throw Errors.reading("open '" + path + "' (H5Oopen)", failure, path);
    }

    private static NotFoundException notFound(NativeFile file, String path, Kind kind) {
        return new NotFoundException(path, "no " + (kind == null ? "object" : kind.noun) + " '" + path + "' in " + file.description());
    }

    private static InvalidImageException refused(String path, String link) {
        return new InvalidImageException("refused: the path '" + path + "' crosses an external link to "
                + (link != null ? link : "another file") + "; h5image reads only what is inside the image");
    }

    /**
     * Requires a {@code kind} at absolute {@code path}, as {@link #open} does; from bytes, where Java
     * read the object's header, without asking libhdf5 (the open is most of a lookup's cost).
     */
    static void require(NativeFile file, String path, Kind kind) {
        try (Arena arena = Arena.ofConfined()) {
            ObjectIndex index = index(file, path, arena);
            if (index != null) {
                if (index.kind() != kind) {
                    throw new NotFoundException(path, "'" + path + "' in " + file.description() + " is a " + index.kind().noun
                            + ", not a " + kind.noun);
                }
                return;
            }
        }
        open(file, path, kind).close();
    }

    /** libhdf5 follows at most this many soft links in one path (H5L_NUM_LINKS); so does the check. */
    private static final int MAX_SOFT_LINKS = 16;

    /** How {@link #resolve} ended. */
    enum Outcome {
        /** The object's header is checked, at {@link Target#address()}. */
        FOUND,
        /** A link along the path is missing, dangling, of a kind h5image does not follow, or one soft link too many. */
        MISSING,
        /** The path crosses an external link ({@link Target#detail()} names it): refused. */
        EXTERNAL,
        /** libhdf5 follows the path: the file is one h5image created, or a group's links are ones Java does not read. */
        LIBHDF5
    }

    /** Where {@link #resolve} led: {@code address} (relative, as libhdf5 reports it) is -1 unless found. */
    record Target(Outcome outcome, long address, String detail) {
        static final Target LIBHDF5 = new Target(Outcome.LIBHDF5, -1, null);
        static final Target MISSING = new Target(Outcome.MISSING, -1, null);

        boolean found() {
            return outcome == Outcome.FOUND;
        }
    }

    /**
     * In an image opened from bytes, follows absolute {@code path} link by link in Java: each group's
     * links read and checked by {@link ObjectIndex} (old-format symbol tables, and the heap and
     * B-trees of a large group, alike), soft links followed as libhdf5 follows them, and the object
     * header of every object reached checked ({@link ObjectHeaders}) before libhdf5 loads it.
     */
    static Target resolve(NativeFile file, String path, Arena arena) {
        return file.checker() == null ? Target.LIBHDF5 : resolve(file, path, 0, arena);
    }

    /** {@link #resolve}'s address, or -1 where it found none. */
    static long verifyPath(NativeFile file, String path, Arena arena) {
        return resolve(file, path, arena).address();
    }

    /**
     * The links and attributes of the object at {@code path}, read and checked in Java; null where
     * the file needs no check (h5image created it) or the path could not be followed (libhdf5 says why).
     */
    static ObjectIndex index(NativeFile file, String path, Arena arena) {
        long address = verifyPath(file, path, arena);
        return address < 0 ? null : file.checker().index(address, "'" + path + "'");
    }

    private static Target resolve(NativeFile file, String path, int softLinks, Arena arena) {
        ObjectHeaders.Checker checker = file.checker();
        Long known = checker.checked(path);
        if (known != null) return new Target(Outcome.FOUND, known, null);
        Long rootAddress = checker.checked("/");
        if (rootAddress == null) return Target.LIBHDF5;
        long address = rootAddress;
        StringBuilder prefix = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            String parent = prefix.isEmpty() ? "/" : prefix.toString();
            prefix.append('/').append(part);
            String here = prefix.toString();
            known = checker.checked(here);
            if (known != null) {
                address = known;
                continue;
            }
            ObjectIndex group = checker.index(address, "'" + parent + "'");
            if (group.kind() != Kind.GROUP) return Target.MISSING;
            ObjectIndex.Link link;
            if (group.links() != null) {
                link = group.link(part);
            } else {
                link = libhdf5Link(file, part, here, arena);
                if (link == null) return Target.LIBHDF5;
            }
            if (link == null) return Target.MISSING;
            if (link.type() == ObjectIndex.HARD) {
                checker.verify(link.address(), "'" + here + "'");
                address = link.address();
            } else if (link.type() == ObjectIndex.SOFT && link.value() != null) {
                if (softLinks >= MAX_SOFT_LINKS) return Target.MISSING;
                String target = link.value();
                Target reached = resolve(file, target.startsWith("/") ? target : (parent.equals("/") ? "/" : parent + "/") + target,
                        softLinks + 1, arena);
                if (!reached.found()) return reached;
                address = reached.address();
            } else if (link.type() == ObjectIndex.EXTERNAL) {
                return new Target(Outcome.EXTERNAL, -1, ObjectIndex.describeExternal(link.value()));
            } else {
                return Target.MISSING; // user-defined: nothing h5image follows
            }
            checker.checked(here, address);
        }
        return new Target(Outcome.FOUND, address, null);
    }

    /**
     * Link {@code name} from libhdf5, for a group whose links Java does not read (huge heap
     * objects); null where libhdf5 cannot give it (libhdf5's open then says why).
     */
    private static ObjectIndex.Link libhdf5Link(NativeFile file, String name, String here, Arena arena) {
        return libhdf5Link(file, name, here, file.checker().addresses().offsetSize(), arena);
    }

    /** {@link #libhdf5Link(NativeFile, String, String, Arena)} in a file of {@code offsetSize}-byte addresses. */
    static ObjectIndex.Link libhdf5Link(NativeFile file, String name, String here, int offsetSize, Arena arena) {
        LinkInfo.Link link = LinkInfo.of(file.id(), here, file.linkAccess(), offsetSize, arena);
        if (link == null) {
            Hdf5.Failure failure = Hdf5.takeFailure();
            if (Errors.damaged(failure)) throw Errors.reading("look up '" + here + "' (H5Lget_info)", failure, here);
            return null;
        }
        String value = null;
        if (link.soft()) {
            value = LinkInfo.softTarget(file.id(), here, link, file.linkAccess(), arena);
            if (value == null) {
                Hdf5.takeFailure();
                return null;
            }
        }
        int type = link.hard() ? ObjectIndex.HARD : link.soft() ? ObjectIndex.SOFT
                : link.type() == H5L_TYPE_EXTERNAL() ? ObjectIndex.EXTERNAL : link.type(); // user-defined: not followed
        if (type == ObjectIndex.EXTERNAL) {
            byte[] bytes = LinkInfo.value(file.id(), here, link, file.linkAccess(), arena);
            if (bytes == null) Hdf5.takeFailure();
            else value = ObjectIndex.externalValue(bytes);
        }
        return new ObjectIndex.Link(name, null, type, link.address(), value, -1);
    }

    /** The address of an open object's header, as libhdf5 reports addresses (relative to the base address). */
    static long address(long object, String where) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(io.h5image.bindings.H5O_info1_t.layout());
            Hdf5.check(H5Oget_info1(object, info), "H5Oget_info1(" + where + ")");
            return io.h5image.bindings.H5O_info1_t.addr(info);
        }
    }

    static Kind kindOf(long id) {
        int type = H5Iget_type(id);
        if (type == H5I_GROUP()) return Kind.GROUP;
        if (type == H5I_DATASET()) return Kind.DATASET;
        return Kind.OTHER;
    }

    /**
     * Whether the last link of {@code path} exists, every link before it leading to a group (as
     * {@code H5Lexists}, which refuses a missing parent, so the walk goes level by level). From
     * bytes, answered in Java. A group that cannot be read is not "missing": that is an
     * {@link InvalidImageException}.
     */
    static boolean exists(NativeFile file, String path, Arena arena) {
        if (path.equals("/")) return true;
        if (file.checker() != null) {
            int slash = path.lastIndexOf('/');
            Target parent = resolve(file, slash == 0 ? "/" : path.substring(0, slash), arena);
            if (parent.found()) {
                ObjectIndex group = file.checker().index(parent.address(), "'" + path.substring(0, Math.max(1, slash)) + "'");
                if (group.kind() != Kind.GROUP) return false;
                if (group.links() != null) return group.link(path.substring(slash + 1)) != null;
            } else if (parent.outcome() != Outcome.LIBHDF5) {
                return false;
            }
        }
        StringBuilder prefix = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            prefix.append('/').append(part);
            int status = H5Lexists(file.id(), arena.allocateFrom(prefix.toString()), file.linkAccess());
            if (status < 0) {
                Hdf5.Failure failure = Hdf5.takeFailure();
                if (Errors.damaged(failure)) throw Errors.reading("look up '" + prefix + "' (H5Lexists)", failure, prefix.toString());
                return false;
            }
            if (status == 0) return false;
        }
        return true;
    }

    /** The name of link {@code index} of the group {@code group}, in creation order if the group tracks it, else by name. */
    static String linkName(long group, long index, int indexType, Arena arena) {
        MemorySegment dot = arena.allocateFrom(".");
        long length = Hdf5.check(H5Lget_name_by_idx(group, dot, indexType, H5_ITER_INC(), index, MemorySegment.NULL, 0, H5P_DEFAULT()),
                "H5Lget_name_by_idx");
        MemorySegment name = arena.allocate(length + 1);
        Hdf5.check(H5Lget_name_by_idx(group, dot, indexType, H5_ITER_INC(), index, name, length + 1, H5P_DEFAULT()),
                "H5Lget_name_by_idx");
        String text = name.getString(0);
        // libhdf5 gives what the group's storage holds: an old-format group's names come from a local
        // heap with no checksum, where a corrupt offset reads an empty name or one with a '/'.
        if (text.isEmpty() || text.indexOf('/') >= 0) {
            throw new InvalidImageException("link " + index + " of a group has the name '" + text
                    + "', which no link can have: the image is corrupt");
        }
        return text;
    }
}
