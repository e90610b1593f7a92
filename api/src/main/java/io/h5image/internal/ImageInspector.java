package io.h5image.internal;

import io.h5image.DatasetInfo;
import io.h5image.UnsupportedTypeException;
import io.h5image.bindings.H5G_info_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Lists every dataset of an image. Walks groups by link index ({@code H5Gget_info},
 * {@code H5Lget_name_by_idx}): the visit/iterate calls changed signature between 1.10 and 1.12, these did not.
 */
public final class ImageInspector {
    private ImageInspector() {}

    public static List<DatasetInfo> datasets(MemorySegment image) {
        MemorySegment nativeImage = image;
        try (Arena arena = Arena.ofConfined()) {
            if (!image.isNative()) {
                nativeImage = arena.allocate(image.byteSize(), 64);
                MemorySegment.copy(image, 0, nativeImage, 0, image.byteSize());
            }
            if (Superblock.find(nativeImage) < 0) {
                throw new io.h5image.InvalidImageException("not an HDF5 image: no HDF5 signature (" + image.byteSize() + " bytes)");
            }
            Hdf5.lock();
            try {
                long id = H5LTopen_file_image(nativeImage, nativeImage.byteSize(),
                        H5LT_FILE_IMAGE_DONT_COPY() | H5LT_FILE_IMAGE_DONT_RELEASE());
                if (id < 0) {
                    Hdf5.takeErrorStack();
                    var cause = ImageReader.diagnose(nativeImage);
                    throw new io.h5image.InvalidImageException("cannot open the " + image.byteSize() + "-byte image: "
                            + cause.getMessage(), cause);
                }
                try (Handle file = Handle.of(id, Handle.Kind.FILE, "H5LTopen_file_image");
                     Handle root = Handle.of(H5Gopen2(file.id(), arena.allocateFrom("/"), H5P_DEFAULT()), Handle.Kind.GROUP, "H5Gopen2(/)")) {
                    List<DatasetInfo> found = new ArrayList<>();
                    walk(root.id(), "", found, arena, 0);
                    return found;
                }
            } finally {
                Hdf5.unlock();
            }
        }
    }

    private static void walk(long group, String prefix, List<DatasetInfo> found, Arena arena, int depth) {
        if (depth > 64) return; // hard links can form cycles
        MemorySegment info = arena.allocate(H5G_info_t.layout());
        Hdf5.check(H5Gget_info(group, info), "H5Gget_info(" + prefix + ")");
        long links = H5G_info_t.nlinks(info);
        MemorySegment dot = arena.allocateFrom(".");
        for (long i = 0; i < links; i++) {
            long length = Hdf5.check(H5Lget_name_by_idx(group, dot, H5_INDEX_NAME(), H5_ITER_INC(), i, MemorySegment.NULL, 0, H5P_DEFAULT()),
                    "H5Lget_name_by_idx(" + prefix + ")");
            MemorySegment name = arena.allocate(length + 1);
            H5Lget_name_by_idx(group, dot, H5_INDEX_NAME(), H5_ITER_INC(), i, name, length + 1, H5P_DEFAULT());
            String path = prefix + name.getString(0);
            long object = H5Oopen(group, name, H5P_DEFAULT());
            if (object < 0) {
                Hdf5.takeErrorStack(); // a dangling soft or external link: nothing to list
                continue;
            }
            try (Handle handle = Handle.of(object, Handle.Kind.OBJECT, "H5Oopen(" + path + ")")) {
                int type = H5Iget_type(handle.id());
                if (type == H5I_GROUP()) {
                    walk(handle.id(), path + "/", found, arena, depth + 1);
                } else if (type == H5I_DATASET()) {
                    found.add(describe(handle.id(), path, arena));
                }
            }
        }
    }

    private static DatasetInfo describe(long dataset, String path, Arena arena) {
        try (Handle type = Handle.of(H5Dget_type(dataset), Handle.Kind.DATATYPE, "H5Dget_type(" + path + ")");
             Handle space = Handle.of(H5Dget_space(dataset), Handle.Kind.DATASPACE, "H5Dget_space(" + path + ")");
             Handle dcpl = Handle.of(H5Dget_create_plist(dataset), Handle.Kind.PROPERTY_LIST, "H5Dget_create_plist(" + path + ")")) {
            String typeName;
            try {
                TypeMap.Stored stored = TypeMap.classify(type.id(), path);
                typeName = stored.dtype().numpyName() + (stored.dtype().size() > 1 && stored.order() == java.nio.ByteOrder.BIG_ENDIAN ? " (big-endian)" : "");
            } catch (UnsupportedTypeException e) {
                typeName = TypeMap.className(H5Tget_class(type.id())).toLowerCase();
            }
            long[] shape;
            int kind = H5Sget_simple_extent_type(space.id());
            if (kind == H5S_SIMPLE()) {
                int rank = H5Sget_simple_extent_ndims(space.id());
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, rank));
                H5Sget_simple_extent_dims(space.id(), dims, MemorySegment.NULL);
                shape = dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
            } else {
                shape = new long[0];
            }
            int layout = H5Pget_layout(dcpl.id());
            long[] chunks = null;
            if (layout == H5D_CHUNKED()) {
                int rank = H5Pget_chunk(dcpl.id(), 0, MemorySegment.NULL);
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, rank));
                H5Pget_chunk(dcpl.id(), rank, dims);
                chunks = dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
            }
            List<String> filters = new ArrayList<>();
            int count = H5Pget_nfilters(dcpl.id());
            for (int f = 0; f < count; f++) {
                MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment nValues = arena.allocate(ValueLayout.JAVA_LONG);
                nValues.set(ValueLayout.JAVA_LONG, 0, 8);
                MemorySegment values = arena.allocate(ValueLayout.JAVA_INT, 8);
                MemorySegment name = arena.allocate(64);
                MemorySegment config = arena.allocate(ValueLayout.JAVA_INT);
                int filter = H5Pget_filter2(dcpl.id(), f, flags, nValues, values, 64, name, config);
                filters.add(switch (filter) {
                    case 1 -> "deflate(" + values.get(ValueLayout.JAVA_INT, 0) + ")";
                    case 2 -> "shuffle";
                    case 3 -> "fletcher32";
                    default -> name.getString(0).isEmpty() ? "filter " + filter : name.getString(0) + " (" + filter + ")";
                });
            }
            long offset = layout == H5D_CONTIGUOUS() ? H5Dget_offset(dataset) : -1;
            String layoutName = layout == H5D_CONTIGUOUS() ? "contiguous" : layout == H5D_CHUNKED() ? "chunked"
                    : layout == H5D_COMPACT() ? "compact" : "virtual";
            return new DatasetInfo(path, typeName, shape, layoutName, offset, chunks, List.copyOf(filters), H5Dget_storage_size(dataset));
        }
    }
}
