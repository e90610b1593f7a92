package io.h5image;

import io.h5image.internal.ClosedScopes;
import io.h5image.internal.Hdf5;
import io.h5image.internal.ImageInspector;
import io.h5image.internal.ImageReader;
import io.h5image.internal.ImageWriter;
import io.h5image.internal.JavaArrays;
import io.h5image.internal.Payload;

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
     *
     * @param array a primitive array of any rank, a boxed primitive (a scalar), or an {@link NdArray}
     * @return the image: a complete HDF5 file holding {@code array} as dataset {@value #DATASET}
     * @throws UnsupportedValueException if {@code array} is not something h5image can store
     */
    public static MemorySegment serialize(Object array) {
        return serialize(array, ImageOptions.defaults(), Arena.ofAuto());
    }

    /**
     * Serializes into memory from {@code where}, asked exactly once for the exact image size, so a
     * {@code SegmentAllocator.prefixAllocator} over a reused buffer makes repeated calls touch no
     * fresh memory. Heap-backed allocators work too (the image is then not aligned).
     *
     * @param array a primitive array of any rank, a boxed primitive (a scalar), or an {@link NdArray}
     * @param where where the image goes
     * @return the image, allocated from {@code where}
     * @throws UnsupportedValueException if {@code array} is not something h5image can store
     */
    public static MemorySegment serialize(Object array, SegmentAllocator where) {
        return serialize(array, ImageOptions.defaults(), where);
    }

    /**
     * Serializes with chunking, compression, checksums or a byte order.
     *
     * @param array a primitive array of any rank, a boxed primitive (a scalar), or an {@link NdArray}
     * @param options how the dataset is stored
     * @param where   where the image goes
     * @return the image, allocated from {@code where}
     * @throws UnsupportedValueException if {@code array} is not something h5image can store
     */
    public static MemorySegment serialize(Object array, ImageOptions options, SegmentAllocator where) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(where, "where");
        Payload payload = payload(array);
        try {
            return ImageWriter.write(payload, options, where);
        } catch (IllegalStateException e) {
            throw translate(e, array);
        }
    }

    /**
     * Serializes into a new {@code byte[]}.
     *
     * @param array a primitive array of any rank, a boxed primitive (a scalar), or an {@link NdArray}
     * @return the image's bytes
     */
    public static byte[] serializeToBytes(Object array) {
        return serializeToBytes(array, ImageOptions.defaults());
    }

    /**
     * Serializes into a new {@code byte[]}, stored as {@code options} say.
     *
     * @param array a primitive array of any rank, a boxed primitive (a scalar), or an {@link NdArray}
     * @param options how the dataset is stored
     * @return the image's bytes
     */
    public static byte[] serializeToBytes(Object array, ImageOptions options) {
        Objects.requireNonNull(options, "options");
        Payload payload = payload(array);
        try {
            return ImageWriter.writeToBytes(payload, options);
        } catch (IllegalStateException e) {
            throw translate(e, array);
        }
    }

    /**
     * Reads dataset {@value #DATASET}. A contiguous dataset comes back as a view of {@code image}.
     *
     * @param image an HDF5 image, from h5image or any HDF5 writer
     * @return the array, a view of {@code image} when the data is contiguous
     * @throws H5Exception if the image is not HDF5, is corrupt, or lacks the dataset
     */
    public static NdArray deserialize(MemorySegment image) {
        return deserialize(image, DATASET);
    }

    /**
     * Reads dataset {@value #DATASET} of an image in a {@code byte[]}.
     *
     * @param image an HDF5 image
     * @return the array, a view of {@code image} when the data is contiguous
     */
    public static NdArray deserialize(byte[] image) {
        return deserialize(MemorySegment.ofArray(Objects.requireNonNull(image, "image")), DATASET);
    }

    /**
     * Reads the dataset at {@code path} of an image in a {@code byte[]}.
     *
     * @param image an HDF5 image
     * @param path  the dataset's path ("data", "group/name", "/a/b")
     * @return the array, a view of {@code image} when the data is contiguous
     */
    public static NdArray deserialize(byte[] image, String path) {
        return deserialize(MemorySegment.ofArray(Objects.requireNonNull(image, "image")), path);
    }

    /**
     * Reads the dataset at {@code path}.
     *
     * @param image an HDF5 image
     * @param path  the dataset's path ("data", "group/name", "/a/b")
     * @return the array, a view of {@code image} when the data is contiguous
     * @throws H5Exception if the image is not HDF5, is corrupt, or lacks the dataset
     */
    public static NdArray deserialize(MemorySegment image, String path) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) throw new IllegalArgumentException("dataset path is empty");
        requireReadable(image, "deserialize");
        try {
            ImageReader.Result read = ImageReader.read(image, path);
            return new NdArray(read.segment(), read.dtype(), read.shape(), read.order(), read.view());
        } catch (IllegalStateException e) {
            throw ClosedScopes.translate(e, image, "the image being deserialized");
        }
    }

    /**
     * Lists every dataset in the image, depth first.
     *
     * @param image an HDF5 image
     * @return path, dtype, shape, layout, offset, filters and size of each dataset
     */
    public static List<DatasetInfo> inspect(MemorySegment image) {
        Objects.requireNonNull(image, "image");
        requireReadable(image, "inspect");
        try {
            return ImageInspector.datasets(image);
        } catch (IllegalStateException e) {
            throw ClosedScopes.translate(e, image, "the image being inspected");
        }
    }

    /**
     * The libhdf5 in use, loading it on first use.
     *
     * @return which library, its version and where it came from
     * @throws NativeLibraryException if no libhdf5 can be loaded, or native access is denied
     */
    public static LibraryInfo library() {
        return Hdf5.info();
    }

    private static void requireReadable(MemorySegment image, String operation) {
        ClosedScopes.requireAlive(image, "cannot " + operation + ": the image");
        if (image.byteSize() == 0) throw new InvalidImageException("cannot " + operation + ": the image is empty (0 bytes)");
    }

    /** A closed NdArray's memory surfaces from the payload copy as the JDK's error: say what closed. */
    private static RuntimeException translate(IllegalStateException e, Object array) {
        return array instanceof NdArray nd ? ClosedScopes.translate(e, nd.segmentUnchecked(), "the memory of " + nd) : e;
    }

    private static Payload payload(Object array) {
        return JavaArrays.of(array); // an NdArray's segment() fails here if its memory is closed
    }
}
