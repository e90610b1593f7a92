package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The few superblock fields h5image reads itself (HDF5 file format spec, "Superblock"). */
final class Superblock {
    private Superblock() {}

    /** "\211HDF\r\n\032\n" */
    static final long SIGNATURE = 0x0a1a0a0d46444889L;

    /** Where the signature is, HDF5 also looks after a user block: 0, 512, 1024, 2048, ...; -1 if nowhere. */
    static long find(MemorySegment image) {
        for (long at = 0; at + 8 <= image.byteSize(); at = at == 0 ? 512 : at * 2) {
            if (image.get(LittleEndian.LONG, at) == SIGNATURE) return at;
        }
        return -1;
    }

    /** Fails fast, before any libhdf5 call, on bytes that are not HDF5 at all. */
    static void requireSignature(MemorySegment image) {
        if (find(image) < 0) {
            int n = (int) Math.min(8, image.byteSize());
            String start = n == 0 ? "empty" : java.util.HexFormat.ofDelimiter(" ")
                    .formatHex(image.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            throw new InvalidImageException("not an HDF5 image: no HDF5 signature at offset 0 or after a user block ("
                    + image.byteSize() + " bytes, starting " + start + ")");
        }
    }

    /** Bytes of an address in this file (the superblock's "size of offsets"): 4 or 8. */
    static int offsetSize(MemorySegment image) {
        return sizeField(image, 13, 9, "offsets");
    }

    /** Bytes of a length in this file (the superblock's "size of lengths"): 4 or 8. */
    static int lengthSize(MemorySegment image) {
        return sizeField(image, 14, 10, "lengths");
    }

    /** A size byte of the superblock, at {@code v01} in versions 0 and 1, at {@code v23} in 2 and 3. */
    private static int sizeField(MemorySegment image, int v01, int v23, String what) {
        long at = find(image);
        if (at < 0 || at + 16 > image.byteSize()) throw new InvalidImageException("no superblock in the image");
        int version = image.get(ValueLayout.JAVA_BYTE, at + 8);
        int size = image.get(ValueLayout.JAVA_BYTE, at + (version <= 1 ? v01 : v23));
        if (size != 4 && size != 8) {
            throw new InvalidImageException("the superblock gives a size of " + what + " of " + size + "; h5image reads 4 and 8");
        }
        return size;
    }

    /** The fields h5image checks metadata with: sizes of addresses and lengths, and addresses made absolute (the base added), -1 where undefined. */
    record Addresses(long base, int offsetSize, int lengthSize, long rootObjectHeader, long extensionObjectHeader) {}

    /**
     * The base address, the root group's object header and the superblock extension's (versions 2
     * and 3), read from the superblock of an image: every field checked against the image's bounds.
     * Null for a superblock h5image does not know (a version after 3, addresses not 4 or 8 bytes):
     * libhdf5 judges those itself.
     */
    static Addresses addresses(MemorySegment image) {
        long at = find(image);
        if (at < 0 || at + 16 > image.byteSize()) return null;
        int version = image.get(ValueLayout.JAVA_BYTE, at + 8);
        int offsetSize = image.get(ValueLayout.JAVA_BYTE, at + (version <= 1 ? 13 : 9));
        int lengthSize = image.get(ValueLayout.JAVA_BYTE, at + (version <= 1 ? 14 : 10));
        if (version < 0 || version > 3 || offsetSize != 4 && offsetSize != 8 || lengthSize != 4 && lengthSize != 8) return null;
        long fields = version >= 2 ? at + 12 : at + 24 + (version == 1 ? 4 : 0);
        // v2/3: base, extension, end of file, root object header. v0/1: base, free space, end of file,
        // driver info, then the root's symbol table entry: link name offset, object header.
        int rootField = version >= 2 ? 3 : 5;
        if (fields + (rootField + 1L) * offsetSize > image.byteSize()) {
            throw new InvalidImageException("the " + image.byteSize() + "-byte image ends inside its superblock");
        }
        long base = address(image, fields, offsetSize);
        if (base < 0) base = 0;
        long root = address(image, fields + (long) rootField * offsetSize, offsetSize);
        long extension = version >= 2 ? address(image, fields + offsetSize, offsetSize) : -1;
        return new Addresses(base, offsetSize, lengthSize, root < 0 ? -1 : base + root, extension < 0 ? -1 : base + extension);
    }

    /**
     * The absolute position of {@code size} bytes at file address {@code address} (relative to the
     * base address), or -1 if any of them would lie outside the image.
     */
    static long within(MemorySegment image, Addresses addresses, long address, long size) {
        long base = addresses.base();
        long limit = image.byteSize();
        if (address < 0 || size < 0 || address > limit - base || size > limit - base - address) return -1;
        return base + address;
    }

    /** A little-endian address of {@code size} bytes; -1 for "undefined" (all bits set) or one past any image. */
    static long address(MemorySegment image, long at, int size) {
        long value = LittleEndian.unsigned(image, at, size);
        boolean undefined = size == 8 ? value == -1 : value == 0xffffffffL;
        return undefined || value < 0 ? -1 : value;
    }

    /**
     * The end-of-file address of a version 2 or 3 superblock at offset 0 with 8-byte addresses (what
     * h5image writes): signature 8, version 1, offset size 1, length size 1, flags 1, base address 8,
     * extension address 8, then the end-of-file address.
     */
    static long endOfFile(MemorySegment image) {
        int version = image.get(ValueLayout.JAVA_BYTE, 8);
        int offsetSize = image.get(ValueLayout.JAVA_BYTE, 9);
        if (image.get(LittleEndian.LONG, 0) != SIGNATURE || (version != 2 && version != 3) || offsetSize != 8) {
            throw new InvalidImageException("libhdf5 wrote a superblock h5image cannot read (version " + version
                    + ", offset size " + offsetSize + ")");
        }
        return image.get(LittleEndian.LONG, 28);
    }

    /**
     * Restores the checksum of a version 2 or 3 superblock after {@code H5Fget_file_image}: it clears
     * the "open for writing" status flags in the copy it returns but keeps the checksum of the flags
     * set (HDFGroup/hdf5#1915, fixed only in releases after both libraries h5image runs), so any
     * reader would refuse the image. Versions 0 and 1 carry no checksum.
     */
    static void restoreChecksum(MemorySegment image) {
        long at = find(image);
        if (at < 0 || at + 12 > image.byteSize()) throw new InvalidImageException("libhdf5 returned an image with no superblock");
        int version = image.get(ValueLayout.JAVA_BYTE, at + 8);
        if (version != 2 && version != 3) return;
        int offsetSize = image.get(ValueLayout.JAVA_BYTE, at + 9);
        // signature 8, version, offset size, length size, flags, then 4 addresses; the checksum follows.
        long checksumAt = at + 12 + 4L * offsetSize;
        if (checksumAt + 4 > image.byteSize()) throw new InvalidImageException("libhdf5 returned an image that ends in its superblock");
        image.set(LittleEndian.INT, checksumAt, Lookup3.hash(image, at, checksumAt - at));
    }
}
