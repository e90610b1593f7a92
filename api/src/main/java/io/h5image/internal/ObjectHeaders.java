package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks version 2 object headers in Java before libhdf5 loads them. When an object header fails
 * its checksum inside libhdf5 (1.10.8 and 1.14.3 alike), the header libhdf5 had begun to decode is
 * never freed: about 430 bytes of native memory lost per failed open, measured. Checking the same
 * checksum here first means a corrupt header never reaches libhdf5, and the error names the object.
 * Version 1 headers carry no checksum; libhdf5 checks what it can of them itself.
 */
final class ObjectHeaders {
    private ObjectHeaders() {}

    /**
     * What an image opened from untrusted bytes needs to check its objects: the bytes libhdf5 reads
     * and the superblock's addresses. Files h5image creates have none.
     */
    static final class Checker {
        private final MemorySegment image;
        private final Superblock.Addresses addresses;
        /**
         * Paths already checked, with their object's address (relative, as libhdf5 reports it): the
         * file is read-only, so a path names the same header for the file's life, and a walk that
         * opens each object several times checks it once. Used under the lock.
         */
        private final Map<String, Long> checkedPaths = new HashMap<>();
        /** The image's global heap, its collections parsed once for every string attribute read. */
        private GlobalHeap heap;

        private Checker(MemorySegment image, Superblock.Addresses addresses) {
            this.image = image;
            this.addresses = addresses;
        }

        /** Checks the image's own headers: the root group's and the superblock extension's. Null where the superblock is not one h5image reads. */
        static Checker of(MemorySegment image) {
            Superblock.Addresses addresses = Superblock.addresses(image);
            if (addresses == null) return null;
            Checker checker = new Checker(image, addresses);
            if (addresses.rootObjectHeader() >= 0) {
                ObjectHeaders.verify(image, addresses.rootObjectHeader(), "the root group");
                checker.checkedPaths.put("/", addresses.rootObjectHeader() - addresses.base());
            }
            if (addresses.extensionObjectHeader() >= 0) {
                ObjectHeaders.verify(image, addresses.extensionObjectHeader(), "the superblock extension");
            }
            return checker;
        }

        MemorySegment image() {
            return image;
        }

        GlobalHeap heap() {
            if (heap == null) heap = GlobalHeap.of(image);
            return heap;
        }

        Superblock.Addresses addresses() {
            return addresses;
        }

        /** The address of the object at a checked path; null if not checked yet. */
        Long checked(String path) {
            return checkedPaths.get(path);
        }

        void checked(String path, long address) {
            checkedPaths.put(path, address);
        }

        /** Checks the header at {@code address} as libhdf5 reports addresses: relative to the base address. */
        void verify(long address, String what) {
            if (address < 0 || address > Long.MAX_VALUE - addresses.base()) {
                throw new InvalidImageException("the object header of " + what + " is at an impossible address: the image is corrupt");
            }
            ObjectHeaders.verify(image, addresses.base() + address, what);
        }
    }

    private static final int OHDR = 0x5244484f; // "OHDR", little-endian
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Checks the first chunk of the object header at absolute {@code address} of {@code image}, if
     * it is a version 2 header: its extent must lie inside the image and its checksum must match.
     */
    static void verify(MemorySegment image, long address, String what) {
        long size = image.byteSize();
        if (address < 0 || address > size - 16) {
            throw new InvalidImageException("the object header of " + what + " would be at " + address + ", outside the "
                    + size + "-byte image: the image is corrupt");
        }
        if (image.get(LE_INT, address) != OHDR || image.get(ValueLayout.JAVA_BYTE, address + 4) != 2) return;
        int flags = image.get(ValueLayout.JAVA_BYTE, address + 5);
        long at = address + 6;
        if ((flags & 0x20) != 0) at += 16; // access, modification, change and birth times
        if ((flags & 0x10) != 0) at += 4;  // attribute storage phase change values
        int width = 1 << (flags & 3);
        if (at + width > size) throw truncated(what, address, size);
        long chunk = unsigned(image, at, width);
        long covered = at + width - address + chunk;
        if (chunk < 0 || covered < 0 || address + covered > size - 4) throw truncated(what, address, size);
        if (!Lookup3.matches(image, address, covered)) {
            throw new InvalidImageException("the object header of " + what + " at " + address
                    + " fails its checksum: the image is corrupt");
        }
    }

    /** Receives one header message: its type, and where its body lies in the image. */
    interface MessageVisitor {
        /** @return false to stop */
        boolean visit(int type, long at, long size);
    }

    /** At most this many chunks per header: a corrupt continuation chain cannot loop or run on. */
    private static final int MAX_CHUNKS = 4096;
    private static final int CONTINUATION = 0x10;
    private static final int OCHK = 0x4b48434f; // "OCHK", little-endian

    /**
     * Visits the messages of the object header at absolute {@code address} (version 1 or 2), in
     * every chunk, following continuation messages. Every extent is checked against the image, and
     * each version 2 continuation chunk against its checksum; the first chunk must have been
     * {@link #verify verified}. Returns false for a header of a version it does not know.
     */
    static boolean messages(MemorySegment image, long address, int offsetSize, int lengthSize, long base, String what,
                            MessageVisitor visitor) {
        long size = image.byteSize();
        if (address < 0 || address > size - 16) throw truncated(what, address, size);
        boolean v2 = image.get(LE_INT, address) == OHDR;
        long start;
        long end;
        boolean creationOrder = false;
        if (v2) {
            if (image.get(ValueLayout.JAVA_BYTE, address + 4) != 2) return false;
            int flags = image.get(ValueLayout.JAVA_BYTE, address + 5);
            creationOrder = (flags & 0x04) != 0;
            long at = address + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
            int width = 1 << (flags & 3);
            if (at + width > size) throw truncated(what, address, size);
            start = at + width;
            end = start + unsigned(image, at, width);
        } else {
            if (image.get(ValueLayout.JAVA_BYTE, address) != 1) return false;
            start = address + 16;
            end = start + Integer.toUnsignedLong(image.get(LE_INT, address + 8));
        }
        java.util.ArrayDeque<long[]> chunks = new java.util.ArrayDeque<>();
        chunks.add(new long[] {start, end});
        int seen = 0;
        while (!chunks.isEmpty()) {
            if (++seen > MAX_CHUNKS) throw corrupt(what, address, "has more than " + MAX_CHUNKS + " chunks");
            long[] chunk = chunks.poll();
            long at = chunk[0];
            long stop = chunk[1];
            if (at < 0 || stop < at || stop > size) throw truncated(what, address, size);
            int headerSize = v2 ? 4 + (creationOrder ? 2 : 0) : 8;
            while (stop - at >= headerSize) {
                int type;
                long body;
                if (v2) {
                    type = image.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                    body = image.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at + 1) & 0xffffL;
                } else {
                    type = image.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at) & 0xffff;
                    body = image.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at + 2) & 0xffffL;
                }
                long bodyAt = at + headerSize;
                if (bodyAt + body > stop) throw corrupt(what, address, "has a message running past its chunk");
                if (type == CONTINUATION) {
                    if (body < offsetSize + lengthSize) throw corrupt(what, address, "has a short continuation message");
                    long next = Superblock.address(image, bodyAt, offsetSize);
                    long length = Superblock.address(image, bodyAt + offsetSize, lengthSize);
                    if (next < 0 || length < 0 || next > size - base || length > size - base - next) {
                        throw corrupt(what, address, "continues outside the image");
                    }
                    long chunkAt = base + next;
                    if (v2) {
                        if (length < 8 || image.get(LE_INT, chunkAt) != OCHK) throw corrupt(what, address, "continues into a chunk with no OCHK signature");
                        if (!Lookup3.matches(image, chunkAt, length - 4)) throw corrupt(what, address, "has a continuation chunk that fails its checksum");
                        chunks.add(new long[] {chunkAt + 4, chunkAt + length - 4});
                    } else {
                        chunks.add(new long[] {chunkAt, chunkAt + length});
                    }
                } else if (!visitor.visit(type, bodyAt, body)) {
                    return true;
                }
                at = bodyAt + body;
            }
        }
        return true;
    }

    private static InvalidImageException corrupt(String what, long address, String why) {
        return new InvalidImageException("the object header of " + what + " at " + address + " " + why + ": the image is corrupt");
    }

    /** A little-endian unsigned field of 1, 2, 4 or 8 bytes (8 may come out negative: callers check). */
    static long unsigned(MemorySegment image, long at, int width) {
        return switch (width) {
            case 1 -> image.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> image.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at) & 0xffffL;
            case 4 -> Integer.toUnsignedLong(image.get(LE_INT, at));
            default -> image.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at);
        };
    }

    private static InvalidImageException truncated(String what, long address, long size) {
        return new InvalidImageException("the object header of " + what + " at " + address + " runs past the end of the "
                + size + "-byte image: the image is corrupt or truncated");
    }
}
