package io.h5image;

import io.h5image.internal.Hdf5;
import io.h5image.internal.ImageInspector;
import io.h5image.internal.ImageReader;
import io.h5image.internal.ImageWriter;
import io.h5image.internal.JavaArrays;
import io.h5image.internal.Payload;
import io.h5image.internal.SegmentPayload;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.List;
import java.util.Objects;

/**
 * Arrays to in-memory HDF5 images and back. An image is a complete HDF5 file in memory: h5py,
 * h5dump, HDF5.jl and C read it as they read a file, and the array is dataset {@code data}.
 *
 * <pre>{@code
 * MemorySegment image = H5Image.serialize(new double[1000][500]);
 * NdArray back = H5Image.deserialize(image);        // a view into image, no copy
 * double[][] values = (double[][]) back.toArray();
 * }</pre>
 *
 * All methods are thread-safe; libhdf5 itself is called under one global lock. Images are
 * untrusted input: reading one never reads outside it (no external files or links), and a
 * dataset decodes to at most a bounded size ({@code -Dh5image.maxDecodedBytes}).
 */
public final class H5Image {

    /** The dataset {@link #serialize} writes and {@link #deserialize(MemorySegment)} reads. */
    public static final String DATASET = ImageWriter.DEFAULT_DATASET;

    private H5Image() {}

    /**
     * Serializes into fresh memory that lives until it is unreachable (an automatic arena, freed
     * after a GC): in tight loops, pass an allocator instead.
     */
    public static MemorySegment serialize(Object array) {
        return serialize(array, ImageOptions.defaults(), Arena.ofAuto());
    }

    /**
     * Serializes into memory from {@code where}, asked exactly once for the exact image size, so a
     * {@code SegmentAllocator.prefixAllocator} over a reused buffer makes repeated calls touch no
     * fresh memory. Heap-backed allocators work too (the image is then not aligned).
     */
    public static MemorySegment serialize(Object array, SegmentAllocator where) {
        return serialize(array, ImageOptions.defaults(), where);
    }

    /** Serializes with chunking, compression, checksums or a byte order ({@link ImageOptions}). */
    public static MemorySegment serialize(Object array, ImageOptions options, SegmentAllocator where) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(where, "where");
        return ImageWriter.write(payload(array), options, where);
    }

    /** Serializes into a new {@code byte[]}. */
    public static byte[] serializeToBytes(Object array) {
        return serializeToBytes(array, ImageOptions.defaults());
    }

    public static byte[] serializeToBytes(Object array, ImageOptions options) {
        Objects.requireNonNull(options, "options");
        return ImageWriter.writeToBytes(payload(array), options);
    }

    /** Reads dataset {@code data}. A contiguous dataset comes back as a view of {@code image}. */
    public static NdArray deserialize(MemorySegment image) {
        return deserialize(image, DATASET);
    }

    public static NdArray deserialize(byte[] image) {
        return deserialize(MemorySegment.ofArray(Objects.requireNonNull(image, "image")), DATASET);
    }

    public static NdArray deserialize(byte[] image, String path) {
        return deserialize(MemorySegment.ofArray(Objects.requireNonNull(image, "image")), path);
    }

    /** Reads the dataset at {@code path} ("data", "group/name", "/a/b"). */
    public static NdArray deserialize(MemorySegment image, String path) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) throw new IllegalArgumentException("dataset path is empty");
        requireReadable(image, "deserialize");
        ImageReader.Result read = ImageReader.read(image, path);
        return new NdArray(read.segment(), read.dtype(), read.shape(), read.order(), read.view());
    }

    /** Every dataset in the image, depth first: path, dtype, shape, layout, offset, filters, size. */
    public static List<DatasetInfo> inspect(MemorySegment image) {
        Objects.requireNonNull(image, "image");
        requireReadable(image, "inspect");
        return ImageInspector.datasets(image);
    }

    /** The libhdf5 in use (loading it on first use). */
    public static LibraryInfo library() {
        return Hdf5.info();
    }

    private static void requireReadable(MemorySegment image, String operation) {
        if (!image.scope().isAlive()) {
            throw new ImageClosedException("cannot " + operation + ": the image's arena is already closed");
        }
        if (image.byteSize() == 0) throw new InvalidImageException("cannot " + operation + ": the image is empty (0 bytes)");
    }

    private static Payload payload(Object array) {
        if (array instanceof NdArray nd) {
            return new SegmentPayload(nd.segment(), nd.dtype(), nd.shape(), nd.order());
        }
        return JavaArrays.payload(array);
    }
}
