package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The links of an old-format group, read in Java (HDF5 file format spec: "Symbol Table Message",
 * "Version 1 B-trees", "Symbol Table Nodes", "Local Heaps"). This is the layout h5py writes by
 * default ({@code libver='earliest'}), so most HDF5 files in the wild have it.
 * <p>
 * None of these structures carries a checksum, and libhdf5 trusts them: fuzzed h5py files hung
 * 1.14.3 in {@code H5HL_protect} and crashed 1.10.8 while it looked a path up through them. So for
 * an image from bytes, libhdf5 never reads them at all: links are listed and followed here, and
 * objects are opened by the address found here ({@code H5Oopen_by_addr}). Every node, heap and
 * name is checked against the image's bounds; a node reached twice, a level out of order or a name
 * that runs past its heap is an {@link InvalidImageException}.
 */
final class SymbolTable {
    private SymbolTable() {}

    private static final int TREE = 0x45455254; // "TREE", little-endian
    private static final int SNOD = 0x444f4e53;
    private static final int HEAP = 0x50414548;
    /** Group B-tree nodes are of type 0 (chunk B-trees, type 1, index chunked data). */
    private static final int GROUP_NODES = 0;
    /** A symbol table entry whose scratch pad holds a soft link's value (its offset in the local heap). */
    private static final int CACHED_SOFT_LINK = 2;
    /** Deeper than any real group tree (each level multiplies the fan-out by 2K, at least 2). */
    private static final int MAX_LEVEL = 64;

    /**
     * The data segment of a group's local heap: the names and soft link values. Each is kept in a
     * block of its own, so all of them together fit in the segment; {@code read} counts what the
     * entries copied out, so that entries pointing into one long unterminated run cannot make the
     * reader copy it again and again.
     */
    private static final class LocalHeap {
        final long at;
        final long size;
        long read;

        LocalHeap(long at, long size) {
            this.at = at;
            this.size = size;
        }

        long at() {
            return at;
        }

        long size() {
            return size;
        }
    }

    /**
     * The links of the group whose symbol table message (B-tree address, local heap address) is the
     * {@code size} bytes at {@code at}, in the B-tree's order. Soft links carry their value.
     */
    static List<ObjectIndex.Link> links(MemorySegment image, Superblock.Addresses addresses, long at, long size, String what) {
        int o = addresses.offsetSize();
        if (size < 2L * o) throw corrupt(what, "a symbol table message of " + size + " bytes");
        long tree = Superblock.address(image, at, o);
        long heapAddress = Superblock.address(image, at + o, o);
        if (tree < 0 || heapAddress < 0) throw corrupt(what, "a symbol table with no B-tree or no local heap");
        LocalHeap heap = heap(image, addresses, heapAddress, what);
        List<ObjectIndex.Link> links = new ArrayList<>();
        node(image, addresses, tree, -1, heap, links, new HashSet<>(), what);
        return links;
    }

    /** The local heap's header: signature, version 0, reserved (3), data size (L), free list (L), data address (O). */
    private static LocalHeap heap(MemorySegment image, Superblock.Addresses addresses, long address, String what) {
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        long at = absolute(image, addresses, address, 8 + 2L * l + o, what, "its local heap");
        if (image.get(LittleEndian.INT, at) != HEAP || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0) {
            throw corrupt(what, "no local heap (HEAP, version 0) at " + address);
        }
        long dataSize = LittleEndian.unsigned(image, at + 8, l);
        long data = Superblock.address(image, at + 8 + 2L * l, o);
        if (dataSize < 0 || data < 0) throw corrupt(what, "a local heap at " + address + " with no data segment");
        return new LocalHeap(absolute(image, addresses, data, dataSize, what, "its local heap's data"), dataSize);
    }

    /**
     * A group B-tree node: signature, type 0, level, entries used (2), left and right siblings (O),
     * then keys (L: heap offsets of names) and children (O) alternating, key first and last. Children
     * of level 0 are symbol table nodes, of level n nodes of level n - 1.
     */
    private static void node(MemorySegment image, Superblock.Addresses addresses, long address, int expectedLevel, LocalHeap heap,
                             List<ObjectIndex.Link> links, Set<Long> seen, String what) {
        if (!seen.add(address)) throw corrupt(what, "a B-tree node at " + address + " reached twice");
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        long headerSize = 8 + 2L * o;
        long at = absolute(image, addresses, address, headerSize, what, "a B-tree node");
        if (image.get(LittleEndian.INT, at) != TREE || image.get(ValueLayout.JAVA_BYTE, at + 4) != GROUP_NODES) {
            throw corrupt(what, "no group B-tree node (TREE, type 0) at " + address);
        }
        int level = image.get(ValueLayout.JAVA_BYTE, at + 5) & 0xff;
        if (expectedLevel >= 0 ? level != expectedLevel : level > MAX_LEVEL) {
            throw corrupt(what, "a B-tree node at " + address + " of level " + level
                    + (expectedLevel >= 0 ? " below a node of level " + (expectedLevel + 1) : ""));
        }
        int entries = (int) LittleEndian.unsigned(image, at + 6, 2);
        long children = at + headerSize + l; // after key 0
        absolute(image, addresses, address, headerSize + (long) entries * (o + l) + l, what, "a B-tree node");
        for (int i = 0; i < entries; i++) {
            long child = Superblock.address(image, children + (long) i * (o + l), o);
            if (child < 0) throw corrupt(what, "a B-tree node at " + address + " with a child at no address");
            if (level == 0) {
                symbols(image, addresses, child, heap, links, seen, what);
            } else {
                node(image, addresses, child, level - 1, heap, links, seen, what);
            }
        }
    }

    /**
     * A symbol table node: signature, version 1, reserved, symbols (2), then entries of link name
     * offset (L), object header address (O), cache type (4), reserved (4) and scratch pad (16).
     */
    private static void symbols(MemorySegment image, Superblock.Addresses addresses, long address, LocalHeap heap,
                                List<ObjectIndex.Link> links, Set<Long> seen, String what) {
        if (!seen.add(address)) throw corrupt(what, "a symbol table node at " + address + " reached twice");
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        long entrySize = l + o + 24L;
        long at = absolute(image, addresses, address, 8, what, "a symbol table node");
        if (image.get(LittleEndian.INT, at) != SNOD || image.get(ValueLayout.JAVA_BYTE, at + 4) != 1) {
            throw corrupt(what, "no symbol table node (SNOD, version 1) at " + address);
        }
        int symbols = (int) LittleEndian.unsigned(image, at + 6, 2);
        absolute(image, addresses, address, 8 + symbols * entrySize, what, "a symbol table node");
        for (int i = 0; i < symbols; i++) {
            long entry = at + 8 + i * entrySize;
            byte[] name = string(image, heap, LittleEndian.unsigned(image, entry, l), what, "a link name");
            String text = new String(name, StandardCharsets.UTF_8);
            if (name.length == 0 || text.indexOf('/') >= 0) throw corrupt(what, "a link named '" + text + "'");
            int cacheType = image.get(LittleEndian.INT, entry + l + o);
            if (cacheType == CACHED_SOFT_LINK) {
                long valueOffset = Integer.toUnsignedLong(image.get(LittleEndian.INT, entry + l + o + 8));
                String value = new String(string(image, heap, valueOffset, what, "the value of soft link '" + text + "'"),
                        StandardCharsets.UTF_8);
                links.add(new ObjectIndex.Link(text, name, ObjectIndex.SOFT, -1, value, -1));
            } else {
                long target = Superblock.address(image, entry + l, o);
                if (target < 0) throw corrupt(what, "link '" + text + "' to no address");
                links.add(new ObjectIndex.Link(text, name, ObjectIndex.HARD, target, null, -1));
            }
        }
    }

    /** The zero-terminated string at {@code offset} of the heap's data; it must end inside the data. */
    private static byte[] string(MemorySegment image, LocalHeap heap, long offset, String what, String which) {
        if (offset < 0 || offset >= heap.size()) {
            throw corrupt(what, which + " at offset " + offset + " of a " + heap.size() + "-byte local heap");
        }
        long start = heap.at() + offset;
        long end = start;
        long limit = heap.at() + heap.size();
        while (end < limit && image.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
        if (end == limit) throw corrupt(what, which + " running past the end of its local heap");
        heap.read += end - start + 1;
        if (heap.read > heap.size()) {
            throw corrupt(what, "link names and values of more bytes than its " + heap.size() + "-byte local heap holds");
        }
        return image.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE);
    }

    private static long absolute(MemorySegment image, Superblock.Addresses addresses, long address, long size, String what, String part) {
        long at = Superblock.within(image, addresses, address, size);
        if (at < 0) throw corrupt(what, part + " at " + address + " (" + size + " bytes) lies outside the " + image.byteSize() + "-byte image");
        return at;
    }

    private static InvalidImageException corrupt(String what, String why) {
        return new InvalidImageException(what + " has " + why + ": the image is corrupt");
    }
}
