package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;

/**
 * A fractal heap read in Java (HDF5 file format spec, "Fractal Heap"): where the links of a large
 * group and the attributes of an object with many live, each a heap object named by a heap ID
 * kept in a version 2 B-tree ({@link BTree2}). libhdf5 crashed the JVM in our fuzzing when a block
 * of such a heap failed its checksum ({@code free} of an uninitialized pointer in
 * {@code H5G__link_release_table}, on both versions), so h5image finds and checks every block it
 * reads here, and libhdf5 only ever loads blocks that passed.
 * <p>
 * Managed and tiny objects are read; huge objects (bigger than a direct block, stored apart) and
 * heaps with I/O filters are refused with an error that says so: links and attributes are small.
 */
final class FractalHeap {

    private static final int FRHP = 0x50485246; // "FRHP", little-endian
    private static final int FHDB = 0x42444846;
    private static final int FHIB = 0x42494846;
    /** The largest direct block h5image checks (a copy of it is checksummed); libhdf5 writes 64 KiB ones by default. */
    private static final long MAX_DIRECT_BLOCK = 1L << 30;
    /** Rows of an indirect block beyond which the layout cannot be real: 2^64 bytes of heap. */
    private static final int MAX_ROWS = 64;

    /** One heap object: where its bytes lie in the image. */
    record HeapObject(long at, long size) {}

    /**
     * A heap object stored in a form h5image does not read (huge objects, kept apart from the
     * heap's blocks; extended tiny ones): not corruption, so the caller leaves the object's
     * links or attributes to libhdf5.
     */
    static final class UnreadableObject extends RuntimeException {
        UnreadableObject(String message) {
            super(message, null, false, false);
        }
    }

    private final MemorySegment image;
    private final Superblock.Addresses addresses;
    private final long headerAt;
    private final String what;
    private final int idLength;
    private final boolean checksummedDirectBlocks;
    private final int width;
    private final long startBlockSize;
    private final long maxDirectBlockSize;
    private final int maxHeapBits;
    private final long rootAt;
    private final int rootRows;
    /** The v2 B-tree of huge objects (kept outside the heap's blocks), or -1. */
    private long hugeObjects = -1;
    private final int offsetBytes;
    private final int lengthBytes;
    private final int maxDirectRows;
    private final int firstRowBits;
    /** Blocks already checked, each with its kind, size and heap offset: each is checked once however many objects it holds. */
    private final Set<String> checkedBlocks = new HashSet<>();

    private FractalHeap(MemorySegment image, Superblock.Addresses addresses, long headerAt, String what, int idLength,
                        boolean checksummedDirectBlocks, int width, long startBlockSize, long maxDirectBlockSize,
                        int maxHeapBits, long rootAt, int rootRows, long maxManagedSize) {
        this.image = image;
        this.addresses = addresses;
        this.headerAt = headerAt;
        this.what = what;
        this.idLength = idLength;
        this.checksummedDirectBlocks = checksummedDirectBlocks;
        this.width = width;
        this.startBlockSize = startBlockSize;
        this.maxDirectBlockSize = maxDirectBlockSize;
        this.maxHeapBits = maxHeapBits;
        this.rootAt = rootAt;
        this.rootRows = rootRows;
        this.offsetBytes = (maxHeapBits + 7) / 8;
        int directOffsetBytes = (log2(maxDirectBlockSize) + 7) / 8;
        // As libhdf5 sizes a heap ID's length field: the smaller of a direct block offset's bytes and the bytes that encode the largest managed object.
        this.lengthBytes = Math.min(directOffsetBytes, log2(Math.max(1, maxManagedSize)) / 8 + 1);
        this.maxDirectRows = log2(maxDirectBlockSize) - log2(startBlockSize) + 2;
        this.firstRowBits = log2(startBlockSize) + log2(width);
    }

    /**
     * The heap whose header is at {@code address} (relative, as the file stores addresses), its
     * header checked: signature, checksum, and a doubling table that can exist.
     */
    static FractalHeap open(MemorySegment image, Superblock.Addresses addresses, long address, String what) {
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        long at = absolute(image, addresses, address, 4 + 1 + 2 + 2 + 1 + 4, what, "its heap header");
        long size = image.byteSize();
        // signature 4, version 1, heap ID length 2, filter info length 2, flags 1, max managed size 4,
        // next huge ID L, huge B-tree O, free space L, free-space manager O, managed space L,
        // allocated space L, iterator offset L, managed objects L, huge size L, huge objects L,
        // tiny size L, tiny objects L, table width 2, starting block size L, max direct block size L,
        // max heap size 2, starting rows 2, root block O, current rows 2, [filter fields], checksum 4.
        long headerSize = 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8L * l + 2 + l + l + 2 + 2 + o + 2;
        if (at + headerSize + 4 > size) throw corrupt(what, "its heap header runs past the end of the image");
        if (image.get(LittleEndian.INT, at) != FRHP || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0) {
            throw corrupt(what, "no fractal heap header (FRHP, version 0) at " + at);
        }
        int idLength = (int) LittleEndian.unsigned(image, at + 5, 2);
        int filterLength = (int) LittleEndian.unsigned(image, at + 7, 2);
        int flags = image.get(ValueLayout.JAVA_BYTE, at + 9);
        long maxManagedSize = LittleEndian.unsigned(image, at + 10, 4);
        if (filterLength != 0) {
            throw new InvalidImageException(what + " is stored in a fractal heap with I/O filters, which h5image does not read");
        }
        if (!Lookup3.matches(image, at, headerSize)) throw corrupt(what, "its heap header at " + at + " fails its checksum");
        long p = at + 14 + l + o + l + o + 8L * l;
        int width = (int) LittleEndian.unsigned(image, p, 2);
        long startBlockSize = LittleEndian.unsigned(image, p + 2, l);
        long maxDirectBlockSize = LittleEndian.unsigned(image, p + 2 + l, l);
        int maxHeapBits = (int) LittleEndian.unsigned(image, p + 2 + 2L * l, 2);
        long rootAddress = Superblock.address(image, p + 2 + 2L * l + 4, o);
        int rootRows = (int) LittleEndian.unsigned(image, p + 2 + 2L * l + 4 + o, 2);
        if (width < 1 || Integer.bitCount(width) != 1 || width > 65536 || !powerOfTwo(startBlockSize)
                || !powerOfTwo(maxDirectBlockSize) || maxDirectBlockSize < startBlockSize || maxDirectBlockSize > MAX_DIRECT_BLOCK
                || maxHeapBits < 1 || maxHeapBits > 64 || rootRows > MAX_ROWS || idLength < 2 || idLength > 64
                // A block must at least hold its own header: signature, version, heap address, offset, checksum.
                || startBlockSize < 4 + 1 + o + (maxHeapBits + 7) / 8 + 4) {
            throw corrupt(what, "its heap header at " + at + " describes a heap that cannot exist");
        }
        FractalHeap heap = new FractalHeap(image, addresses, at, what, idLength, (flags & 2) != 0, width, startBlockSize,
                maxDirectBlockSize, maxHeapBits, rootAddress, rootRows, maxManagedSize);
        heap.hugeObjects = Superblock.address(image, at + 14 + l, o);
        return heap;
    }

    /**
     * Checks the v2 B-tree of the heap's huge objects, if it has one, node by node, and that every
     * object it names lies inside the image: libhdf5 reads that tree when it reads the heap's huge
     * objects (which h5image leaves to it), so it must pass here first.
     */
    void checkHugeObjects() {
        if (hugeObjects < 0) return;
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        // Type 1 (unfiltered huge objects): address, length, ID.
        BTree2.records(image, addresses, hugeObjects, 1, o + l + l, what + " (its huge objects' index)", record -> {
            long address = Superblock.address(image, record, o);
            long length = LittleEndian.unsigned(image, record + o, l);
            if (Superblock.within(image, addresses, address, length) < 0) {
                throw corrupt(what, "a huge heap object of " + length + " bytes at " + address + ", outside the image");
            }
        });
    }

    int idLength() {
        return idLength;
    }

    /** The object a heap ID of {@link #idLength} bytes at {@code id} names, its block checked first. */
    HeapObject object(MemorySegment ids, long id) {
        int first = ids.get(ValueLayout.JAVA_BYTE, id) & 0xff;
        if ((first >> 6) != 0) throw corrupt(what, "a heap ID of version " + (first >> 6));
        int type = (first >> 4) & 3;
        if (type == 2) { // tiny: the object is in the ID itself
            long length = (first & 0x0f) + 1;
            if (idLength > 18 || length > idLength - 1) {
                throw new UnreadableObject(what + " uses extended tiny heap objects");
            }
            if (ids != image) throw new AssertionError("tiny objects are read where the ID is, in the image");
            return new HeapObject(id + 1, length);
        }
        if (type == 1) throw new UnreadableObject(what + " holds a huge heap object (over the heap's managed size)");
        if (type != 0) throw corrupt(what, "a heap ID of type " + type);
        if (1 + offsetBytes + lengthBytes > idLength) throw corrupt(what, "heap IDs too short for their heap");
        long offset = LittleEndian.bytes(ids, id + 1, offsetBytes);
        long length = LittleEndian.bytes(ids, id + 1 + offsetBytes, lengthBytes);
        if (length < 1 || offset < 0 || maxHeapBits < 64 && offset >= 1L << maxHeapBits) {
            throw corrupt(what, "a heap ID naming " + length + " bytes at heap offset " + offset);
        }
        return locate(offset, length);
    }

    /** Finds the direct block holding heap offset {@code offset}, walking indirect blocks down from the root. */
    private HeapObject locate(long offset, long length) {
        if (rootRows == 0) return inDirectBlock(rootAt, 0, startBlockSize, offset, length);
        long blockAddress = rootAt;
        long blockOffset = 0;
        int rows = rootRows;
        for (int depth = 0; depth < MAX_ROWS; depth++) {
            long at = indirectBlock(blockAddress, blockOffset, rows);
            long relative = offset - blockOffset;
            int row = row(relative);
            if (row >= rows) throw corrupt(what, "a heap ID at heap offset " + offset + ", past the heap's rows");
            long rowSize = rowBlockSize(row);
            long column = (relative - rowOffset(row)) / rowSize;
            long childOffset = blockOffset + rowOffset(row) + column * rowSize;
            int o = addresses.offsetSize();
            long entries = at + 4 + 1 + o + offsetBytes;
            if (row < maxDirectRows) {
                long child = Superblock.address(image, entries + ((long) row * width + column) * o, o);
                if (child < 0) throw corrupt(what, "a heap ID at heap offset " + offset + ", in a block never allocated");
                return inDirectBlock(child, childOffset, rowSize, offset, length);
            }
            long directEntries = (long) Math.min(rows, maxDirectRows) * width;
            long child = Superblock.address(image, entries + (directEntries + (long) (row - maxDirectRows) * width + column) * o, o);
            if (child < 0) throw corrupt(what, "a heap ID at heap offset " + offset + ", in a block never allocated");
            blockAddress = child;
            blockOffset = childOffset;
            rows = log2(rowSize) - firstRowBits + 1;
            if (rows < 1 || rows > MAX_ROWS) throw corrupt(what, "an indirect heap block of " + rowSize + " bytes");
        }
        throw corrupt(what, "indirect heap blocks nested past any real heap");
    }

    /** Checks the indirect block at {@code address} (relative) with {@code rows} rows; returns its absolute address. */
    private long indirectBlock(long address, long blockOffset, int rows) {
        int o = addresses.offsetSize();
        long entries = (long) Math.min(rows, maxDirectRows) * width + (long) Math.max(0, rows - maxDirectRows) * width;
        long size = 4 + 1 + o + offsetBytes + entries * o;
        long at = absolute(image, addresses, address, size + 4, what, "an indirect heap block");
        String key = "I" + at + ":" + rows + ":" + blockOffset;
        if (checkedBlocks.contains(key)) return at;
        if (image.get(LittleEndian.INT, at) != FHIB || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0) {
            throw corrupt(what, "no indirect heap block (FHIB) at " + at);
        }
        checkOwner(at, blockOffset, "indirect");
        if (!Lookup3.matches(image, at, size)) throw corrupt(what, "the indirect heap block at " + at + " fails its checksum");
        checkedBlocks.add(key);
        return at;
    }

    /** The object at heap offset {@code offset} in the direct block at {@code address} (relative), which starts at heap offset {@code blockOffset}. */
    private HeapObject inDirectBlock(long address, long blockOffset, long blockSize, long offset, long length) {
        long at = absolute(image, addresses, address, blockSize, what, "a direct heap block");
        String key = "D" + at + ":" + blockSize + ":" + blockOffset;
        if (!checkedBlocks.contains(key)) {
            if (image.get(LittleEndian.INT, at) != FHDB || image.get(ValueLayout.JAVA_BYTE, at + 4) != 0) {
                throw corrupt(what, "no direct heap block (FHDB) at " + at);
            }
            checkOwner(at, blockOffset, "direct");
            if (checksummedDirectBlocks) {
                // The checksum covers the whole block, read with its own 4 bytes as zeros.
                long field = 4 + 1 + addresses.offsetSize() + offsetBytes;
                byte[] copy = image.asSlice(at, blockSize).toArray(ValueLayout.JAVA_BYTE);
                int stored = image.get(LittleEndian.INT, at + field);
                java.util.Arrays.fill(copy, (int) field, (int) field + 4, (byte) 0);
                if (Lookup3.hash(MemorySegment.ofArray(copy), 0, blockSize) != stored) {
                    throw corrupt(what, "the direct heap block at " + at + " fails its checksum");
                }
            }
            checkedBlocks.add(key);
        }
        long inBlock = offset - blockOffset;
        long header = 4 + 1 + addresses.offsetSize() + offsetBytes + (checksummedDirectBlocks ? 4 : 0);
        if (inBlock < header || length > blockSize - inBlock) {
            throw corrupt(what, "a heap object of " + length + " bytes at offset " + inBlock + " of a " + blockSize + "-byte block");
        }
        return new HeapObject(at + inBlock, length);
    }

    /** Every heap block names its heap's header and where it starts in the heap. */
    private void checkOwner(long at, long blockOffset, String kind) {
        long owner = Superblock.address(image, at + 5, addresses.offsetSize());
        long offset = LittleEndian.bytes(image, at + 5 + addresses.offsetSize(), offsetBytes);
        if (owner < 0 || addresses.base() + owner != headerAt || offset != blockOffset) {
            throw corrupt(what, "the " + kind + " heap block at " + at + " belongs to another heap or place");
        }
    }

    /** The doubling table's row holding heap offset {@code relative} of an indirect block: row 0 and 1 have blocks of the starting size, then each doubles. */
    private int row(long relative) {
        long firstRow = startBlockSize * width;
        if (relative < firstRow) return 0;
        return 63 - Long.numberOfLeadingZeros(relative / firstRow) + 1;
    }

    private long rowBlockSize(int row) {
        return row <= 1 ? startBlockSize : startBlockSize << (row - 1);
    }

    private long rowOffset(int row) {
        return row == 0 ? 0 : startBlockSize * width << (row - 1);
    }

    private static long absolute(MemorySegment image, Superblock.Addresses addresses, long address, long size, String what, String part) {
        long at = Superblock.within(image, addresses, address, size);
        if (at < 0) throw corrupt(what, part + " at " + address + " (" + size + " bytes) lies outside the " + image.byteSize() + "-byte image");
        return at;
    }

    private static boolean powerOfTwo(long n) {
        return n > 0 && Long.bitCount(n) == 1;
    }

    private static int log2(long n) {
        return 63 - Long.numberOfLeadingZeros(n);
    }

    private static InvalidImageException corrupt(String what, String why) {
        return new InvalidImageException(what + ": " + why + "; the image is corrupt");
    }
}
