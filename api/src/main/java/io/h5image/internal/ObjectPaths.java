package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The path of each object of an image, for resolving references: the first path that reaches it
 * in a depth-first walk of hard links in libhdf5's native order ({@link ObjectIndex#nativeOrder()}),
 * as libhdf5 names a dereferenced object (and so h5py's {@code f[ref].name}): by name in an
 * old-format group, by creation in a new-format one. The walk is Java's, through {@link ObjectIndex}: every header
 * checked, every group visited once (hard links may form cycles).
 */
final class ObjectPaths {

    /** A file with more objects than this is not a real file but a crafted one. */
    private static final int MAX_OBJECTS = 1 << 22;

    private final Map<Long, String> paths = new HashMap<>();

    private ObjectPaths() {}

    /** Walks the whole file of {@code checker} from its root. */
    static ObjectPaths of(ObjectHeaders.Checker checker) {
        ObjectPaths walk = new ObjectPaths();
        Long root = checker.checked("/");
        if (root == null) return walk;
        walk.paths.put(root, "/");
        walk.visit(checker, root, new HashSet<>(Set.of(root)));
        return walk;
    }

    /** The path of the object whose header is at {@code address} (relative); null if no hard link reaches it. */
    String path(long address) {
        return paths.get(address);
    }

    /** One group being walked: its path and its hard links by name, from {@code next}. */
    private record Level(String prefix, java.util.List<ObjectIndex.Link> links, int[] next) {}

    /** Depth first, with a stack of its own: a crafted file may nest groups deeper than Java's stack. */
    private void visit(ObjectHeaders.Checker checker, long root, Set<Long> visited) {
        java.util.ArrayDeque<Level> stack = new java.util.ArrayDeque<>();
        Level first = level(checker, root, "");
        if (first != null) stack.push(first);
        while (!stack.isEmpty()) {
            Level level = stack.peek();
            if (level.next()[0] >= level.links().size()) {
                stack.pop();
                continue;
            }
            ObjectIndex.Link link = level.links().get(level.next()[0]++);
            String path = level.prefix() + "/" + link.name();
            paths.putIfAbsent(link.address(), path);
            if (paths.size() > MAX_OBJECTS) {
                throw new InvalidImageException("the image claims more than " + MAX_OBJECTS + " objects: it is corrupt");
            }
            if (visited.add(link.address())) {
                checker.verify(link.address(), "'" + path + "'");
                Level below = level(checker, link.address(), path);
                if (below != null) stack.push(below);
            }
        }
    }

    /** The hard links of the group at {@code address} by name; null for an object that is no group, or links Java does not read. */
    private static Level level(ObjectHeaders.Checker checker, long address, String prefix) {
        ObjectIndex index = checker.index(address, "'" + (prefix.isEmpty() ? "/" : prefix) + "'");
        if (index.kind() != H5Objects.Kind.GROUP || index.links() == null) return null;
        java.util.List<ObjectIndex.Link> hard = index.nativeOrder().stream().filter(l -> l.type() == ObjectIndex.HARD).toList();
        return new Level(prefix, hard, new int[1]);
    }
}
