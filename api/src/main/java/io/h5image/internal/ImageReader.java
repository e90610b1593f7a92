package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5LibraryException;
import io.h5image.InvalidImageException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Reads one dataset of an image. A contiguous, unfiltered dataset comes back as a slice of the
 * image (after its offset and size are checked against the image bounds); anything else is read
 * by libhdf5 into new memory. The image is opened with {@code H5LTopen_file_image(DONT_COPY |
 * DONT_RELEASE)}: libhdf5 reads the caller's memory in place and never frees it.
 */
public final class ImageReader {

    /** What was read: the elements, and whether they are a slice of the image. */
    public record Result(MemorySegment segment, DType dtype, long[] shape, ByteOrder order, boolean view) {}

    private static final long HADDR_UNDEF = -1L;

    private ImageReader() {}

    public static Result read(MemorySegment image, String path) {
        long signatureAt = Superblock.find(image);
        if (signatureAt < 0) {
            throw new InvalidImageException("not an HDF5 image: no HDF5 signature at offset 0 or after a user block ("
                    + image.byteSize() + " bytes, starting " + firstBytes(image) + ")");
        }
        ImageTemplates.ReadResult known = ImageTemplates.forRead(image, path);
        if (known != null) {
            long offset = known.template().payloadOffset();
            return new Result(image.asSlice(offset, known.template().payloadSize()), known.dtype(), known.shape().clone(),
                    known.order(), true);
        }
        if (image.isNative()) {
            return parse(image, image, path);
        }
        // libhdf5 keeps a pointer to the image across calls, which a heap array cannot give: it parses a
        // native copy, and the answer is a view of the caller's array at the same offset.
        try (Arena copy = Arena.ofConfined()) {
            MemorySegment nativeImage = copy.allocate(image.byteSize(), CoreDriverMemory.ALIGNMENT);
            MemorySegment.copy(image, 0, nativeImage, 0, image.byteSize());
            Result parsed = parse(nativeImage, image, path);
            return parsed.view() ? parsed : new Result(parsed.segment(), parsed.dtype(), parsed.shape(), parsed.order(), false);
        }
    }

    private static Result parse(MemorySegment nativeImage, MemorySegment image, String path) {
        Hdf5.lock();
        try (Arena arena = Arena.ofConfined();
             Handle file = open(nativeImage);
             Handle dataset = Handle.of(H5Dopen2(file.id(), arena.allocateFrom(path), H5P_DEFAULT()), Handle.Kind.DATASET,
                     "open dataset '" + path + "' (H5Dopen2)");
             Handle type = Handle.of(H5Dget_type(dataset.id()), Handle.Kind.DATATYPE, "H5Dget_type('" + path + "')");
             Handle space = Handle.of(H5Dget_space(dataset.id()), Handle.Kind.DATASPACE, "H5Dget_space('" + path + "')");
             Handle dcpl = Handle.of(H5Dget_create_plist(dataset.id()), Handle.Kind.PROPERTY_LIST, "H5Dget_create_plist('" + path + "')")) {
            TypeMap.Stored stored = TypeMap.classify(type.id(), path);
            long[] shape = shape(space.id(), path, arena);
            long size = byteSize(stored.dtype(), shape, path);
            int layout = Hdf5.check(H5Pget_layout(dcpl.id()), "H5Pget_layout('" + path + "')");
            refuseDataOutsideTheImage(dcpl.id(), layout, path);
            int filters = Hdf5.check(H5Pget_nfilters(dcpl.id()), "H5Pget_nfilters('" + path + "')");
            if (layout == H5D_CONTIGUOUS() && filters == 0) {
                long offset = H5Dget_offset(dataset.id());
                if (size == 0) {
                    return new Result(image.asSlice(0, 0), stored.dtype(), shape, stored.order(), true);
                }
                if (offset != HADDR_UNDEF) {
                    checkBounds(offset, size, image.byteSize(), path, stored.dtype(), shape);
                    ImageTemplates.rememberRead(image, path, offset, stored.dtype(), shape, stored.order());
                    return new Result(image.asSlice(offset, size), stored.dtype(), shape, stored.order(), true);
                }
                // Never written: libhdf5 supplies the fill value.
            }
            return new Result(readCopy(dataset, stored.dtype(), size, path), stored.dtype(), shape, ByteOrder.nativeOrder(), false);
        } finally {
            Hdf5.unlock();
        }
    }

    /**
     * External file lists and virtual datasets make libhdf5 read other files by any path. An image
     * comes from elsewhere: reading it must never read the local disk (a crafted image could name
     * /etc/passwd and get it back as the array).
     */
    private static void refuseDataOutsideTheImage(long dcpl, int layout, String path) {
        if (layout == H5D_VIRTUAL()) {
            throw new InvalidImageException("refused: dataset '" + path + "' is a virtual dataset whose data lives in"
                    + " other files; h5image reads only data inside the image");
        }
        int external = Hdf5.check(H5Pget_external_count(dcpl), "H5Pget_external_count('" + path + "')");
        if (external > 0) {
            throw new InvalidImageException("refused: dataset '" + path + "' keeps its data in " + external
                    + " external file(s); h5image reads only data inside the image");
        }
    }

    private static Handle open(MemorySegment image) {
        long id = H5LTopen_file_image(image, image.byteSize(), H5LT_FILE_IMAGE_DONT_COPY() | H5LT_FILE_IMAGE_DONT_RELEASE());
        if (id < 0) {
            Hdf5.takeErrorStack();
            H5LibraryException cause = diagnose(image);
            throw new InvalidImageException("cannot open the " + image.byteSize() + "-byte image: "
                    + cause.errorStack().stream().reduce((a, b) -> b).map(e -> e.summary()).orElse("libhdf5 gave no reason")
                    + " (truncated or corrupt?)", cause);
        }
        return Handle.of(id, Handle.Kind.FILE, "H5LTopen_file_image");
    }

    /**
     * H5LTopen_file_image cleans up after a failure with API calls that clear HDF5's error stack,
     * so the reason is lost. Opening a copy through the core driver's own file-image property
     * fails the same way and keeps the stack. Only on the failure path, where the copy is cheap.
     */
    static H5LibraryException diagnose(MemorySegment image) {
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), 65536, false), "H5Pset_fapl_core");
            Hdf5.check(H5Pset_file_image(fapl.id(), image, image.byteSize()), "H5Pset_file_image");
            long file = H5Fopen(arena.allocateFrom("h5image-diagnose"), H5F_ACC_RDONLY(), fapl.id());
            if (file >= 0) {
                H5Fclose(file);
                return new H5LibraryException("H5LTopen_file_image", java.util.List.of());
            }
            return Hdf5.failure("H5Fopen(image)");
        }
    }

    private static long[] shape(long space, String path, Arena arena) {
        int kind = Hdf5.check(H5Sget_simple_extent_type(space), "H5Sget_simple_extent_type('" + path + "')");
        if (kind == H5S_SCALAR()) return new long[0];
        if (kind != H5S_SIMPLE()) {
            throw new io.h5image.UnsupportedTypeException("dataset '" + path + "' has a null dataspace (h5py.Empty):"
                    + " no elements and no shape; h5image reads scalars and arrays");
        }
        int rank = Hdf5.check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims('" + path + "')");
        MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(rank, 1));
        Hdf5.check(H5Sget_simple_extent_dims(space, dims, MemorySegment.NULL), "H5Sget_simple_extent_dims('" + path + "')");
        return dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
    }

    private static long byteSize(DType dtype, long[] shape, String path) {
        try {
            long n = dtype.size();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        } catch (ArithmeticException e) {
            throw new InvalidImageException("dataset '" + path + "' claims shape " + Arrays.toString(shape)
                    + ", more bytes than a 64-bit size can hold");
        }
    }

    /** Offsets from libhdf5 are checked before any memory is touched: a corrupt header must not read past the image. */
    private static void checkBounds(long offset, long size, long imageSize, String path, DType dtype, long[] shape) {
        if (offset < 0 || offset > imageSize || size > imageSize - offset) {
            throw new InvalidImageException("dataset '" + path + "' (" + dtype.numpyName() + Arrays.toString(shape)
                    + ", " + size + " bytes) is said to lie at offset " + Long.toUnsignedString(offset)
                    + ", beyond the end of the " + imageSize + "-byte image: the image is truncated or corrupt");
        }
    }

    private static MemorySegment readCopy(Handle dataset, DType dtype, long size, String path) {
        MemorySegment out = Arena.ofAuto().allocate(Math.max(size, 1), CoreDriverMemory.ALIGNMENT).asSlice(0, size);
        if (size == 0) return out;
        try (Handle memoryType = TypeMap.create(dtype, ByteOrder.nativeOrder())) {
            if (H5Dread(dataset.id(), memoryType.id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), out) < 0) {
                H5LibraryException cause = Hdf5.failure("H5Dread('" + path + "')");
                String why = cause.getMessage().toLowerCase().contains("checksum") || cause.getMessage().contains("fletcher")
                        ? "a chunk failed its checksum (fletcher32): the image is corrupt"
                        : "libhdf5 could not decode it: the image is truncated or corrupt";
                throw new InvalidImageException("reading dataset '" + path + "' failed: " + why + "\n" + cause.getMessage(), cause);
            }
        }
        return out;
    }

    private static String firstBytes(MemorySegment image) {
        int n = (int) Math.min(8, image.byteSize());
        return n == 0 ? "empty" : HexFormat.ofDelimiter(" ").formatHex(image.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
    }
}
