package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks version 2 object headers in Java before libhdf5 loads them. When an object header fails
 * its checksum inside libhdf5 (1.10.8 and 1.14.3 alike), the header libhdf5 had begun to decode is
 * never freed: about 430 bytes of native memory lost per failed open, measured. Checking the same
 * checksum here first means a corrupt header never reaches libhdf5, and the error names the object.
 * Version 1 headers carry no checksum, so their messages, and those of every header, are checked
 * for what libhdf5 trusts in them ({@link HeaderMessages}) before libhdf5 decodes one.
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
        private ObjectPaths paths;
        /** Objects' links and attributes, read and checked once per object (by header address). */
        private final Map<Long, ObjectIndex> indexes = new HashMap<>();
        /** Headers whose messages passed {@link HeaderMessages} (relative addresses). */
        private final java.util.Set<Long> messagesChecked = new java.util.HashSet<>();

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
                long root = addresses.rootObjectHeader() - addresses.base();
                checker.verify(root, "the root group");
                checker.checkedPaths.put("/", root);
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

        /** Every object's path, walked once, for references. */
        ObjectPaths paths() {
            if (paths == null) paths = ObjectPaths.of(this);
            return paths;
        }

        Superblock.Addresses addresses() {
            return addresses;
        }

        /**
         * The links and attributes of the checked object whose header is at {@code address}
         * (relative), read once: after this, libhdf5 may look them up, every block it would load checked.
         */
        ObjectIndex index(long address, String what) {
            ObjectIndex index = indexes.get(address);
            if (index == null) {
                index = ObjectIndex.read(this, address, what);
                indexes.put(address, index);
            }
            return index;
        }

        /** The address of the object at a checked path; null if not checked yet. */
        Long checked(String path) {
            return checkedPaths.get(path);
        }

        void checked(String path, long address) {
            checkedPaths.put(path, address);
        }

        /**
         * Checks the header at {@code address} as libhdf5 reports addresses (relative to the base
         * address): its checksum (version 2), then every message libhdf5 decodes when it opens the
         * object ({@link HeaderMessages}), once per header.
         */
        void verify(long address, String what) {
            if (address < 0 || address > Long.MAX_VALUE - addresses.base()) {
                throw new InvalidImageException("the object header of " + what + " is at an impossible address: the image is corrupt");
            }
            ObjectHeaders.verify(image, addresses.base() + address, what);
            if (!messagesChecked.add(address)) return;
            try {
                HeaderMessages.Dataset dataset = new HeaderMessages.Dataset();
                messages(this, address, what, (type, flags, order, at, size) -> {
                    boolean shared = (flags & SHARED) != 0;
                    HeaderMessages.check(image, addresses, type, shared, at, size, what);
                    if (shared && type == HeaderMessages.DATATYPE) {
                        dataset.committedDatatype(committedDatatype(address, at, size, what));
                    } else if (!shared) {
                        dataset.message(type, at);
                    } else if (type == HeaderMessages.DATASPACE) {
                        dataset.sharedDataspace();
                    }
                    return true;
                });
                dataset.checkSizes(image, addresses, what);
            } catch (RuntimeException e) {
                messagesChecked.remove(address);
                throw e;
            }
        }

        /**
         * A datatype message of the header at {@code self} shared with a committed datatype: version
         * (1), type (1), [reserved (6) in version 1], the committed datatype's header address. That
         * header is checked too, and its own datatype may not be shared again (libhdf5 would follow
         * such a chain until its stack ran out). Returns where the committed datatype's message
         * lies; -1 for a type kept in the shared message heap (version 3, type 1), which libhdf5
         * reads from that checksummed heap.
         */
        private long committedDatatype(long self, long at, long size, String what) {
            int version = size < 2 ? 0 : image.get(ValueLayout.JAVA_BYTE, at);
            int type = size < 2 ? 0 : image.get(ValueLayout.JAVA_BYTE, at + 1);
            if (version == 3 && type == 1) return -1;
            // Version 1: version, type, reserved (6), a reserved length-sized field, then the address.
            long field = at + (version == 1 ? 8 + addresses.lengthSize() : 2);
            if (version < 1 || version > 3 || field + addresses.offsetSize() > at + size) {
                throw new InvalidImageException("the object header of " + what + " has a shared datatype message that runs past its end"
                        + " or is of an unknown version: the image is corrupt");
            }
            long target = Superblock.address(image, field, addresses.offsetSize());
            if (target < 0 || target == self || target > Long.MAX_VALUE - addresses.base()) {
                throw new InvalidImageException("the object header of " + what + " shares its datatype with "
                        + (target == self ? "itself" : "no address") + ": the image is corrupt");
            }
            String committed = "the committed datatype of " + what;
            // Its own datatype may not be shared again: looked at before verify() follows it, so a
            // crafted chain of committed types ends here, not in a stack overflow.
            ObjectHeaders.verify(image, addresses.base() + target, committed);
            long[] typeAt = {-1};
            messages(this, target, committed, (messageType, flags, order, messageAt, messageSize) -> {
                if (messageType == HeaderMessages.DATATYPE && typeAt[0] < 0) {
                    if ((flags & SHARED) != 0) throw new InvalidImageException(committed + " shares its own datatype again: the image is corrupt");
                    typeAt[0] = messageAt;
                }
                return true;
            });
            verify(target, committed);
            return typeAt[0];
        }
    }

    private static final int OHDR = 0x5244484f; // "OHDR", little-endian
    private static final int OCHK = 0x4b48434f; // "OCHK", little-endian
    private static final int CONTINUATION = 0x10;
    /** At most this many chunks per header: a corrupt continuation chain cannot loop or run on. */
    private static final int MAX_CHUNKS = 4096;

    /** The first chunk of a version 2 header: where its messages start and end, and whether they carry a creation order. */
    private record FirstChunk(long messages, long end, boolean creationOrder) {}

    /** The first chunk of the version 2 header at {@code address}, its prefix checked against the image; null for any other header. */
    private static FirstChunk firstChunk(MemorySegment image, long address, String what) {
        long size = image.byteSize();
        if (address < 0 || address > size - 16) {
            throw new InvalidImageException("the object header of " + what + " would be at " + address + ", outside the "
                    + size + "-byte image: the image is corrupt");
        }
        if (image.get(LittleEndian.INT, address) != OHDR || image.get(ValueLayout.JAVA_BYTE, address + 4) != 2) return null;
        int flags = image.get(ValueLayout.JAVA_BYTE, address + 5);
        long at = address + 6;
        if ((flags & 0x20) != 0) at += 16; // access, modification, change and birth times
        if ((flags & 0x10) != 0) at += 4;  // attribute storage phase change values
        int width = 1 << (flags & 3);
        if (at + width > size) throw truncated(what, address, size);
        long chunk = LittleEndian.unsigned(image, at, width);
        long messages = at + width;
        if (chunk < 0 || chunk > size - 4 - messages) throw truncated(what, address, size);
        return new FirstChunk(messages, messages + chunk, (flags & 0x04) != 0);
    }

    /**
     * Checks the first chunk of the object header at absolute {@code address} of {@code image}, if
     * it is a version 2 header: its extent must lie inside the image and its checksum must match.
     */
    static void verify(MemorySegment image, long address, String what) {
        FirstChunk first = firstChunk(image, address, what);
        if (first != null && !Lookup3.matches(image, address, first.end() - address)) {
            throw new InvalidImageException("the object header of " + what + " at " + address
                    + " fails its checksum: the image is corrupt");
        }
    }

    /**
     * Receives one header message: its type, its flags (bit 1: shared, stored elsewhere), its
     * creation order where the header tracks it (else -1), and where its body lies in the image.
     */
    interface MessageVisitor {
        /** @return false to stop */
        boolean visit(int type, int flags, int order, long at, long size);
    }

    /** A message's flag bit saying its body is a reference to a message stored elsewhere (shared). */
    static final int SHARED = 0x02;

    /**
     * Visits the messages of the object header at {@code address} (relative, as libhdf5 reports it;
     * version 1 or 2), in every chunk, following continuation messages. Every extent is checked
     * against the image, and each version 2 continuation chunk against its checksum; the first chunk
     * must have been {@link #verify verified}; bytes that are no header of either version are corrupt.
     */
    static void messages(Checker checker, long address, String what, MessageVisitor visitor) {
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        long base = addresses.base();
        long at0 = base + address;
        long size = image.byteSize();
        FirstChunk first = firstChunk(image, at0, what);
        boolean v2 = first != null;
        // HDF5 has header versions 1 and 2 only: anything else where a header should be is not one
        // (libhdf5, given the root's cached symbol table instead, went on and crashed).
        if (!v2 && image.get(ValueLayout.JAVA_BYTE, at0) != 1) throw corrupt(what, at0, "is no object header (neither version 1 nor 2)");
        ArrayDeque<long[]> chunks = new ArrayDeque<>();
        chunks.add(v2 ? new long[] {first.messages(), first.end()}
                : new long[] {at0 + 16, at0 + 16 + Integer.toUnsignedLong(image.get(LittleEndian.INT, at0 + 8))});
        int headerSize = v2 ? 4 + (first.creationOrder() ? 2 : 0) : 8;
        int seen = 0;
        java.util.Set<Long> visited = new java.util.HashSet<>();
        while (!chunks.isEmpty()) {
            if (++seen > MAX_CHUNKS) throw corrupt(what, at0, "has more than " + MAX_CHUNKS + " chunks");
            long[] chunk = chunks.poll();
            long at = chunk[0];
            long stop = chunk[1];
            if (at < 0 || stop < at || stop > size) throw truncated(what, at0, size);
            while (stop - at >= headerSize) {
                // v2: type (1), size (2), flags (1)[, creation order (2)]; v1: type (2), size (2), flags (1), reserved (3).
                int type = (int) LittleEndian.unsigned(image, at, v2 ? 1 : 2);
                long body = LittleEndian.unsigned(image, at + (v2 ? 1 : 2), 2);
                int messageFlags = image.get(ValueLayout.JAVA_BYTE, at + (v2 ? 3 : 4)) & 0xff;
                int order = v2 && first.creationOrder() ? (int) LittleEndian.unsigned(image, at + 4, 2) : -1;
                long bodyAt = at + headerSize;
                if (bodyAt + body > stop) throw corrupt(what, at0, "has a message running past its chunk");
                if (type == CONTINUATION) {
                    if (body < addresses.offsetSize() + addresses.lengthSize()) throw corrupt(what, at0, "has a short continuation message");
                    long next = Superblock.address(image, bodyAt, addresses.offsetSize());
                    long length = Superblock.address(image, bodyAt + addresses.offsetSize(), addresses.lengthSize());
                    if (next < 0 || length < 0 || next > size - base || length > size - base - next) {
                        throw corrupt(what, at0, "continues outside the image");
                    }
                    long chunkAt = base + next;
                    if (!visited.add(chunkAt)) throw corrupt(what, at0, "continues into a chunk it has already read");
                    if (v2) {
                        if (length < 8 || image.get(LittleEndian.INT, chunkAt) != OCHK) {
                            throw corrupt(what, at0, "continues into a chunk with no OCHK signature");
                        }
                        if (!Lookup3.matches(image, chunkAt, length - 4)) throw corrupt(what, at0, "has a continuation chunk that fails its checksum");
                        chunks.add(new long[] {chunkAt + 4, chunkAt + length - 4});
                    } else {
                        chunks.add(new long[] {chunkAt, chunkAt + length});
                    }
                } else if (!visitor.visit(type, messageFlags, order, bodyAt, body)) {
                    return;
                }
                at = bodyAt + body;
            }
        }
    }

    private static InvalidImageException corrupt(String what, long address, String why) {
        return new InvalidImageException("the object header of " + what + " at " + address + " " + why + ": the image is corrupt");
    }

    private static InvalidImageException truncated(String what, long address, long size) {
        return new InvalidImageException("the object header of " + what + " at " + address + " runs past the end of the "
                + size + "-byte image: the image is corrupt or truncated");
    }
}
