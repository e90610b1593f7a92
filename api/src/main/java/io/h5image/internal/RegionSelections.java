package io.h5image.internal;

import io.h5image.InvalidImageException;
import io.h5image.Selection;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The selection a region reference stores, serialized as libhdf5 serializes dataspace selections
 * (H5S_SELECT_SERIALIZE): a 4-byte selection type and a 4-byte version, then per type and version:
 * <ul>
 * <li>none (0) and all (3), version 1: 8 reserved bytes;</li>
 * <li>points (1), version 1: 4 reserved bytes, a 4-byte length, rank, count, then each point's
 * coordinates, all 4-byte; version 2: a 1-byte coordinate size (2, 4 or 8), a 4-byte rank, then the
 * count and the coordinates in that size;</li>
 * <li>hyperslabs (2), version 1: as points, but each block is its start and end corners; version 2:
 * a flags byte, a 4-byte length, a 4-byte rank, then start, stride, count and block of each
 * dimension, 8 bytes each (a regular hyperslab); version 3: a flags byte (1: regular), a 1-byte
 * size, a 4-byte rank, then either the regular form or a block count and blocks, in that size.</li>
 * </ul>
 * Everything is little-endian and checked against the heap object's bounds; a regular hyperslab is
 * expanded into its blocks, at most {@value #MAX_BLOCKS} of them.
 */
final class RegionSelections {

    private static final int NONE = 0;
    private static final int POINTS = 1;
    private static final int HYPERSLABS = 2;
    private static final int ALL = 3;
    /** More blocks or points than this in one reference is not a real selection but a crafted one. */
    static final int MAX_BLOCKS = 1 << 20;
    private static final int MAX_RANK = 32;

    private RegionSelections() {}

    /** The selection serialized in {@code data}. */
    static Selection parse(MemorySegment data, String where) {
        Reader in = new Reader(data, where);
        int type = in.u32();
        int version = in.u32();
        return switch (type) {
            case NONE, ALL -> {
                if (version != 1 && version != 2) throw in.unknown("an 'all' or 'none' selection of version " + version);
                yield type == NONE ? new Selection.None() : new Selection.All();
            }
            case POINTS -> points(in, version);
            case HYPERSLABS -> hyperslabs(in, version);
            default -> throw in.corrupt("a selection of unknown type " + type);
        };
    }

    private static Selection points(Reader in, int version) {
        int size;
        if (version == 1) {
            in.skip(8); // reserved, length
            size = 4;
        } else if (version == 2) {
            size = in.u8();
        } else {
            throw in.unknown("a point selection of version " + version);
        }
        in.checkSize(size);
        int rank = in.rank();
        long count = in.unsigned(size);
        in.checkCount(count, (long) rank * size);
        List<long[]> points = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) points.add(in.coordinates(rank, size));
        return new Selection.Points(points);
    }

    private static Selection hyperslabs(Reader in, int version) {
        if (version == 1) {
            in.skip(8); // reserved, length
            return irregular(in, in.rank(), 4);
        }
        if (version == 2) {
            in.skip(1 + 4); // flags (always regular in this version), length
            return regular(in, in.rank(), 8);
        }
        if (version == 3) {
            int flags = in.u8();
            int size = in.u8();
            in.checkSize(size);
            int rank = in.rank();
            return (flags & 1) != 0 ? regular(in, rank, size) : irregular(in, rank, size);
        }
        throw in.unknown("a hyperslab selection of version " + version);
    }

    private static Selection irregular(Reader in, int rank, int size) {
        long count = in.unsigned(size);
        in.checkCount(count, 2L * rank * size);
        List<long[]> starts = new ArrayList<>((int) count);
        List<long[]> ends = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long[] start = in.coordinates(rank, size);
            long[] end = in.coordinates(rank, size);
            for (int d = 0; d < rank; d++) {
                if (Long.compareUnsigned(end[d], start[d]) < 0) throw in.corrupt("a block that ends before it starts");
            }
            starts.add(start);
            ends.add(end);
        }
        return new Selection.Blocks(starts, ends);
    }

    /** A regular hyperslab (start, stride, count, block per dimension) as its blocks, in C order. */
    private static Selection regular(Reader in, int rank, int size) {
        long[][] fields = new long[rank][];
        long blocks = 1;
        for (int d = 0; d < rank; d++) {
            long[] f = in.coordinates(4, size); // start, stride, count, block
            if (f[2] == -1 || f[3] == -1 || size < 8 && (f[2] == (1L << (8 * size)) - 1 || f[3] == (1L << (8 * size)) - 1)) {
                throw new UnsupportedTypeException(in.where + " selects an unlimited hyperslab, which has no fixed list of blocks");
            }
            if (f[2] < 0 || f[3] <= 0 && f[2] > 0 || f[2] > 1 && f[1] < f[3]) throw in.corrupt("a hyperslab whose blocks overlap or are empty");
            blocks = f[2] == 0 ? 0 : blocks > MAX_BLOCKS / f[2] ? MAX_BLOCKS + 1L : blocks * f[2];
            fields[d] = f;
        }
        if (blocks > MAX_BLOCKS) throw in.corrupt("a hyperslab of more than " + MAX_BLOCKS + " blocks");
        List<long[]> starts = new ArrayList<>((int) blocks);
        List<long[]> ends = new ArrayList<>((int) blocks);
        long[] index = new long[rank];
        for (long b = 0; b < blocks; b++) {
            long[] start = new long[rank];
            long[] end = new long[rank];
            try {
                for (int d = 0; d < rank; d++) {
                    start[d] = Math.addExact(fields[d][0], Math.multiplyExact(index[d], fields[d][1]));
                    end[d] = Math.addExact(start[d], fields[d][3] - 1);
                }
            } catch (ArithmeticException e) {
                throw in.corrupt("a hyperslab whose blocks lie past 64-bit coordinates");
            }
            starts.add(start);
            ends.add(end);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < fields[d][2]) break;
                index[d] = 0;
            }
        }
        return new Selection.Blocks(starts, ends);
    }

    /** Little-endian fields of a heap object, each checked against its end. */
    private static final class Reader {
        private final MemorySegment data;
        private final String where;
        private long at;

        Reader(MemorySegment data, String where) {
            this.data = data;
            this.where = where;
        }

        private void need(long bytes) {
            if (bytes > data.byteSize() - at) throw corrupt("a selection that runs past its heap object");
        }

        void skip(long bytes) {
            need(bytes);
            at += bytes;
        }

        int u8() {
            need(1);
            return Byte.toUnsignedInt(data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at++));
        }

        int u32() {
            long v = unsigned(4);
            if (v > Integer.MAX_VALUE) throw corrupt("a selection field of " + v);
            return (int) v;
        }

        long unsigned(int size) {
            need(size);
            long v = LittleEndian.unsigned(data, at, size);
            at += size;
            return v;
        }

        int rank() {
            int rank = u32();
            if (rank < 1 || rank > MAX_RANK) throw corrupt("a selection of rank " + rank);
            return rank;
        }

        long[] coordinates(int rank, int size) {
            long[] c = new long[rank];
            for (int d = 0; d < rank; d++) c[d] = unsigned(size);
            return c;
        }

        void checkSize(int size) {
            if (size != 2 && size != 4 && size != 8) throw corrupt("selection coordinates of " + size + " bytes");
        }

        /** {@code count} entries of {@code bytes} each must fit the rest of the object (and the cap). */
        void checkCount(long count, long bytes) {
            if (count < 0 || count > MAX_BLOCKS || count * bytes > data.byteSize() - at) {
                throw corrupt("a selection of " + Long.toUnsignedString(count) + " entries in " + (data.byteSize() - at) + " bytes");
            }
        }

        InvalidImageException corrupt(String what) {
            return new InvalidImageException(where + " holds " + what + ": the image is corrupt");
        }

        UnsupportedTypeException unknown(String what) {
            return new UnsupportedTypeException(where + " holds " + what + ", which h5image does not read");
        }
    }
}
