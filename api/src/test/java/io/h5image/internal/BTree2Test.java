package io.h5image.internal;

import io.h5image.InvalidImageException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link BTree2} on trees built byte by byte: a two-level tree is walked in order (child, record,
 * child), and a crafted one whose internal node names the same child twice is refused instead of
 * being walked again (shared nodes would make a walk exponential in the depth).
 */
class BTree2Test {

    private static final Superblock.Addresses ADDRESSES = new Superblock.Addresses(0, 8, 8, -1, -1);
    private static final int NODE_SIZE = 512;
    private static final int RECORD = 11; // type 5: name hash (4), heap ID (7)

    /** Header at 0, internal root at 100 with one record (tag 2) between children at {@code first} and {@code second}. */
    private static MemorySegment tree(long first, long second) {
        MemorySegment image = MemorySegment.ofArray(new byte[1024]);
        // Header: signature, version, type, node size, record size, depth, split %, merge %, root, root records, total.
        put(image, 0, "BTHD", 0, 5);
        image.set(LittleEndian.INT, 6, NODE_SIZE);
        image.set(LittleEndian.SHORT, 10, (short) RECORD);
        image.set(LittleEndian.SHORT, 12, (short) 1);
        image.set(LittleEndian.LONG, 16, 100);
        image.set(LittleEndian.SHORT, 24, (short) 1);
        image.set(LittleEndian.LONG, 26, 3);
        image.set(LittleEndian.INT, 34, Lookup3.hash(image, 0, 34));
        // Root: one record, then two child pointers (address, record count in one byte: leaves hold at most 45).
        put(image, 100, "BTIN", 0, 5);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 106, (byte) 2);
        image.set(LittleEndian.LONG, 117, first);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 125, (byte) 1);
        image.set(LittleEndian.LONG, 126, second);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 134, (byte) 1);
        image.set(LittleEndian.INT, 135, Lookup3.hash(image, 100, 35));
        leaf(image, 300, 1);
        leaf(image, 400, 3);
        return image;
    }

    private static void leaf(MemorySegment image, long at, int tag) {
        put(image, at, "BTLF", 0, 5);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 6, (byte) tag);
        image.set(LittleEndian.INT, at + 17, Lookup3.hash(image, at, 17));
    }

    private static void put(MemorySegment image, long at, String signature, int version, int type) {
        for (int i = 0; i < 4; i++) image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + i, (byte) signature.charAt(i));
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 4, (byte) version);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 5, (byte) type);
    }

    @Test
    void walksChildRecordChildInOrder() {
        MemorySegment image = tree(300, 400);
        List<Integer> tags = new ArrayList<>();
        long count = BTree2.records(image, ADDRESSES, 0, 5, RECORD, "test", at -> tags.add((int) image.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at)));
        assertEquals(3, count);
        assertEquals(List.of(1, 2, 3), tags);
    }

    @Test
    void aNodeReachedTwiceIsCorrupt() {
        MemorySegment image = tree(300, 300);
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> BTree2.records(image, ADDRESSES, 0, 5, RECORD, "test", at -> { }));
        assertTrue(e.getMessage().contains("reached twice"), e.getMessage());
    }

    @Test
    void aCorruptNodeFailsItsChecksum() {
        MemorySegment image = tree(300, 400);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 406, (byte) 9);
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> BTree2.records(image, ADDRESSES, 0, 5, RECORD, "test", at -> { }));
        assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
    }
}
