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
            NativeFile.takeRefusedLink();
            long id = H5Oopen(file.id(), arena.allocateFrom(path), file.linkAccess());
            if (id < 0) {
                Hdf5.Failure failure = Hdf5.takeFailure();
                String refused = NativeFile.takeRefusedLink();
                if (refused != null) {
                    throw new InvalidImageException("refused: the path '" + path + "' crosses an external link to " + refused
                            + "; h5image reads only what is inside the image");
                }
                if (failure.hasMinor(H5E_NOTFOUND_g()) || !exists(file, path, arena)) {
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

    static Kind kindOf(long id) {
        int type = H5Iget_type(id);
        if (type == H5I_GROUP()) return Kind.GROUP;
        if (type == H5I_DATASET()) return Kind.DATASET;
        return Kind.OTHER;
    }

    /** Whether every link along {@code path} exists (H5Lexists refuses a missing parent, so walk it). */
    static boolean exists(NativeFile file, String path, Arena arena) {
        if (path.equals("/")) return true;
        StringBuilder prefix = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            prefix.append('/').append(part);
            int status = H5Lexists(file.id(), arena.allocateFrom(prefix.toString()), file.linkAccess());
            if (status <= 0) {
                if (status < 0) Hdf5.takeErrorStack();
                return false;
            }
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
        return name.getString(0);
    }
}
