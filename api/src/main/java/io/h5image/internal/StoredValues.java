package io.h5image.internal;

import io.h5image.Empty;
import io.h5image.H5Type;
import io.h5image.InvalidImageException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A dataset's or attribute's whole value as Java objects ({@link ValueDecoder}), for every type.
 * Where the bytes can be decoded in Java straight from an image opened from bytes (contiguous
 * data, an attribute's message), they are: variable-length parts and references then never reach
 * libhdf5. Elsewhere (chunked or compact data, files h5image is writing) libhdf5 reads the elements
 * into memory with the stored type, and Java decodes them there. Callers hold the lock.
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
            MemorySegment image = f.viewSource();
            if (checker != null && image != null && inFileForm(type, checker)) {
                ValueDecoder decoder = new ValueDecoder(new FileFormHeap(checker), limit);
                long bytes = size(count, decoder.size(type), limit, where);
                long offset = ImageReader.viewOffset(dataset, bytes, image.byteSize(), path, type + "[" + count + "]");
                if (offset >= 0 && (bytes == 0 || H5Dget_storage_size(dataset.id()) == bytes)) {
                    return decoder.value(type, image.asSlice(offset, bytes), shape, where);
                }
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
            if (stored != null && checker != null && inFileForm(described, checker)) {
                ValueDecoder decoder = new ValueDecoder(new FileFormHeap(checker), limit);
                long bytes = size(count, decoder.size(described), limit, where);
                if (bytes > stored.byteSize()) {
                    throw new InvalidImageException(where + " holds " + stored.byteSize() + " bytes of data for " + count
                            + " elements of " + decoder.size(described) + " bytes: the image is corrupt");
                }
                return decoder.value(described, stored.asSlice(0, bytes), shape, where);
            }
            return viaLibhdf5(f, described, type, space, shape, count, where, read);
        }
    }

    /** Whether Java can decode {@code type} in the file's own form: references need 8-byte addresses, as in memory. */
    private static boolean inFileForm(H5Type type, ObjectHeaders.Checker checker) {
        return ValueDecoder.fileFormFits(type) && (!ValueDecoder.references(type) || checker.addresses().offsetSize() == 8);
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
            ObjectHeaders.Checker checker = ValueDecoder.references(type) ? imageChecker(f, where) : null;
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

    /**
     * What resolves references against the file's bytes: the image's checker, or for a file being
     * written (whose metadata libhdf5 wrote) one over its bytes as they are now, flushed.
     */
    static ObjectHeaders.Checker imageChecker(NativeFile f, String where) {
        if (f.checker() != null) return f.checker();
        Hdf5.check(H5Fflush(f.id(), H5F_SCOPE_GLOBAL()), "H5Fflush(" + where + ")");
        ObjectHeaders.Checker checker = ObjectHeaders.Checker.of(f.memory().written());
        if (checker == null) throw new IllegalStateException(where + ": the file's superblock is not one h5image reads");
        return checker;
    }
}
