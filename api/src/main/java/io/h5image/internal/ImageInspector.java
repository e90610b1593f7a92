package io.h5image.internal;

import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.UnsupportedTypeException;
import io.h5image.bindings.H5G_info_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Lists every dataset of an image, each object once. Walks groups by link index
 * ({@code H5Gget_info}, {@code H5Lget_name_by_idx}): the visit/iterate calls changed signature
 * between 1.10 and 1.12, these did not. Objects are remembered by address, so hard-link cycles
 * end; external links are not followed.
 */
public final class ImageInspector {
    private ImageInspector() {}

    public static List<DatasetInfo> datasets(MemorySegment image) {
        Superblock.requireSignature(image);
        try (NativeFile file = NativeFile.open(image, null, "the " + image.byteSize() + "-byte image")) {
            return file.call(f -> {
                try (Arena arena = Arena.ofConfined();
                     Handle root = Handle.of(H5Gopen2(f.id(), arena.allocateFrom("/"), H5P_DEFAULT()), Handle.Kind.GROUP, "H5Gopen2(/)")) {
                    List<DatasetInfo> found = new ArrayList<>();
                    Set<Long> seen = new HashSet<>();
                    long rootAddress = H5Objects.verifyPath(f, "/", arena);
                    seen.add(rootAddress >= 0 ? rootAddress : H5Objects.address(root.id(), "/"));
                    walk(f, root.id(), rootAddress, "", found, seen, arena);
                    return found;
                }
            });
        }
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }


    /**
     * One group's links, depth first. An object that cannot be read is reported with its path and
     * the reason, and the walk goes on: one corrupt object neither fails the walk nor vanishes from it.
     */
    /** Groups nested deeper than this are reported, not walked: the walk recurses once per level. */
    private static final int MAX_DEPTH = 256;

    private static void walk(NativeFile file, long group, long groupAddress, String prefix, List<DatasetInfo> found,
                             Set<Long> seen, Arena arena) {
        String here = prefix.isEmpty() ? "/" : prefix.substring(0, prefix.length() - 1);
        if (prefix.chars().filter(c -> c == '/').count() > MAX_DEPTH) {
            found.add(DatasetInfo.unreadable(here, "nested deeper than " + MAX_DEPTH + " groups; not walked further"));
            return;
        }
        List<String> names;
        try {
            names = linkNames(file, group, groupAddress, here, found, arena);
        } catch (H5Exception e) {
            found.add(DatasetInfo.unreadable(here, "its links cannot be read: " + firstLine(e.getMessage())));
            return;
        }
        for (String name : names) {
            String path = prefix + name;
            H5Objects.Target target;
            try {
                target = H5Objects.resolve(file, path, arena);
            } catch (H5Exception e) {
                found.add(DatasetInfo.unreadable(path, firstLine(e.getMessage())));
                continue;
            }
            long address = target.address();
            if (target.outcome() == H5Objects.Outcome.MISSING) {
                found.add(DatasetInfo.unreadable(path, "dangling link: nothing at its target"));
                continue;
            }
            if (target.outcome() == H5Objects.Outcome.EXTERNAL) {
                found.add(DatasetInfo.unreadable(path, "external link to " + target.detail() + " refused"));
                continue;
            }
            NativeFile.takeRefusedLink(); // only this open's refusal may name the link
            // From bytes, by the address Java found: libhdf5 follows no link of an untrusted image.
            long id = target.found() ? H5Oopen_by_addr(file.id(), address) : H5Oopen(group, arena.allocateFrom(name), file.linkAccess());
            if (id < 0) {
                Hdf5.Failure failure = Hdf5.takeFailure();
                String refused = NativeFile.takeRefusedLink();
                found.add(DatasetInfo.unreadable(path, refused != null ? "external link to " + refused + " refused"
                        : failure.hasMinor(H5E_NOTFOUND_g()) ? "dangling link: nothing at its target"
                        : "cannot be opened: " + Errors.summary(failure)));
                continue;
            }
            try (Handle object = Handle.of(id, Handle.Kind.OBJECT, "H5Oopen(" + path + ")")) {
                // The checked address where there is one (a map lookup), else libhdf5's.
                if (!seen.add(address >= 0 ? address : H5Objects.address(object.id(), path))) continue;
                int type = H5Iget_type(object.id());
                if (type == H5I_GROUP()) {
                    walk(file, object.id(), address, path + "/", found, seen, arena);
                } else if (type == H5I_DATASET()) {
                    found.add(describe(object.id(), path, arena));
                }
            } catch (H5Exception e) {
                found.add(DatasetInfo.unreadable(path, firstLine(e.getMessage())));
            }
        }
    }

    /**
     * A group's link names, by name. From bytes, read in Java ({@link ObjectIndex}), which checks a
     * large group's heap and B-trees first: libhdf5 crashed listing a group whose heap was corrupt.
     * Files h5image made, and groups whose links Java does not read (huge heap objects), are listed
     * by libhdf5; a name it cannot give is reported in {@code found} and left out.
     */
    private static List<String> linkNames(NativeFile file, long group, long address, String here, List<DatasetInfo> found,
                                          Arena arena) {
        if (address >= 0) {
            ObjectIndex index = file.checker().index(address, "'" + here + "'");
            if (index.links() != null) {
                List<String> names = new ArrayList<>(index.links().size());
                for (ObjectIndex.Link link : index.linksByName()) names.add(link.name());
                return names;
            }
        }
        MemorySegment info = arena.allocate(H5G_info_t.layout());
        Hdf5.check(H5Gget_info(group, info), "H5Gget_info(" + here + ")");
        long links = H5G_info_t.nlinks(info);
        List<String> names = new ArrayList<>((int) Math.min(links, 1 << 16));
        for (long i = 0; i < links; i++) {
            try {
                names.add(H5Objects.linkName(group, i, H5_INDEX_NAME(), arena));
            } catch (H5Exception e) {
                found.add(DatasetInfo.unreadable(here, "link " + i + " cannot be read: " + firstLine(e.getMessage())));
            }
        }
        return names;
    }

    private static DatasetInfo describe(long dataset, String path, Arena arena) {
        try (Handle type = Handle.of(H5Dget_type(dataset), Handle.Kind.DATATYPE, "H5Dget_type(" + path + ")");
             Handle space = Handle.of(H5Dget_space(dataset), Handle.Kind.DATASPACE, "H5Dget_space(" + path + ")");
             Handle dcpl = Handle.of(H5Dget_create_plist(dataset), Handle.Kind.PROPERTY_LIST, "H5Dget_create_plist(" + path + ")")) {
            String typeName;
            try {
                TypeMap.Stored stored = TypeMap.classify(type.id(), path);
                typeName = stored.dtype().numpyName() + (stored.dtype().size() > 1 && stored.order() == ByteOrder.BIG_ENDIAN ? " (big-endian)" : "");
            } catch (UnsupportedTypeException e) {
                typeName = TypeMap.className(Hdf5.check(H5Tget_class(type.id()), "H5Tget_class(" + path + ")")).toLowerCase(Locale.ROOT);
            }
            long[] shape;
            try {
                shape = ImageReader.shape(space.id(), path, arena);
            } catch (UnsupportedTypeException nullDataspace) {
                shape = new long[0];
            }
            int layout = Hdf5.check(H5Pget_layout(dcpl.id()), "H5Pget_layout(" + path + ")");
            long[] chunks = null;
            if (layout == H5D_CHUNKED()) {
                int rank = Hdf5.check(H5Pget_chunk(dcpl.id(), 0, MemorySegment.NULL), "H5Pget_chunk(" + path + ")");
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, rank));
                Hdf5.check(H5Pget_chunk(dcpl.id(), rank, dims), "H5Pget_chunk(" + path + ")");
                chunks = dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
            }
            List<String> filters = new ArrayList<>();
            int count = Hdf5.check(H5Pget_nfilters(dcpl.id()), "H5Pget_nfilters(" + path + ")");
            for (int f = 0; f < count; f++) {
                filters.add(filter(dcpl.id(), f, path, arena));
            }
            long offset = layout == H5D_CONTIGUOUS() ? H5Dget_offset(dataset) : -1;
            return new DatasetInfo(path, typeName, shape, layoutName(layout), offset, chunks, List.copyOf(filters),
                    H5Dget_storage_size(dataset), null);
        }
    }

    private static String filter(long dcpl, int index, String path, Arena arena) {
        MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment valueCount = arena.allocate(ValueLayout.JAVA_LONG);
        valueCount.set(ValueLayout.JAVA_LONG, 0, 8);
        MemorySegment values = arena.allocate(ValueLayout.JAVA_INT, 8);
        MemorySegment name = arena.allocate(64);
        MemorySegment config = arena.allocate(ValueLayout.JAVA_INT);
        int filter = Hdf5.check(H5Pget_filter2(dcpl, index, flags, valueCount, values, 64, name, config), "H5Pget_filter2(" + path + ")");
        return switch (filter) {
            case 1 -> "deflate(" + values.get(ValueLayout.JAVA_INT, 0) + ")";
            case 2 -> "shuffle";
            case 3 -> "fletcher32";
            default -> name.getString(0).isEmpty() ? "filter " + filter : name.getString(0) + " (" + filter + ")";
        };
    }

    private static String layoutName(int layout) {
        if (layout == H5D_CONTIGUOUS()) return "contiguous";
        if (layout == H5D_CHUNKED()) return "chunked";
        if (layout == H5D_COMPACT()) return "compact";
        if (layout == H5D_VIRTUAL()) return "virtual";
        return "layout " + layout;
    }
}
