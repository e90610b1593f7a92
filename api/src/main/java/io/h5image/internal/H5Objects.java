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

    /** The object at absolute {@code path}, which must be a {@code kind}; else a {@link NotFoundException} carrying the path. */
    static Handle open(NativeFile file, String path, Kind kind) {
        try (Arena arena = Arena.ofConfined()) {
            verifyPath(file, path, arena);
            NativeFile.takeRefusedLink();
            long id = H5Oopen(file.id(), arena.allocateFrom(path), file.linkAccess());
            if (id < 0) {
                Hdf5.Failure failure = Hdf5.takeFailure();
                String refused = NativeFile.takeRefusedLink();
                if (refused != null) {
                    throw new InvalidImageException("refused: the path '" + path + "' crosses an external link to " + refused
                            + "; h5image reads only what is inside the image");
                }
                if (!Errors.damaged(failure) && (failure.hasMinor(H5E_NOTFOUND_g()) || !exists(file, path, arena))) {
                    throw new NotFoundException(path, "no " + kind.noun + " '" + path + "' in " + file.description());
                }
                throw Errors.reading("open '" + path + "' (H5Oopen)", failure, path);
            }
            Handle object = Handle.of(id, Handle.Kind.OBJECT, "H5Oopen('" + path + "')");
            Kind found = kindOf(id);
            if (found != kind) {
                object.close();
                throw new NotFoundException(path, "'" + path + "' in " + file.description() + " is a " + found.noun
                        + ", not a " + kind.noun);
            }
            return object;
        }
    }

    /**
     * Requires a {@code kind} at absolute {@code path}, as {@link #open} does; from bytes, where Java
     * read the object's header, without asking libhdf5 (the open is most of a lookup's cost).
     */
    static void require(NativeFile file, String path, Kind kind) {
        try (Arena arena = Arena.ofConfined()) {
            ObjectIndex index = index(file, path, arena);
            if (index != null && index.kind() != null) {
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

    /**
     * In an image opened from bytes, checks the object header of every object along absolute
     * {@code path} ({@link ObjectHeaders}) before libhdf5 loads it, link by link, each group's links
     * read in Java ({@link ObjectIndex}, which checks the heap and B-trees of a large group), soft
     * links followed as libhdf5 would. Old-format groups (symbol tables) are asked through libhdf5
     * for the link's target. Where a link cannot be followed (missing, external, or unreadable by
     * libhdf5), the check stops and libhdf5's own open reports it. Returns the object's address
     * (relative, as libhdf5 reports it), or -1 where the check stopped or the file needs none (h5image created it).
     */
    static long verifyPath(NativeFile file, String path, Arena arena) {
        return file.checker() == null ? -1 : verifyPath(file, path, 0, arena);
    }

    /**
     * The links and attributes of the object at {@code path}, read and checked in Java; null where
     * the file needs no check (h5image created it) or the path could not be followed (libhdf5 says why).
     */
    static ObjectIndex index(NativeFile file, String path, Arena arena) {
        long address = verifyPath(file, path, arena);
        return address < 0 ? null : file.checker().index(address, "'" + path + "'");
    }

    private static long verifyPath(NativeFile file, String path, int softLinks, Arena arena) {
        ObjectHeaders.Checker checker = file.checker();
        Long known = checker.checked(path);
        if (known != null) return known;
        Long rootAddress = checker.checked("/");
        long address = rootAddress == null ? -1 : rootAddress;
        StringBuilder prefix = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (address < 0) return -1;
            String parent = prefix.isEmpty() ? "/" : prefix.toString();
            prefix.append('/').append(part);
            String here = prefix.toString();
            known = checker.checked(here);
            if (known != null) {
                address = known;
                continue;
            }
            ObjectIndex.Link link = link(file, checker.index(address, "'" + parent + "'"), part, here, arena);
            if (link == null) return -1;
            if (link.type() == ObjectIndex.HARD) {
                checker.verify(link.address(), "'" + here + "'");
                address = link.address();
            } else if (link.type() == ObjectIndex.SOFT && link.value() != null && softLinks < MAX_SOFT_LINKS) {
                String target = link.value();
                address = verifyPath(file, target.startsWith("/") ? target : (parent.equals("/") ? "/" : parent + "/") + target,
                        softLinks + 1, arena);
                if (address < 0) return -1;
            } else {
                return -1; // external (refused when opened) or user-defined: nothing h5image follows
            }
            checker.checked(here, address);
        }
        return address;
    }

    /** Link {@code name} of a group, from its index where Java reads it, else from libhdf5 (old-format groups); null if there is none to follow. */
    private static ObjectIndex.Link link(NativeFile file, ObjectIndex group, String name, String here, Arena arena) {
        if (group.links() != null) return group.link(name);
        LinkInfo.Link link = LinkInfo.of(file.id(), here, file.linkAccess(), file.checker().addresses().offsetSize(), arena);
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
        return new ObjectIndex.Link(name, null, link.hard() ? ObjectIndex.HARD : link.soft() ? ObjectIndex.SOFT : ObjectIndex.EXTERNAL,
                link.address(), value, -1);
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
     * Whether every link along {@code path} exists (H5Lexists refuses a missing parent, so walk it).
     * A group that cannot be read is not "missing": that is an {@link InvalidImageException}.
     */
    static boolean exists(NativeFile file, String path, Arena arena) {
        if (path.equals("/")) return true;
        verifyPath(file, path, arena);
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
