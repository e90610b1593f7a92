package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Exception;
import io.h5image.H5LibraryException;
import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Reads one dataset of an image. A contiguous, unfiltered dataset comes back as a slice of the
 * image (after its offset and size are checked against the image bounds); anything else is
 * decoded by libhdf5 into new memory, up to {@link #decodeLimit a limit}. Data outside the image
 * (external files, virtual datasets, external links) is refused.
 */
public final class ImageReader {

    /** What was read: the elements, and whether they are a slice of the image. */
    public record Result(MemorySegment segment, DType dtype, long[] shape, ByteOrder order, boolean view) {}

    private static final long HADDR_UNDEF = -1L;
    /** Decoding never allocates more than this by default, whatever the image's dataspace claims... */
    private static final long DEFAULT_DECODE_FLOOR = 256L << 20;
    /** ...or this many times the image size (zlib cannot compress better than about 1032:1). */
    private static final long DECODE_RATIO = 1100;

    private ImageReader() {}

    public static Result read(MemorySegment image, String path) {
        Superblock.requireSignature(image);
        boolean defaultDataset = path.equals(ImageWriter.DEFAULT_DATASET) || path.equals("/" + ImageWriter.DEFAULT_DATASET);
        if (defaultDataset) {
            ImageTemplates.Known known = ImageTemplates.DEFAULT.forRead(image);
            if (known != null) {
                ImageTemplates.Template template = known.template();
                return new Result(image.asSlice(template.payloadOffset(), template.payloadSize()), known.key().dtype(),
                        known.key().shape(), known.key().order(), true);
            }
        }
        Result result;
        try (NativeFile file = NativeFile.open(image, null, "the " + image.byteSize() + "-byte image")) {
            result = file.call(f -> read(f, Paths.resolve("/", path)));
        }
        if (defaultDataset && result.view() && result.segment().byteSize() > 0) {
            ImageTemplates.DEFAULT.rememberRead(image, new ImageTemplates.WriteKey(result.dtype(), result.order(), result.shape()),
                    result.segment().address() - image.address());
        }
        return result;
    }

    /**
     * Reads the dataset at absolute {@code path} of an open file, inside {@link NativeFile#call}:
     * a slice of the image when the data is contiguous in an image that does not move, else a copy.
     */
    static Result read(NativeFile file, String path) {
        try (OpenDataset dataset = OpenDataset.open(file, path)) {
            return read(file, dataset, path);
        }
    }

    /** {@link #read(NativeFile, String)} of a dataset already open. */
    static Result read(NativeFile file, OpenDataset dataset, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = file.viewSource();
            Parsed parsed = parse(dataset, path, source == null ? Long.MAX_VALUE : source.byteSize(), arena);
            if (parsed.viewOffset() >= 0 && source != null) {
                return new Result(source.asSlice(parsed.viewOffset(), parsed.byteSize()), parsed.dtype(), parsed.shape(), parsed.order(), true);
            }
            return new Result(readCopy(dataset, parsed, path, file.imageSize() < 0 ? Long.MAX_VALUE / 2048 : file.imageSize()),
                    parsed.dtype(), parsed.shape(), ByteOrder.nativeOrder(), false);
        }
    }

    /** What libhdf5 says about a dataset; {@code viewOffset} is -1 unless the data can be viewed in place. */
    private record Parsed(DType dtype, ByteOrder order, long[] shape, long byteSize, long viewOffset) {}

    private static Parsed parse(OpenDataset dataset, String path, long imageSize, Arena arena) {
        long space = dataset.space().id();
        if (isNull(space, path)) {
            throw new UnsupportedTypeException("dataset '" + path + "' has a null dataspace (h5py's Empty): no elements and no"
                    + " shape, so no array; readValue() gives it as an Empty");
        }
        TypeMap.Stored stored = TypeMap.classify(dataset.type().id(), path);
        long[] shape = join(shape(space, path, arena), stored.elementDims());
        long size = byteSize(stored.dtype(), shape, path);
        long viewOffset = stored.viewable()
                ? viewOffset(dataset, size, imageSize, path, stored.dtype().numpyName() + Arrays.toString(shape)) : -1;
        if (!stored.viewable()) refuseDataOutsideTheImage(dataset.creation().id(), path);
        return new Parsed(stored.dtype(), stored.order(), shape, size, viewOffset);
    }

    /** The dataset's dimensions, then an array type's: numpy's shape for an array-typed dataset. */
    static long[] join(long[] shape, long[] elementDims) {
        if (elementDims.length == 0) return shape;
        long[] joined = Arrays.copyOf(shape, shape.length + elementDims.length);
        System.arraycopy(elementDims, 0, joined, shape.length, elementDims.length);
        return joined;
    }

    /** Whether {@code space} is a null dataspace (h5py's {@code Empty}): no elements, no shape. */
    static boolean isNull(long space, String path) {
        return Hdf5.check(H5Sget_simple_extent_type(space), "H5Sget_simple_extent_type('" + path + "')") == H5S_NULL();
    }

    /**
     * Where {@code size} bytes of the dataset's elements lie in the image, checked against its
     * bounds, or -1 when they cannot be viewed in place (chunked, filtered, compact, never written:
     * then libhdf5 must decode them). Data outside the image is refused either way.
     */
    static long viewOffset(OpenDataset dataset, long size, long imageSize, String path, String what) {
        long dcpl = dataset.creation().id();
        int layout = refuseDataOutsideTheImage(dcpl, path);
        int filters = Hdf5.check(H5Pget_nfilters(dcpl), "H5Pget_nfilters('" + path + "')");
        if (layout != H5D_CONTIGUOUS() || filters != 0) return -1;
        if (size == 0) return 0;
        long offset = H5Dget_offset(dataset.id());
        if (offset == HADDR_UNDEF) return -1; // never written: libhdf5 supplies the fill value
        checkBounds(offset, size, imageSize, path, what);
        return offset;
    }

    /**
     * External file lists and virtual datasets make libhdf5 read other files by any path. An image
     * comes from elsewhere: reading it must never read the local disk (a crafted image could name
     * /etc/passwd and get it back as the array).
     */
    static int refuseDataOutsideTheImage(long dcpl, String path) {
        int layout = Hdf5.check(H5Pget_layout(dcpl), "H5Pget_layout('" + path + "')");
        if (layout == H5D_VIRTUAL()) {
            throw new InvalidImageException("refused: dataset '" + path + "' is a virtual dataset whose data lives in"
                    + " other files; h5image reads only data inside the image");
        }
        int external = Hdf5.check(H5Pget_external_count(dcpl), "H5Pget_external_count('" + path + "')");
        if (external > 0) {
            throw new InvalidImageException("refused: dataset '" + path + "' keeps its data in " + external
                    + " external file(s); h5image reads only data inside the image");
        }
        return layout;
    }

    /** C-order dims of a simple dataspace, empty for a scalar; a null dataspace has no shape to give (see {@link #isNull}). */
    static long[] shape(long space, String path, Arena arena) {
        int kind = Hdf5.check(H5Sget_simple_extent_type(space), "H5Sget_simple_extent_type('" + path + "')");
        if (kind == H5S_SCALAR()) return new long[0];
        if (kind != H5S_SIMPLE()) {
            throw new UnsupportedTypeException("'" + path + "' has a null dataspace (h5py's Empty):"
                    + " no elements and no shape; readValue() gives it as an Empty");
        }
        int rank = Hdf5.check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims('" + path + "')");
        MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(rank, 1));
        Hdf5.check(H5Sget_simple_extent_dims(space, dims, MemorySegment.NULL), "H5Sget_simple_extent_dims('" + path + "')");
        return dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
    }

    private static long byteSize(DType dtype, long[] shape, String path) {
        try {
            return Shapes.byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new InvalidImageException("dataset '" + path + "' claims shape " + Arrays.toString(shape)
                    + ", more bytes than a 64-bit size can hold");
        }
    }

    /** Offsets from libhdf5 are checked before any memory is touched: a corrupt header must not read past the image. */
    private static void checkBounds(long offset, long size, long imageSize, String path, String what) {
        if (offset < 0 || offset > imageSize || size > imageSize - offset) {
            throw new InvalidImageException("dataset '" + path + "' (" + what
                    + ", " + size + " bytes) is said to lie at offset " + Long.toUnsignedString(offset)
                    + ", beyond the end of the " + imageSize + "-byte image: the image is truncated or corrupt");
        }
    }

    /**
     * The most a dataset of an {@code imageSize}-byte image may decode to: {@code -Dh5image.maxDecodedBytes}
     * if set, else the larger of 256 MiB and 1100 times the image. A 1 KB image can claim terabytes
     * of fill value or of perfectly compressible chunks; this stops it from taking the machine's memory.
     */
    static long decodeLimit(long imageSize) {
        long configured = Long.getLong("h5image.maxDecodedBytes", -1);
        if (configured >= 0) return configured;
        return Math.max(DEFAULT_DECODE_FLOOR, imageSize > Long.MAX_VALUE / DECODE_RATIO ? Long.MAX_VALUE : imageSize * DECODE_RATIO);
    }

    private static MemorySegment readCopy(OpenDataset dataset, Parsed parsed, String path, long imageSize) {
        long size = parsed.byteSize();
        long limit = decodeLimit(imageSize);
        if (size > limit) {
            throw new InvalidImageException("dataset '" + path + "' (" + parsed.dtype().numpyName() + Arrays.toString(parsed.shape())
                    + ") would decode to " + size + " bytes from a " + imageSize + "-byte image, over the limit of " + limit
                    + " bytes (a decompression bomb?); raise -Dh5image.maxDecodedBytes to read it");
        }
        MemorySegment out;
        try {
            out = Arena.ofAuto().allocate(Math.max(size, 1), CoreDriverMemory.ALIGNMENT).asSlice(0, size);
        } catch (OutOfMemoryError e) {
            throw new H5Exception("cannot allocate " + size + " bytes to decode dataset '" + path + "'", e);
        }
        if (size == 0) return out;
        Filters.requireAvailable(dataset.creation().id(), path);
        Chunks.validate(dataset.dataset(), dataset.creation(), imageSize, path);
        try (Handle memoryType = TypeMap.memoryType(dataset.type().id(), parsed.dtype())) {
            if (H5Dread(dataset.id(), memoryType.id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), out) < 0) {
                Hdf5.Failure failure = Hdf5.takeFailure();
                H5LibraryException cause = new H5LibraryException("H5Dread('" + path + "')", failure.records());
                String why = failure.hasMajor(H5E_PLINE_g())
                        ? "its filter pipeline failed (a chunk failed its checksum, could not be decoded, or needs a filter libhdf5 lacks)"
                        : "libhdf5 could not read it: the image is truncated or corrupt";
                throw new InvalidImageException("reading dataset '" + path + "' failed: " + why + "\n" + cause.getMessage(), cause);
            }
        }
        return out;
    }
}
