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
 * <li>Contiguous (the default): libhdf5 writes only metadata, through the core driver into memory
 * from the caller's allocator; the payload is then copied once, straight from the caller's
 * array to its offset. The metadata is remembered ({@link ImageTemplates}), so the next image of
 * the same shape is one metadata copy plus the payload copy.</li>
 * <li>Chunked / filtered: libhdf5 writes everything ({@code H5Dwrite}).</li>
 * </ul>
 * Every image has superblock v2+ (checksummed metadata, readable by 1.8 and later), no timestamps,
 * and comes out byte-identical for identical input.
 */
public final class ImageWriter {

    public static final String DEFAULT_DATASET = "data";
    /** Core-driver growth step: small, so it never zero-fills the payload region it does not write. */
    private static final long CORE_INCREMENT = 4096;
    /** Filters without explicit chunks get chunks of about this many bytes. */
    private static final long AUTO_CHUNK_BYTES = 1 << 20;
    private static final AtomicLong FILE_NAMES = new AtomicLong();

    private ImageWriter() {}

    public static MemorySegment write(Payload payload, ImageOptions options, SegmentAllocator where) {
        ByteOrder stored = options.order() != null ? options.order() : payload.order();
        long[] shape = payload.shape();
        long[] chunks = chunkDims(shape, payload.dtype(), options);
        ImageTemplates.WriteKey key = chunks == null ? new ImageTemplates.WriteKey(payload.dtype(), stored, shape) : null;
        if (key != null) {
            ImageTemplates.Template template = ImageTemplates.forWrite(key);
            if (template != null) return fill(template, payload, stored, where);
        }
        long capacity = estimate(payload.byteSize(), chunks, shape);
        CoreDriverMemory memory;
        long offset;
        Hdf5.lock();
        try {
            memory = CoreDriverMemory.begin(where, capacity);
            try {
                offset = create(payload, options, stored, chunks, memory);
            } finally {
                memory.end();
            }
        } finally {
            Hdf5.unlock();
        }
        MemorySegment buffer = memory.buffer();
        long end = Superblock.endOfFile(buffer);
        if (end <= 0 || end > buffer.byteSize()) {
            throw new H5Exception("libhdf5 reports an image of " + end + " bytes but the driver holds " + buffer.byteSize());
        }
        MemorySegment image = buffer.asSlice(0, end);
        long payloadSize = chunks == null ? payload.byteSize() : 0;
        if (chunks == null && payloadSize > 0 && (offset < 0 || offset > end - payloadSize)) {
            throw new H5Exception("libhdf5 placed the " + payloadSize + "-byte payload at offset " + offset
                    + ", outside the " + end + "-byte image");
        }
        // The driver never wrote at or past requested(): HDF5 would read zeros there, so make them zeros.
        zeroOutside(image, Math.min(memory.requested(), end), end, offset, payloadSize);
        if (chunks == null) {
            if (payloadSize > 0) payload.copyTo(image, offset, stored);
            ImageTemplates.rememberWrite(key, image, payloadSize > 0 ? offset : end, payloadSize);
        }
        return image;
    }

    /**
     * The image as a {@code byte[]}. With a template the array is the image's only memory (one payload
     * copy); otherwise libhdf5 needs native memory, so the image is made in a reused scratch buffer and
     * copied out.
     */
    public static byte[] writeToBytes(Payload payload, ImageOptions options) {
        ByteOrder stored = options.order() != null ? options.order() : payload.order();
        if (chunkDims(payload.shape(), payload.dtype(), options) == null) {
            ImageTemplates.Template template = ImageTemplates.forWrite(new ImageTemplates.WriteKey(payload.dtype(), stored, payload.shape()));
            if (template != null && template.imageSize() <= Integer.MAX_VALUE - 8) {
                byte[] image = new byte[(int) template.imageSize()];
                fill(template, payload, stored, (size, alignment) -> MemorySegment.ofArray(image));
                return image;
            }
        }
        return ScratchBuffers.withScratch(scratch -> write(payload, options, scratch).toArray(ValueLayout.JAVA_BYTE));
    }

    private static MemorySegment fill(ImageTemplates.Template template, Payload payload, ByteOrder stored, SegmentAllocator where) {
        MemorySegment image = where.allocate(template.imageSize(), CoreDriverMemory.ALIGNMENT);
        int head = template.head().length;
        MemorySegment.copy(template.head(), 0, image, ValueLayout.JAVA_BYTE, 0, head);
        payload.copyTo(image, head, stored);
        MemorySegment.copy(template.tail(), 0, image, ValueLayout.JAVA_BYTE, head + template.payloadSize(), template.tail().length);
        return image;
    }

    /** Zeroes [from, to) except the payload range, which the caller fills. */
    private static void zeroOutside(MemorySegment image, long from, long to, long payloadAt, long payloadSize) {
        if (from >= to) return;
        if (payloadSize == 0 || payloadAt >= to || payloadAt + payloadSize <= from) {
            image.asSlice(from, to - from).fill((byte) 0);
            return;
        }
        if (payloadAt > from) image.asSlice(from, payloadAt - from).fill((byte) 0);
        long after = payloadAt + payloadSize;
        if (after < to) image.asSlice(after, to - after).fill((byte) 0);
    }

    /** Returns the payload offset for contiguous data, -1 for chunked. Holds the lock. */
    private static long create(Payload payload, ImageOptions options, ByteOrder stored, long[] chunks, CoreDriverMemory memory) {
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)");
             Handle fcpl = Handle.of(H5Pcreate(H5P_CLS_FILE_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file create)");
             Handle dcpl = Handle.of(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(dataset create)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), CORE_INCREMENT, false), "H5Pset_fapl_core");
            Hdf5.check(H5Pset_file_image_callbacks(fapl.id(), CoreDriverMemory.CALLBACKS), "H5Pset_file_image_callbacks");
            // Superblock v2+ and checksummed object headers; 1.10 is the newest format both 1.10 and 1.14 write.
            Hdf5.check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18(), H5F_LIBVER_V110()), "H5Pset_libver_bounds");
            Hdf5.check(H5Pset_obj_track_times(fcpl.id(), false), "H5Pset_obj_track_times(file)");
            Hdf5.check(H5Pset_obj_track_times(dcpl.id(), false), "H5Pset_obj_track_times(dataset)");
            // Never write fill values: every element is written by us, and a fill would touch the payload twice.
            Hdf5.check(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER()), "H5Pset_fill_time");
            DType dtype = payload.dtype();
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
            Handle file = Handle.of(H5Fcreate(arena.allocateFrom("h5image-" + FILE_NAMES.incrementAndGet()), H5F_ACC_TRUNC(),
                    fcpl.id(), fapl.id()), Handle.Kind.FILE, "H5Fcreate(in-memory image)");
            long offset = -1;
            boolean written = false;
            try (Handle space = dataspace(payload.shape(), arena);
                 Handle type = TypeMap.create(dtype, stored);
                 Handle dataset = Handle.of(H5Dcreate2(file.id(), arena.allocateFrom(DEFAULT_DATASET), type.id(), space.id(),
                         H5P_DEFAULT(), dcpl.id(), H5P_DEFAULT()), Handle.Kind.DATASET, "H5Dcreate2(\"data\")")) {
                if (chunks == null) {
                    offset = H5Dget_offset(dataset.id());
                } else {
                    writeThroughLibrary(payload, dataset, arena);
                }
                written = true;
            } finally {
                if (written) {
                    // The close flushes the metadata into the image: its failure is the writer's failure.
                    file.closeChecked("H5Fclose(in-memory image)");
                } else {
                    file.close();
                }
                if (memory.failure() != null) {
                    throw new H5Exception("the image memory could not be allocated: " + memory.failure().getMessage(), memory.failure());
                }
            }
            return offset;
        }
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
        if (!options.chunked() || shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d == 0)) return null;
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
        for (int axis = 0; bytes(chunk, dtype) > AUTO_CHUNK_BYTES; axis = (axis + 1) % chunk.length) {
            if (Arrays.stream(chunk).allMatch(d -> d == 1)) break;
            chunk[axis] = Math.max(1, (chunk[axis] + 1) / 2);
        }
        return chunk;
    }

    private static long bytes(long[] dims, DType dtype) {
        long n = dtype.size();
        for (long d : dims) n *= d;
        return n;
    }

    /** Room for the metadata block, the payload and (chunked) the chunk index and filter overhead. */
    private static long estimate(long payloadBytes, long[] chunks, long[] shape) {
        long metadata = 8192 + 64L * shape.length;
        if (chunks == null) return metadata + payloadBytes;
        long chunkCount = 1;
        for (int axis = 0; axis < shape.length; axis++) chunkCount *= (shape[axis] + chunks[axis] - 1) / chunks[axis];
        return metadata + payloadBytes + payloadBytes / 64 + chunkCount * 128;
    }
}
