package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Exception;
import io.h5image.H5LibraryException;
import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
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
        return read(file, dataset, path, null, null);
    }

    /**
     * Reads the dataset, or the {@code slab} of it (null: all), of an open file. A slice of the
     * image when the elements lie in it as one run; a slab of contiguous data in the image that is
     * not one run is gathered in Java; anything else libhdf5 decodes. Copies go into memory from
     * {@code where} (null: an automatic arena), which is asked only when there is something to copy.
     */
    static Result read(NativeFile file, OpenDataset dataset, String path, Slab.Request slab, SegmentAllocator where) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = file.viewSource();
            long imageSize = file.imageSize() < 0 ? Long.MAX_VALUE / 2048 : file.imageSize();
            Parsed parsed = parse(dataset, path, source == null ? Long.MAX_VALUE : source.byteSize(), arena);
            Slab selected = slab == null ? null : Slab.of(slab.start(), slab.count(), slab.stride(), parsed.spaceShape(), path);
            long[] shape = selected == null ? parsed.shape() : join(selected.count(), parsed.elementDims());
            long size = byteSize(parsed.dtype(), shape, path);
            if (parsed.viewOffset() >= 0 && source != null) {
                MemorySegment data = source.asSlice(parsed.viewOffset(), parsed.byteSize());
                if (selected == null) return new Result(data, parsed.dtype(), shape, parsed.order(), true);
                long elementBytes = elementBytes(parsed);
                Slab.Runs runs = selected.runs(elementBytes);
                if (runs.runs() == 1) return new Result(data.asSlice(runs.first(), size), parsed.dtype(), shape, parsed.order(), true);
                MemorySegment out = allocate(where, size, path);
                selected.gather(runs, data, out);
                return new Result(out, parsed.dtype(), shape, parsed.order(), false);
            }
            return new Result(readCopy(dataset, parsed, path, imageSize, selected, size, shape, where, arena),
                    parsed.dtype(), shape, ByteOrder.nativeOrder(), false);
        }
    }

    /** Bytes of one element of the dataspace: the dtype's, times an array type's dimensions. */
    private static long elementBytes(Parsed parsed) {
        long bytes = parsed.dtype().size();
        for (long d : parsed.elementDims()) bytes *= d; // bounded: the whole dataset's size was checked
        return bytes;
    }

    /** What libhdf5 says about a dataset; {@code viewOffset} is -1 unless the data can be viewed in place. */
    private record Parsed(DType dtype, ByteOrder order, long[] spaceShape, long[] elementDims, long byteSize, long viewOffset) {
        long[] shape() {
            return join(spaceShape, elementDims);
        }
    }

    private static Parsed parse(OpenDataset dataset, String path, long imageSize, Arena arena) {
        long space = dataset.space().id();
        if (isNull(space, path)) {
            throw new UnsupportedTypeException("dataset '" + path + "' has a null dataspace (h5py's Empty): no elements and no"
                    + " shape, so no array; readValue() gives it as an Empty");
        }
        TypeMap.Stored stored = TypeMap.classify(dataset.type().id(), path);
        long[] spaceShape = shape(space, path, arena);
        long[] shape = join(spaceShape, stored.elementDims());
        long size = byteSize(stored.dtype(), shape, path);
        long viewOffset = stored.viewable()
                ? viewOffset(dataset, size, imageSize, path, stored.dtype().numpyName() + Arrays.toString(shape)) : -1;
        if (!stored.viewable()) refuseDataOutsideTheImage(dataset.creation().id(), path);
        return new Parsed(stored.dtype(), stored.order(), spaceShape, stored.elementDims(), size, viewOffset);
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

    /**
     * Decodes the dataset, or {@code slab} of it, through libhdf5 into memory from {@code where},
     * after the checks that keep untrusted bytes from crashing it ({@link #beforeNativeRead}).
     */
    private static MemorySegment readCopy(OpenDataset dataset, Parsed parsed, String path, long imageSize, Slab slab,
                                          long size, long[] shape, SegmentAllocator where, Arena arena) {
        long limit = decodeLimit(imageSize);
        if (size > limit) {
            throw new InvalidImageException("dataset '" + path + "' (" + parsed.dtype().numpyName() + Arrays.toString(shape)
                    + ") would decode to " + size + " bytes from a " + imageSize + "-byte image, over the limit of " + limit
                    + " bytes (a decompression bomb?); raise -Dh5image.maxDecodedBytes to read it");
        }
        if (size == 0) return allocate(where, 0, path);
        beforeNativeRead(dataset, imageSize, path);
        MemorySegment result = allocate(where, size, path);
        try (Handle memoryType = TypeMap.memoryType(dataset.type().id(), parsed.dtype());
             Handle fileSpace = slab == null ? null : slab.select(dataset.space().id(), arena, path);
             Handle memorySpace = slab == null ? null : slab.memorySpace(arena, path)) {
            long file = fileSpace == null ? H5S_ALL() : fileSpace.id();
            long memory = memorySpace == null ? H5S_ALL() : memorySpace.id();
            throughNative(result, arena, out -> {
                if (H5Dread(dataset.id(), memoryType.id(), memory, file, H5P_DEFAULT(), out) < 0) {
                    Hdf5.Failure failure = Hdf5.takeFailure();
                    H5LibraryException cause = new H5LibraryException("H5Dread('" + path + "')", failure.records());
                    String why = failure.hasMajor(H5E_PLINE_g())
                            ? "its filter pipeline failed (a chunk failed its checksum, could not be decoded, or needs a filter libhdf5 lacks)"
                            : "libhdf5 could not read it: the image is truncated or corrupt";
                    throw new InvalidImageException("reading dataset '" + path + "' failed: " + why + "\n" + cause.getMessage(), cause);
                }
            });
        }
        return result;
    }

    /**
     * What must hold before libhdf5 reads a dataset's elements from an image: its data is inside
     * the image, its filters are present, and every chunk's address and size were checked (libhdf5
     * trusts them, and crashed on corrupt ones). {@code imageSize} below 0: a file h5image wrote.
     */
    static void beforeNativeRead(OpenDataset dataset, long imageSize, String path) {
        refuseDataOutsideTheImage(dataset.creation().id(), path);
        Filters.requireAvailable(dataset.creation().id(), path);
        if (imageSize >= 0) Chunks.validate(dataset.dataset(), dataset.creation(), imageSize, path);
    }

    /**
     * Has libhdf5 fill {@code out}: directly when it is native, else (a heap segment from the
     * caller's allocator) through a native buffer from {@code arena}, since libhdf5 writes only native memory.
     */
    static void throughNative(MemorySegment out, Arena arena, java.util.function.Consumer<MemorySegment> fill) {
        if (out.isNative()) {
            fill.accept(out);
            return;
        }
        MemorySegment buffer = arena.allocate(out.byteSize(), CoreDriverMemory.ALIGNMENT);
        fill.accept(buffer);
        MemorySegment.copy(buffer, 0, out, 0, out.byteSize());
    }

    /** {@code size} bytes for decoded elements: from {@code where}, or an automatic arena when null. */
    static MemorySegment allocate(SegmentAllocator where, long size, String path) {
        MemorySegment out;
        try {
            out = where == null ? Arena.ofAuto().allocate(Math.max(size, 1), CoreDriverMemory.ALIGNMENT)
                    : where.allocate(size, CoreDriverMemory.ALIGNMENT);
        } catch (OutOfMemoryError e) {
            throw new H5Exception("cannot allocate " + size + " bytes to decode dataset '" + path + "'", e);
        }
        if (out == null || out.byteSize() < size) {
            throw new IllegalStateException("the allocator gave " + (out == null ? "null" : out.byteSize() + " bytes")
                    + " for " + size + " bytes of dataset '" + path + "'");
        }
        return out.asSlice(0, size);
    }
}
