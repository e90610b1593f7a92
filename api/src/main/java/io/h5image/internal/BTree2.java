package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A version 2 B-tree read in Java (HDF5 file format spec, "Version 2 B-trees"): the index of a
 * large group's links or an object's many attributes. Every node is checked (signature, type,
 * checksum, record counts that fit the node) before its records are used, and the records counted
 * must add up to the header's total, so a corrupt tree is an {@link InvalidImageException}.
 */
final class BTree2 {
    private BTree2() {}

    private static final int BTHD = 0x44485442; // "BTHD", little-endian
    private static final int BTIN = 0x4e495442;
    private static final int BTLF = 0x464c5442;
    /** signature 4, version 1, type 1, and the checksum 4 after the records. */
    private static final int NODE_OVERHEAD = 10;
    private static final int MAX_DEPTH = 32;

    /** Receives each record: where its bytes start in the image. */
    interface RecordVisitor {
        void visit(long at);
    }

    /**
     * Visits every record of the tree whose header is at {@code address} (relative), in the tree's
     * order, which must be of {@code type} with records of {@code recordSize} bytes. Returns the
     * number of records.
     */
    static long records(MemorySegment image, Superblock.Addresses addresses, long address, int type, int recordSize,
                        String what, RecordVisitor visitor) {
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        long headerSize = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + o + 2 + l;
        long at = absolute(image, addresses, address, headerSize + 4, what, "its B-tree header");
        if (image.get(LittleEndian.INT, at) != BTHD || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0) {
            throw corrupt(what, "no version 2 B-tree header (BTHD) at " + at);
        }
        if (!Lookup3.matches(image, at, headerSize)) throw corrupt(what, "its B-tree header at " + at + " fails its checksum");
        int storedType = image.get(ValueLayout.JAVA_BYTE, at + 5);
        long nodeSize = LittleEndian.unsigned(image, at + 6, 4);
        int storedRecordSize = (int) LittleEndian.unsigned(image, at + 10, 2);
        int depth = (int) LittleEndian.unsigned(image, at + 12, 2);
        long root = Superblock.address(image, at + 16, o);
        int rootRecords = (int) LittleEndian.unsigned(image, at + 16 + o, 2);
        long total = LittleEndian.unsigned(image, at + 18 + o, l);
        if (storedType != type || storedRecordSize != recordSize) {
            throw corrupt(what, "its B-tree at " + at + " is of type " + storedType + " with " + storedRecordSize
                    + "-byte records, not type " + type + " with " + recordSize);
        }
        if (nodeSize <= NODE_OVERHEAD + recordSize || nodeSize > 1 << 24 || depth > MAX_DEPTH || total < 0) {
            throw corrupt(what, "its B-tree header at " + at + " describes a tree that cannot exist");
        }
        if (root < 0) {
            if (total != 0) throw corrupt(what, "its B-tree has " + total + " records and no root");
            return 0;
        }
        Levels levels = new Levels(nodeSize, recordSize, depth, o);
        long counted = node(image, addresses, root, depth, rootRecords, levels, type, what, visitor, new java.util.HashSet<>());
        if (counted != total) throw corrupt(what, "its B-tree holds " + counted + " records, its header says " + total);
        return counted;
    }

    /**
     * What libhdf5 derives from the node size for each depth: the most records a node holds, and
     * the widths of the record counts stored beside each child pointer.
     */
    private static final class Levels {
        final long[] maxRecords;
        final long[] cumulativeMax;
        final int[] cumulativeBytes;
        final int countBytes;
        final int offsetSize;
        final int recordSize;

        Levels(long nodeSize, int recordSize, int depth, int offsetSize) {
            this.offsetSize = offsetSize;
            this.recordSize = recordSize;
            maxRecords = new long[depth + 1];
            cumulativeMax = new long[depth + 1];
            cumulativeBytes = new int[depth + 1];
            maxRecords[0] = (nodeSize - NODE_OVERHEAD) / recordSize;
            cumulativeMax[0] = maxRecords[0];
            countBytes = encodedSize(maxRecords[0]);
            for (int d = 1; d <= depth; d++) {
                maxRecords[d] = (nodeSize - NODE_OVERHEAD) / (recordSize + pointerSize(d));
                long cumulative = (maxRecords[d] + 1) * cumulativeMax[d - 1] + maxRecords[d];
                cumulativeMax[d] = cumulative < 0 ? Long.MAX_VALUE : cumulative;
                cumulativeBytes[d] = encodedSize(cumulativeMax[d]);
            }
        }

        /** A child pointer in a node at depth {@code d}: address, records in the child, and below depth 1 the records under it. */
        int pointerSize(int d) {
            return offsetSize + countBytes + (d > 1 ? cumulativeBytes[d - 1] : 0);
        }

        /** Bytes libhdf5 uses to store a count up to {@code limit}. */
        private static int encodedSize(long limit) {
            return Math.min(8, (63 - Long.numberOfLeadingZeros(Math.max(1, limit))) / 8 + 1);
        }
    }

    /**
     * Visits the node at {@code address} and, depth first, its children. {@code seen} holds every node
     * visited: a tree reaches each node once, and a crafted one that shares nodes would otherwise
     * be walked exponentially often.
     */
    private static long node(MemorySegment image, Superblock.Addresses addresses, long address, int depth, int count,
                             Levels levels, int type, String what, RecordVisitor visitor, java.util.Set<Long> seen) {
        if (!seen.add(address)) throw corrupt(what, "a B-tree node at " + address + " reached twice");
        if (count > levels.maxRecords[depth] || count < 0) {
            throw corrupt(what, "a B-tree node said to hold " + count + " records, more than fit");
        }
        int recordSize = levels.recordSize;
        long pointers = depth == 0 ? 0 : (count + 1L) * levels.pointerSize(depth);
        long used = 6 + (long) count * recordSize + pointers;
        long at = absolute(image, addresses, address, used + 4, what, "a B-tree node");
        int signature = depth == 0 ? BTLF : BTIN;
        if (image.get(LittleEndian.INT, at) != signature || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0
                || image.get(ValueLayout.JAVA_BYTE, at + 5) != type) {
            throw corrupt(what, "no B-tree " + (depth == 0 ? "leaf (BTLF)" : "internal node (BTIN)") + " of type " + type + " at " + at);
        }
        if (!Lookup3.matches(image, at, used)) throw corrupt(what, "the B-tree node at " + at + " fails its checksum");
        long records = at + 6;
        if (depth == 0) {
            for (int i = 0; i < count; i++) visitor.visit(records + (long) i * recordSize);
            return count;
        }
        long total = count;
        long pointer = records + (long) count * recordSize;
        for (int i = 0; i <= count; i++) {
            long child = Superblock.address(image, pointer, levels.offsetSize);
            int childCount = (int) Math.min(Integer.MAX_VALUE, LittleEndian.bytes(image, pointer + levels.offsetSize, levels.countBytes));
            if (child < 0) throw corrupt(what, "a B-tree node at " + at + " with a child at no address");
            // In order: child i, then record i.
            total += node(image, addresses, child, depth - 1, childCount, levels, type, what, visitor, seen);
            if (i < count) visitor.visit(records + (long) i * recordSize);
            pointer += levels.pointerSize(depth);
        }
        return total;
    }

    private static long absolute(MemorySegment image, Superblock.Addresses addresses, long address, long size, String what, String part) {
        long at = Superblock.within(image, addresses, address, size);
        if (at < 0) throw corrupt(what, part + " at " + address + " (" + size + " bytes) lies outside the " + image.byteSize() + "-byte image");
        return at;
    }

    private static InvalidImageException corrupt(String what, String why) {
        return new InvalidImageException(what + ": " + why + "; the image is corrupt");
    }
}
