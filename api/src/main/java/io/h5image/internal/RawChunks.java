package io.h5image.internal;

import io.h5image.InvalidImageException;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A chunked dataset's elements as the file stores them, assembled in Java: each chunk read raw
 * ({@code H5Dread_chunk}, its address and size checked first by {@link Chunks#validate}) and
 * inflated in Java where deflated. This is how variable-length data is read from chunks: libhdf5
 * would follow the heap references inside while converting them (and its global heap code crashed
 * and hung on corrupt ones); Java decodes them instead, every one checked. Deflate is the one filter
 * libhdf5 lets such data have (it refuses shuffle and fletcher32 on it); any other is refused, by
 * name. Unwritten chunks read as zeros: empty sequences and strings, null references. Callers hold the lock.
 */
final class RawChunks {
    private RawChunks() {}

    private static final int DEFLATE = 1;
    private static final long HADDR_UNDEF = -1L;

    /**
     * Every element of the chunked {@code dataset}, of {@code shape}, {@code elementSize} bytes each
     * in the file's form, in C order; at most {@code limit} bytes.
     */
    static MemorySegment read(OpenDataset dataset, long[] shape, long elementSize, long limit, long imageSize, String path,
                              Arena arena) {
        Chunks.validate(dataset.dataset(), dataset.creation(), imageSize, path);
        long dcpl = dataset.creation().id();
        int rank = shape.length;
        long[] chunk = chunkDims(dcpl, rank, path);
        int filters = deflateFilters(dcpl, path);
        long total = bytes(shape, elementSize, limit, path);
        long chunkBytes = bytes(chunk, elementSize, limit, path);
        MemorySegment out = arena.allocate(Math.max(1, total), CoreDriverMemory.ALIGNMENT).asSlice(0, total);
        MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
        Hdf5.check(H5Dget_num_chunks(dataset.id(), dataset.space().id(), count), "H5Dget_num_chunks('" + path + "')");
        MemorySegment origin = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, rank));
        MemorySegment mask = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment address = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        for (long i = 0, n = count.get(ValueLayout.JAVA_LONG, 0); i < n; i++) {
            Hdf5.check(H5Dget_chunk_info(dataset.id(), dataset.space().id(), i, origin, mask, address, size),
                    "H5Dget_chunk_info('" + path + "', " + i + ")");
            if (address.get(ValueLayout.JAVA_LONG, 0) == HADDR_UNDEF) continue;
            long stored = size.get(ValueLayout.JAVA_LONG, 0); // within the image: validate() checked it
            if (stored > Integer.MAX_VALUE - 8) throw new InvalidImageException("dataset '" + path + "' chunk " + i + " claims " + stored + " bytes");
            MemorySegment raw = arena.allocate(Math.max(1, stored)).asSlice(0, stored);
            Hdf5.check(H5Dread_chunk(dataset.id(), H5P_DEFAULT(), origin, mask, raw), "H5Dread_chunk('" + path + "', " + i + ")");
            byte[] decoded = decode(raw.toArray(ValueLayout.JAVA_BYTE), filters, mask.get(ValueLayout.JAVA_INT, 0), chunkBytes,
                    "dataset '" + path + "' chunk " + i);
            place(decoded, origin.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG), chunk, shape, elementSize, out, path);
        }
        return out;
    }

    private static long[] chunkDims(long dcpl, int rank, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, rank));
            int got = Hdf5.check(H5Pget_chunk(dcpl, rank, dims), "H5Pget_chunk('" + path + "')");
            if (got != rank) throw new InvalidImageException("dataset '" + path + "' has chunks of rank " + got + " for data of rank " + rank);
            long[] chunk = dims.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
            for (long d : chunk) {
                if (d <= 0) throw new InvalidImageException("dataset '" + path + "' has a chunk dimension of " + d);
            }
            return chunk;
        }
    }

    /** How many filters the pipeline has: none or one deflate; anything else is refused. */
    private static int deflateFilters(long dcpl, String path) {
        int count = Hdf5.check(H5Pget_nfilters(dcpl), "H5Pget_nfilters('" + path + "')");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment valueCount = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment config = arena.allocate(ValueLayout.JAVA_INT);
            for (int i = 0; i < count; i++) {
                valueCount.set(ValueLayout.JAVA_LONG, 0, 0);
                int id = Hdf5.check(H5Pget_filter2(dcpl, i, flags, valueCount, MemorySegment.NULL, 0, MemorySegment.NULL, config),
                        "H5Pget_filter2('" + path + "')");
                if (id != DEFLATE || i > 0) {
                    throw new UnsupportedTypeException("dataset '" + path + "' holds variable-length data in chunks filtered by "
                            + (i > 0 ? "more than one filter" : Filters.describe(id)) + ": h5image decodes such chunks in Java (never in libhdf5, whose heap code"
                            + " crashes on corrupt references), and deflate is the filter libhdf5 lets them have");
                }
            }
        }
        return count;
    }

    private static long bytes(long[] dims, long elementSize, long limit, String path) {
        long bytes = elementSize;
        for (long d : dims) {
            if (d != 0 && bytes > limit / d) {
                throw new InvalidImageException("dataset '" + path + "' would decode to more than " + limit
                        + " bytes; raise -Dh5image.maxDecodedBytes to read it");
            }
            bytes *= d;
        }
        if (bytes > limit) throw new InvalidImageException("dataset '" + path + "' would decode to more than " + limit + " bytes");
        return bytes;
    }

    /** Inflates the chunk if it has a deflate filter its mask does not skip; it must then be exactly a chunk. */
    static byte[] decode(byte[] data, int filters, int mask, long chunkBytes, String where) {
        if (filters == 1 && (mask & 1) == 0) data = inflate(data, chunkBytes, where);
        if (data.length != chunkBytes) {
            throw new InvalidImageException(where + " decodes to " + data.length + " bytes, not the " + chunkBytes + " of a chunk: the image is corrupt");
        }
        return data;
    }

    /** zlib-inflates to at most {@code expected} bytes: more, or a stream that stops short, is corrupt. */
    private static byte[] inflate(byte[] data, long expected, String where) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 8, expected + 1)];
            int produced = 0;
            while (!inflater.finished() && produced < out.length) {
                int n = inflater.inflate(out, produced, out.length - produced);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                produced += n;
            }
            if (!inflater.finished() || produced != expected) {
                throw new InvalidImageException(where + " does not inflate to its " + expected + " bytes: the image is corrupt");
            }
            return java.util.Arrays.copyOf(out, produced);
        } catch (DataFormatException e) {
            throw new InvalidImageException(where + " is not a deflate stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** Copies the part of a decoded chunk at {@code origin} that lies inside the data, row by row. */
    private static void place(byte[] chunk, long[] origin, long[] chunkDims, long[] shape, long elementSize, MemorySegment out,
                              String path) {
        int rank = shape.length;
        long[] extent = new long[rank];
        for (int d = 0; d < rank; d++) {
            if (origin[d] < 0 || origin[d] >= shape[d] || origin[d] % chunkDims[d] != 0) {
                throw new InvalidImageException("dataset '" + path + "' has a chunk at " + java.util.Arrays.toString(origin)
                        + ", outside its shape " + java.util.Arrays.toString(shape) + " or off its chunk grid: the image is corrupt");
            }
            extent[d] = Math.min(chunkDims[d], shape[d] - origin[d]);
        }
        long row = extent[rank - 1] * elementSize;
        long[] index = new long[rank - 1];
        MemorySegment source = MemorySegment.ofArray(chunk);
        while (true) {
            long from = 0;
            long to = 0;
            for (int d = 0; d < rank; d++) {
                long i = d < rank - 1 ? index[d] : 0;
                from = from * chunkDims[d] + i;
                to = to * shape[d] + origin[d] + i;
            }
            MemorySegment.copy(source, from * elementSize, out, to * elementSize, row);
            int d = rank - 2;
            while (d >= 0 && ++index[d] == extent[d]) index[d--] = 0;
            if (d < 0) return;
        }
    }
}
