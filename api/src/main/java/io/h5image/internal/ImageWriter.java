package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Exception;
import io.h5image.ImageOptions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static io.h5image.bindings.hdf5_h.*;

/**
 * Writes one dataset, {@code data}, into a new in-memory image.
 * <ul>
 * <li>Contiguous (the default): libhdf5 writes only the metadata, into library-owned memory
 * ({@link CoreDriverMemory}). That metadata becomes a {@link ImageTemplates.Template}; the image
 * is the template's bytes plus one copy of the payload, straight from the caller's array into the
 * caller's memory. The template is remembered, so the next image of the same shape needs no
 * libhdf5 call at all.</li>
 * <li>Chunked / filtered: libhdf5 writes everything ({@code H5Dwrite}); the image is copied out.</li>
 * </ul>
 * Every image has superblock v2 (checksummed metadata, readable by 1.8 and later), no timestamps,
 * and comes out byte-identical for identical input. The caller's allocator is asked exactly once,
 * for the exact size.
 */
public final class ImageWriter {

    public static final String DEFAULT_DATASET = "data";
    /** Core-driver growth step: small, so the driver never grows over the payload region it does not write. */
    private static final long CORE_INCREMENT = 4096;
    /** Filters without explicit chunks get chunks of about this many bytes. */
    private static final long AUTO_CHUNK_BYTES = 1 << 20;
    /** Templates made through libhdf5 so far: tests use it to prove a path made none. */
    static final AtomicLong TEMPLATES_MADE = new AtomicLong();

    private ImageWriter() {}

    public static MemorySegment write(Payload payload, ImageOptions options, SegmentAllocator where) {
        ByteOrder stored = options.order() != null ? options.order() : payload.order();
        long[] chunks = chunkDims(payload.shape(), payload.dtype(), options);
        if (chunks == null) {
            return fill(template(new ImageTemplates.WriteKey(payload.dtype(), stored, payload.shape())), payload, stored, where);
        }
        return writeChunked(payload, options, stored, chunks, where);
    }

    /** {@link #write} into a new {@code byte[]}: the array is the image's only memory. */
    public static byte[] writeToBytes(Payload payload, ImageOptions options) {
        byte[][] result = new byte[1][];
        write(payload, options, (size, alignment) -> {
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a " + size + "-byte image does not fit in a byte[]; serialize into a MemorySegment");
            }
            result[0] = new byte[(int) size];
            return MemorySegment.ofArray(result[0]);
        });
        return result[0];
    }

    /** The remembered metadata for {@code key}, or libhdf5's, made now (and remembered). */
    static ImageTemplates.Template template(ImageTemplates.WriteKey key) {
        ImageTemplates.Template known = ImageTemplates.DEFAULT.forWrite(key);
        if (known != null) return known;
        long payloadSize = Shapes.byteSize(key.dtype(), key.shape());
        TEMPLATES_MADE.incrementAndGet();
        ImageTemplates.Template made = withDriverMemory(16 * 1024, memory -> contiguousTemplate(memory,
                create(key.dtype(), key.order(), key.shape(), null, ImageOptions.defaults(), null, memory), payloadSize));
        ImageTemplates.DEFAULT.rememberWrite(key, made);
        return made;
    }

    /** Cuts the driver's bytes around the payload; what the driver never wrote is zero, as HDF5 would read it. */
    private static ImageTemplates.Template contiguousTemplate(CoreDriverMemory memory, long offset, long payloadSize) {
        MemorySegment written = memory.written();
        long end = endOfFile(written);
        if (payloadSize == 0) {
            offset = end; // nothing was allocated for the data: all of the image is metadata
        } else if (offset < 0 || offset > end - payloadSize) {
            throw new H5Exception("libhdf5 placed the " + payloadSize + "-byte payload at offset " + offset
                    + ", outside the " + end + "-byte image");
        }
        return new ImageTemplates.Template(bytes(written, 0, offset), bytes(written, offset + payloadSize, end), payloadSize);
    }

    private static byte[] bytes(MemorySegment written, long from, long to) {
        if (to - from > Integer.MAX_VALUE - 8) {
            throw new H5Exception("image metadata of " + (to - from) + " bytes is beyond what h5image handles");
        }
        byte[] out = new byte[(int) (to - from)];
        long available = Math.max(0, Math.min(to, written.byteSize()) - from);
        if (available > 0) MemorySegment.copy(written, ValueLayout.JAVA_BYTE, from, out, 0, (int) available);
        return out;
    }

    /** The end of file the superblock of what libhdf5 wrote gives, checked against what it wrote. */
    private static long endOfFile(MemorySegment written) {
        if (written.byteSize() < 48) {
            throw new H5Exception("libhdf5 wrote only " + written.byteSize() + " bytes: no superblock");
        }
        long end = Superblock.endOfFile(written);
        if (end < 48 || end > written.byteSize() + (1L << 40)) {
            throw new H5Exception("libhdf5 reports an end of file at " + end + " after writing " + written.byteSize() + " bytes");
        }
        return end;
    }

    /**
     * The finished image of a file libhdf5 wrote into driver memory, {@code written}, copied once into
     * memory from {@code where} (asked once, for the exact size, outside any upcall). What was
     * allocated but never written is zero, as HDF5 reads it.
     */
    static MemorySegment copyOut(MemorySegment written, SegmentAllocator where) {
        long end = endOfFile(written);
        MemorySegment image = allocate(where, end);
        long copied = Math.min(end, written.byteSize());
        MemorySegment.copy(written, 0, image, 0, copied);
        if (copied < end) image.asSlice(copied).fill((byte) 0);
        return image;
    }

    private static MemorySegment fill(ImageTemplates.Template template, Payload payload, ByteOrder stored, SegmentAllocator where) {
        MemorySegment image = allocate(where, template.imageSize());
        int head = template.head().length;
        MemorySegment.copy(template.head(), 0, image, ValueLayout.JAVA_BYTE, 0, head);
        if (template.payloadSize() > 0) payload.copyTo(image, head, stored);
        MemorySegment.copy(template.tail(), 0, image, ValueLayout.JAVA_BYTE, head + template.payloadSize(), template.tail().length);
        return image;
    }

    /**
     * Asks the caller's allocator once, and checks what it returns. Heap-backed allocators cannot
     * align beyond their element size, so alignment is dropped for them (views of heap images are
     * unaligned anyway).
     */
    static MemorySegment allocate(SegmentAllocator where, long size) {
        MemorySegment memory;
        try {
            memory = where.allocate(size, CoreDriverMemory.ALIGNMENT);
        } catch (IllegalArgumentException alignmentRefused) {
            memory = where.allocate(size, 1);
        }
        if (memory == null || memory.byteSize() < size) {
            throw new IllegalArgumentException("the allocator returned " + (memory == null ? "null" : memory.byteSize() + " bytes")
                    + " for a " + size + "-byte image");
        }
        return memory.asSlice(0, size);
    }

    private static MemorySegment writeChunked(Payload payload, ImageOptions options, ByteOrder stored, long[] chunks, SegmentAllocator where) {
        long estimate = 16384 + payload.byteSize() + payload.byteSize() / 64 + 128 * chunkCount(payload.shape(), chunks);
        return withDriverMemory(estimate, memory -> {
            create(payload.dtype(), stored, payload.shape(), chunks, options, payload, memory);
            return copyOut(memory.written(), where);
        });
    }

    /** Runs {@code work} under the lock with fresh (or this thread's reused) driver memory, then releases both. */
    private static <T> T withDriverMemory(long capacity, java.util.function.Function<CoreDriverMemory, T> work) {
        Hdf5.lock();
        try (CoreDriverMemory memory = CoreDriverMemory.growable(capacity)) {
            return work.apply(memory);
        } finally {
            Hdf5.unlock();
        }
    }

    /** Creates the file; returns the contiguous payload offset (-1 for chunked). Holds the lock. */
    private static long create(DType dtype, ByteOrder stored, long[] shape, long[] chunks, ImageOptions options,
                               Payload payload, CoreDriverMemory memory) {
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)");
             Handle fcpl = Handle.of(H5Pcreate(H5P_CLS_FILE_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file create)");
             Handle dcpl = Handle.of(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(dataset create)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), CORE_INCREMENT, false), "H5Pset_fapl_core");
            Hdf5.check(H5Pset_file_image_callbacks(fapl.id(), memory.callbacks(arena)), "H5Pset_file_image_callbacks");
            // Superblock v2 and checksummed object headers; 1.10 is the newest format both 1.10 and 1.14 write.
            Hdf5.check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18(), H5F_LIBVER_V110()), "H5Pset_libver_bounds");
            Hdf5.check(H5Pset_obj_track_times(fcpl.id(), false), "H5Pset_obj_track_times(file)");
            Hdf5.check(H5Pset_obj_track_times(dcpl.id(), false), "H5Pset_obj_track_times(dataset)");
            // Never write fill values: every element is written by us, and a fill would touch the payload twice.
            Hdf5.check(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER()), "H5Pset_fill_time");
            if (chunks != null) {
                Hdf5.check(H5Pset_chunk(dcpl.id(), chunks.length, arena.allocateFrom(ValueLayout.JAVA_LONG, chunks)), "H5Pset_chunk" + Arrays.toString(chunks));
                // Pipeline order as h5py builds it: shuffle, deflate, then the checksum over the stored bytes.
                if (options.shuffle()) Hdf5.check(H5Pset_shuffle(dcpl.id()), "H5Pset_shuffle");
                if (options.deflate() >= 0) Hdf5.check(H5Pset_deflate(dcpl.id(), options.deflate()), "H5Pset_deflate(" + options.deflate() + ")");
                if (options.fletcher32()) Hdf5.check(H5Pset_fletcher32(dcpl.id()), "H5Pset_fletcher32");
            } else {
                // Allocated at create time, so the offset is known without writing through libhdf5.
                Hdf5.check(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY()), "H5Pset_alloc_time");
            }
            // Unique among open files: the core driver treats two open files of one name as the same file.
            long fileId = H5Fcreate(arena.allocateFrom(NativeFile.uniqueName("h5image-")), H5F_ACC_TRUNC(), fcpl.id(), fapl.id());
            if (fileId < 0) throw failure("H5Fcreate(in-memory image)", memory);
            Handle file = Handle.of(fileId, Handle.Kind.FILE, "H5Fcreate(in-memory image)");
            long offset = -1;
            boolean created = false;
            try (Handle space = dataspace(shape, arena);
                 Handle type = TypeMap.create(dtype, stored);
                 Handle dataset = Handle.of(H5Dcreate2(file.id(), arena.allocateFrom(DEFAULT_DATASET), type.id(), space.id(),
                         H5P_DEFAULT(), dcpl.id(), H5P_DEFAULT()), Handle.Kind.DATASET, "H5Dcreate2(\"data\")")) {
                if (chunks == null) {
                    offset = H5Dget_offset(dataset.id());
                } else {
                    writeThroughLibrary(payload, dataset, arena);
                }
                created = true;
            } finally {
                if (created) {
                    // The close flushes the metadata into the image: its failure is the writer's failure.
                    try {
                        file.closeChecked("H5Fclose(in-memory image)");
                    } catch (H5Exception e) {
                        throw memory.failure() == null ? e : failure("H5Fclose(in-memory image)", memory);
                    }
                } else {
                    file.close();
                }
            }
            return offset;
        }
    }

    /** A failure inside a driver callback explains more than libhdf5's "unable to allocate". */
    private static H5Exception failure(String operation, CoreDriverMemory memory) {
        H5Exception library = Hdf5.failure(operation);
        Throwable cause = memory.failure();
        return cause == null ? library
                : new H5Exception("the image memory could not be allocated (" + cause + ") during " + operation, cause);
    }

    private static void writeThroughLibrary(Payload payload, Handle dataset, Arena arena) {
        if (payload.byteSize() == 0) return;
        MemorySegment staged = arena.allocate(payload.byteSize(), CoreDriverMemory.ALIGNMENT);
        payload.copyTo(staged, 0, payload.order());
        try (Handle memoryType = TypeMap.create(payload.dtype(), payload.order())) {
            Hdf5.check(H5Dwrite(dataset.id(), memoryType.id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), staged), "H5Dwrite(\"data\")");
        }
    }

    static Handle dataspace(long[] shape, Arena arena) {
        if (shape.length == 0) {
            return Handle.of(H5Screate(H5S_SCALAR()), Handle.Kind.DATASPACE, "H5Screate(scalar)");
        }
        return Handle.of(H5Screate_simple(shape.length, arena.allocateFrom(ValueLayout.JAVA_LONG, shape), MemorySegment.NULL),
                Handle.Kind.DATASPACE, "H5Screate_simple" + Arrays.toString(shape));
    }

    /** Chunk dims for a chunked write, or null for contiguous (asked for, or forced: scalars and empty arrays). */
    static long[] chunkDims(long[] shape, DType dtype, ImageOptions options) {
        if (!options.chunked() || shape.length == 0 || Shapes.elementCount(shape) == 0) return null;
        long[] asked = options.chunks();
        if (asked != null) {
            if (asked.length != shape.length) {
                throw new IllegalArgumentException("chunks " + Arrays.toString(asked) + " have rank " + asked.length
                        + " but the array has rank " + shape.length + " " + Arrays.toString(shape));
            }
            for (int axis = 0; axis < shape.length; axis++) {
                if (asked[axis] > shape[axis]) {
                    throw new IllegalArgumentException("chunk " + Arrays.toString(asked) + " exceeds shape "
                            + Arrays.toString(shape) + " at axis " + axis);
                }
            }
            return asked;
        }
        long[] chunk = shape.clone();
        // Halve axes in turn, first to last (as h5py does), until a chunk is about AUTO_CHUNK_BYTES.
        for (int axis = 0; Shapes.byteSize(dtype, chunk) > AUTO_CHUNK_BYTES; axis = (axis + 1) % chunk.length) {
            if (Arrays.stream(chunk).allMatch(d -> d == 1)) break;
            chunk[axis] = Math.max(1, (chunk[axis] + 1) / 2);
        }
        return chunk;
    }

    private static long chunkCount(long[] shape, long[] chunks) {
        long count = 1;
        for (int axis = 0; axis < shape.length; axis++) count *= (shape[axis] + chunks[axis] - 1) / chunks[axis];
        return count;
    }
}
