package io.h5image.internal;

/** HDF5 paths as h5py takes them: absolute from the root ("/a/b") or relative to a group ("b/c"). */
public final class Paths {
    private Paths() {}

    /** {@code path} resolved against the group at {@code base} ("/" for the root): absolute, without "//" or a trailing "/". */
    public static String resolve(String base, String path) {
        java.util.Objects.requireNonNull(path, "path");
        if (path.isEmpty()) throw new IllegalArgumentException("the path is empty");
        String joined = path.startsWith("/") ? path : (base.equals("/") ? "/" : base + "/") + path;
        StringBuilder clean = new StringBuilder();
        for (String part : joined.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            clean.append('/').append(part);
        }
        return clean.isEmpty() ? "/" : clean.toString();
    }
}
