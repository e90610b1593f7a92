package io.h5image.internal;

import io.h5image.Empty;
import io.h5image.H5Type;
import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A dataset's or attribute's whole value as Java objects ({@link ValueDecoder}), for every type.
 * From an image (untrusted: opened in place, mapped, or an edited copy), the elements are decoded in
 * Java from the file's own form, wherever they lie (contiguous, compact, an attribute's message;
 * chunks too when they hold variable-length parts, through {@link RawChunks}): heap references never
 * reach libhdf5. Otherwise (numbers and fixed-size values in chunks, files h5image is writing)
 * libhdf5 reads the elements into memory with the stored type, and Java decodes them there. Callers
 * hold the lock.
 */
final class StoredValues {
    private StoredValues() {}

    /** The value of an open dataset: an {@link Empty} for a null dataspace, numbers as {@link ImageReader} reads them. */
    static Object dataset(NativeFile f, OpenDataset dataset, String path) {
        String where = "dataset '" + path + "'";
        long space = dataset.space().id();
        H5Type type = Types.describe(dataset.type().id(), where);
        if (ImageReader.isNull(space, path)) return new Empty(type);
        try (Arena arena = Arena.ofConfined()) {
            long[] shape = ImageReader.shape(space, path, arena);
            long limit = f.decodeLimit();
            if (numeric(type)) {
                Shapes.requireJavaArrays(shape, limit, where);
                return NdArrays.of(ImageReader.read(f, dataset, path)).toArray();
            }
            long count = Values.count(space, where);
            ObjectHeaders.Checker checker = f.checker();
            MemorySegment image = f.bytesForJava();
            int layout = ImageReader.refuseDataOutsideTheImage(dataset.creation().id(), path);
            if (checker != null && image != null && (layout != H5D_CHUNKED() || ValueDecoder.variable(type))) {
                // Untrusted bytes: decoded in Java from the file's own form, wherever the data lies;
                // variable-length data from chunks too (libhdf5 would follow their heap references).
                ValueDecoder decoder = new ValueDecoder(new FileFormHeap(checker), limit);
                long elementSize = decoder.size(type);
                long bytes = size(count, elementSize, limit, where);
                MemorySegment data = fileForm(f, dataset, path, layout, checker, image, shape, bytes, elementSize, limit, arena);
                return decoder.value(type, data, shape, where);
            }
            ImageReader.beforeNativeRead(dataset, f.imageSize(), path);
            return viaLibhdf5(f, type, dataset.type().id(), space, shape, count, where,
                    (memoryType, buffer) -> Hdf5.check(H5Dread(dataset.id(), memoryType, H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), buffer),
                            "H5Dread('" + path + "')"));
        }
    }

    /**
     * The value of an open attribute; {@code stored} is its data as the attribute message holds it
     * (file form, from an image opened from bytes) or null where Java has not found it.
     */
    static Object attribute(NativeFile f, long type, long space, MemorySegment stored, String where, Strings.Reader read) {
        H5Type described = Types.describe(type, where);
        if (ImageReader.isNull(space, where)) return new Empty(described);
        try (Arena arena = Arena.ofConfined()) {
            long[] shape = ImageReader.shape(space, where, arena);
            long count = Values.count(space, where);
            long limit = f.decodeLimit();
            ObjectHeaders.Checker checker = f.checker();
            if (stored != null && checker != null) {
                ValueDecoder decoder = new ValueDecoder(new FileFormHeap(checker), limit);
                long bytes = size(count, decoder.size(described), limit, where);
                if (bytes > stored.byteSize()) {
                    throw new InvalidImageException(where + " holds " + stored.byteSize() + " bytes of data for " + count
                            + " elements of " + decoder.size(described) + " bytes: the image is corrupt");
                }
                return decoder.value(described, stored.asSlice(0, bytes), shape, where);
            }
            if (checker != null && ValueDecoder.variable(described)) {
                throw new UnsupportedTypeException(where + " holds variable-length data in an attribute message h5image does not"
                        + " read in Java (shared or in a huge heap object); it never hands an image's heap references to libhdf5");
            }
            return viaLibhdf5(f, described, type, space, shape, count, where, read);
        }
    }

    /**
     * A dataset's elements as the file stores them ({@code bytes} of them): a slice of the image
     * where they are contiguous, the layout message's data where compact, assembled from raw
     * chunks ({@link RawChunks}) where chunked; zeros (empty, null) where never written.
     */
    private static MemorySegment fileForm(NativeFile f, OpenDataset dataset, String path, int layout, ObjectHeaders.Checker checker,
                                          MemorySegment image, long[] shape, long bytes, long elementSize, long limit, Arena arena) {
        if (layout == H5D_CHUNKED()) return RawChunks.read(dataset, shape, elementSize, limit, f.imageSize(), path, arena);
        if (layout == H5D_COMPACT()) {
            long header = H5Objects.address(dataset.id(), "'" + path + "'");
            long[] message = {-1};
            ObjectHeaders.messages(checker, header, "'" + path + "'", (type, flags, order, at, size) -> {
                if (type == HeaderMessages.LAYOUT && (flags & ObjectHeaders.SHARED) == 0) message[0] = at;
                return message[0] < 0;
            });
            MemorySegment data = message[0] < 0 ? null : HeaderMessages.compactData(image, message[0]);
            if (data == null || data.byteSize() != bytes) {
                throw new InvalidImageException("dataset '" + path + "' is compact but its layout holds "
                        + (data == null ? "no data" : data.byteSize() + " bytes") + " for " + bytes + ": the image is corrupt");
            }
            return data;
        }
        long offset = ImageReader.viewOffset(dataset, bytes, image.byteSize(), path, "[" + bytes + " bytes]");
        if (offset < 0) return arena.allocate(Math.max(1, bytes)).asSlice(0, bytes); // never written
        if (bytes > 0 && H5Dget_storage_size(dataset.id()) != bytes) {
            throw new InvalidImageException("dataset '" + path + "' stores " + H5Dget_storage_size(dataset.id()) + " bytes for "
                    + bytes + " bytes of elements: the image is corrupt");
        }
        return image.asSlice(offset, bytes);
    }

    /** Numbers, bools and enums, and arrays of them: read as {@link io.h5image.NdArray}s, viewed where they can be. */
    private static boolean numeric(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> true;
            case H5Type.FloatType t -> true;
            case H5Type.BoolType t -> true;
            case H5Type.EnumType t -> true;
            case H5Type.BitfieldType t -> true;
            case H5Type.ArrayType t -> numeric(t.base());
            default -> false;
        };
    }

    private static long size(long count, long elementSize, long limit, String where) {
        if (elementSize > 0 && count > limit / elementSize) {
            throw new InvalidImageException(where + " claims " + count + " elements of " + elementSize
                    + " bytes, over the limit of " + limit + " bytes; raise -Dh5image.maxDecodedBytes to read it");
        }
        return count * elementSize;
    }

    /**
     * libhdf5 reads the elements into memory as the stored type (no conversion but to its memory
     * form: sequences and strings become pointers to memory it allocates, reclaimed after), then
     * Java decodes them.
     */
    private static Object viaLibhdf5(NativeFile f, H5Type type, long fileType, long space, long[] shape, long count, String where,
                                     Strings.Reader read) {
        long limit = f.decodeLimit();
        try (Arena arena = Arena.ofConfined();
             Handle memoryType = Handle.of(H5Tcopy(fileType), Handle.Kind.DATATYPE, "H5Tcopy(" + where + ")")) {
            long elementSize = H5Tget_size(memoryType.id());
            if (elementSize <= 0) throw Hdf5.failure("H5Tget_size(" + where + ")");
            long bytes = size(count, elementSize, limit, where);
            MemorySegment buffer = arena.allocate(Math.max(1, bytes), CoreDriverMemory.ALIGNMENT).asSlice(0, bytes);
            ObjectHeaders.Checker checker = ValueDecoder.references(type) ? f.currentBytes() : null;
            ValueDecoder decoder = new ValueDecoder(new MemoryFormHeap(checker), limit);
            if (bytes == 0) return decoder.value(type, buffer, shape, where);
            read.into(memoryType.id(), buffer);
            try {
                return decoder.value(type, buffer, shape, where);
            } finally {
                if (ValueDecoder.variable(type)) {
                    Hdf5.check(H5Dvlen_reclaim(memoryType.id(), space, H5P_DEFAULT(), buffer), "H5Dvlen_reclaim(" + where + ")");
                }
            }
        }
    }
}
