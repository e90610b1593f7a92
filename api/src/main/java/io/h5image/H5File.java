package io.h5image;

import io.h5image.internal.GroupNode;
import io.h5image.internal.NativeFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * An HDF5 file in memory, and its root {@link Group}: create one and fill it, or open an image
 * (h5image's, h5py's, C's) and read it.
 *
 * <pre>{@code
 * try (H5File file = H5File.create()) {
 *     file.createDataset("run/temperature", new double[] {21.5, 22.0});
 *     file.group("run").attributes().put("units", "C");
 *     byte[] image = file.toBytes();
 * }
 * try (H5File file = H5File.open(image)) {
 *     NdArray t = file.dataset("run/temperature").read();   // a view of image
 * }
 * }</pre>
 *
 * <b>Lifetimes.</b> The file owns its native resources; closing it closes every group, dataset and
 * attribute set it handed out (they throw {@link AlreadyClosedException} afterwards). An image you
 * pass in stays yours: views of it live as long as its memory, not as long as the file. While an
 * operation of this file reads your memory, your arena cannot close (closing a shared arena then
 * fails with the JDK's {@link IllegalStateException}); after it has closed, operations throw
 * {@link AlreadyClosedException}. Every method is thread-safe.
 */
public final class H5File implements Group, AutoCloseable {

    private final NativeFile file;
    private final Group root;

    private H5File(NativeFile file) {
        this.file = file;
        this.root = new GroupNode(file, "/");
    }

    /** {@return a new, empty, writable file in memory} */
    public static H5File create() {
        return new H5File(NativeFile.create("a new in-memory H5File"));
    }

    /**
     * Opens an image read-only, in place: libhdf5 reads {@code image} where it lies, and contiguous
     * datasets read back as slices of it.
     *
     * @param image an HDF5 file image; it must stay open while the file is used
     * @return the file
     * @throws InvalidImageException if {@code image} is not a readable HDF5 image
     */
    public static H5File open(MemorySegment image) {
        Objects.requireNonNull(image, "image");
        return new H5File(NativeFile.open(image, null, "the H5File over a " + image.byteSize() + "-byte image"));
    }

    /**
     * Opens an image in an array read-only. libhdf5 parses a native copy (it keeps the address across
     * calls, which an array cannot give); contiguous datasets read back as slices of {@code image}.
     *
     * @param image an HDF5 file image
     * @return the file
     * @throws InvalidImageException if {@code image} is not a readable HDF5 image
     */
    public static H5File open(byte[] image) {
        Objects.requireNonNull(image, "image");
        return new H5File(NativeFile.open(MemorySegment.ofArray(image), null,
                "the H5File over a " + image.length + "-byte array"));
    }

    /**
     * Opens an HDF5 file on disk read-only by mapping it: opening costs what its metadata costs, not
     * its size, and contiguous datasets read back as slices of the mapping, valid until this file closes.
     *
     * @param path an HDF5 file
     * @return the file
     * @throws UncheckedIOException if the file cannot be mapped
     * @throws InvalidImageException if it is not a readable HDF5 file
     */
    public static H5File open(Path path) {
        Objects.requireNonNull(path, "path");
        Arena mapping = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment image = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            return new H5File(NativeFile.open(image, mapping, "the H5File of " + path));
        } catch (IOException e) {
            mapping.close();
            throw new UncheckedIOException("cannot map " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (mapping.scope().isAlive()) mapping.close();
            throw e;
        }
    }

    /**
     * Opens a copy of an image for editing: read-write, in memory. Add, replace and delete datasets,
     * groups and attributes, then take the new image with {@link #toImage} or {@link #toBytes()}, or
     * save it with {@link #writeTo}. {@code image} is read once, when this is called, and never
     * modified; it need not stay open. Any HDF5 image can be edited (h5py's, C's, h5image's), in
     * either file format: new objects take h5image's formats, existing ones keep theirs.
     *
     * @param image an HDF5 file image
     * @return the file, writable
     * @throws InvalidImageException if {@code image} is not a readable HDF5 image (every object header is checked first)
     */
    public static H5File edit(MemorySegment image) {
        Objects.requireNonNull(image, "image");
        // Only Java reads the caller's memory (one copy): a closed arena fails that copy, nothing worse.
        return new H5File(NativeFile.edit(image, "the H5File editing a copy of a " + image.byteSize() + "-byte image"));
    }

    /**
     * Opens a copy of an image in an array for editing, as {@link #edit(MemorySegment)}.
     *
     * @param image an HDF5 file image
     * @return the file, writable
     * @throws InvalidImageException if {@code image} is not a readable HDF5 image
     */
    public static H5File edit(byte[] image) {
        Objects.requireNonNull(image, "image");
        return new H5File(NativeFile.edit(MemorySegment.ofArray(image), "the H5File editing a copy of a " + image.length + "-byte array"));
    }

    /**
     * Opens a copy of an HDF5 file on disk for editing, as {@link #edit(MemorySegment)}: the file is
     * read once and left as it is; {@link #writeTo} saves the result, to the same path or another.
     *
     * @param path an HDF5 file
     * @return the file, writable
     * @throws UncheckedIOException if the file cannot be read
     * @throws InvalidImageException if it is not a readable HDF5 file
     */
    public static H5File edit(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena mapping = Arena.ofConfined();
             FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment image = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            return new H5File(NativeFile.edit(image, "the H5File editing a copy of " + path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The finished image of a file being written: a complete HDF5 file, byte for byte what
     * {@link #toBytes()} gives. The file stays open for more changes.
     *
     * @param where where the image goes; asked exactly once, for the exact size
     * @return the image
     * @throws UnsupportedOperationException if this file was opened read-only (its image is what you opened)
     */
    public MemorySegment toImage(SegmentAllocator where) {
        Objects.requireNonNull(where, "where");
        return file.image(where);
    }

    /** {@return the finished image of a file being written, in a new array} */
    public byte[] toBytes() {
        byte[][] result = new byte[1][];
        file.image((size, alignment) -> {
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a " + size + "-byte image does not fit in a byte[]; use toImage");
            }
            result[0] = new byte[(int) size];
            return MemorySegment.ofArray(result[0]);
        });
        return result[0];
    }

    /**
     * Writes the finished image of a file being written to {@code path}: a normal {@code .h5} file,
     * which h5py, h5dump and every HDF5 reader open like any other. The image is made straight into
     * a mapping of a new file beside {@code path} (no copy through the heap, any size), forced to
     * storage, then moved over {@code path} in one step: a failure part-way leaves whatever was at
     * {@code path} as it was. The file stays open for more changes.
     *
     * @param path where the file goes; replaced if it exists
     * @throws UncheckedIOException if the file cannot be written
     * @throws UnsupportedOperationException if this file was opened read-only
     */
    public void writeTo(Path path) {
        Objects.requireNonNull(path, "path");
        Path target = path.toAbsolutePath();
        Path temporary = null;
        try {
            // Not createTempFile: its owner-only permissions would stay on the finished file.
            temporary = Files.createFile(target.resolveSibling("." + target.getFileName() + "."
                    + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part"));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena mapping = Arena.ofConfined()) {
                MemorySegment image = toImage((size, alignment) -> {
                    try {
                        return channel.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                image.force();
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temporary = null;
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true); // the move itself, durable
            } catch (IOException | UnsupportedOperationException notSupported) {
                // some file systems cannot sync a directory; the file's own bytes are already forced
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the failure being reported matters more than a leftover part file
                }
            }
        }
    }

    /** Closes the file and everything it handed out; idempotent. Views of an image you passed in stay valid. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public List<Link> links() {
        return root.links();
    }

    @Override
    public void delete(String path) {
        root.delete(path);
    }

    @Override
    public Group createGroup(String path) {
        return root.createGroup(path);
    }

    @Override
    public Dataset createDataset(String path, Object data) {
        return root.createDataset(path, data);
    }

    @Override
    public Group group(String path) {
        return root.group(path);
    }

    @Override
    public Dataset dataset(String path) {
        return root.dataset(path);
    }

    @Override
    public boolean contains(String path) {
        return root.contains(path);
    }

    @Override
    public List<String> names() {
        return root.names();
    }

    @Override
    public Attributes attributes() {
        return root.attributes();
    }

    @Override
    public String toString() {
        return file.description();
    }
}
