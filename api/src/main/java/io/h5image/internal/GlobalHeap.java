package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;

/**
 * Variable-length strings read in Java, straight from the image: the heap references of a
 * contiguous dataset and the global heap collections they point into (HDF5 file format spec,
 * "Global Heap"). libhdf5's own global heap code is not a safety boundary: fuzzing crashed it
 * ({@code H5HG_read}) and hung it ({@code H5HG__protect}, {@code H5T__conv_vlen}) on corrupt
 * references and collections. Here every offset and size is checked against the image first, so a
 * corrupt image is an {@link InvalidImageException} that says which string and why.
 */
final class GlobalHeap {

    private static final int SIGNATURE = 0x4c4f4347; // "GCOL", little-endian

    /** One object of a collection: where its bytes are in the image and how many. */
    private record HeapObject(long at, long size) {}

    private final MemorySegment image;
    private final long base;
    private final int offsetSize;
    private final int lengthSize;
    private final Map<Long, Map<Integer, HeapObject>> collections = new HashMap<>();

    private GlobalHeap(MemorySegment image, long base, int offsetSize, int lengthSize) {
        this.image = image;
        this.base = base;
        this.offsetSize = offsetSize;
        this.lengthSize = lengthSize;
    }

    /** Bytes one heap reference takes in the file: a length, a collection address and an index. */
    long referenceSize() {
        return 4 + offsetSize + 4;
    }

    /**
     * The global heap of {@code image}, whose collections, once parsed, serve every later string:
     * keep one per image where many strings are read (each attribute's few strings would otherwise
     * parse their whole collection again).
     */
    static GlobalHeap of(MemorySegment image) {
        return new GlobalHeap(image, Superblock.find(image), Superblock.offsetSize(image), Superblock.lengthSize(image));
    }

    /**
     * Decodes {@code count} variable-length strings whose heap references start at {@code offset}
     * of this heap's image, in {@code charset}; at most {@code limit} bytes of text in all.
     */
    String[] strings(long offset, long count, Charset charset, long limit, String where) {
        long reference = referenceSize();
        String[] out = new String[Math.toIntExact(count)];
        long total = 0;
        for (int i = 0; i < count; i++) {
            long at = offset + i * reference;
            long length = Integer.toUnsignedLong(image.get(LittleEndian.INT, at));
            long collection = address(at + 4);
            long index = Integer.toUnsignedLong(image.get(LittleEndian.INT, at + 4 + offsetSize));
            if (collection == 0 && length == 0) {
                out[i] = "";
                continue;
            }
            total += length;
            if (total > limit) {
                throw new InvalidImageException(where + " would decode to more than " + limit + " bytes of strings"
                        + "; raise -Dh5image.maxDecodedBytes to read it");
            }
            HeapObject object = find(collection, index, where + " string [" + i + "]");
            if (length > object.size()) {
                throw new InvalidImageException(where + " string [" + i + "] claims " + length + " bytes but its heap object ("
                        + collection + "#" + index + ") holds " + object.size() + ": the image is corrupt");
            }
            byte[] bytes = new byte[(int) length];
            MemorySegment.copy(image, ValueLayout.JAVA_BYTE, object.at(), bytes, 0, bytes.length);
            out[i] = new String(bytes, charset);
        }
        return out;
    }

    /**
     * The variable-length string whose length and heap reference lie at {@code at} of {@code data}
     * (a dataset's elements, an attribute's data, a sequence's heap object).
     */
    String string(MemorySegment data, long at, Charset charset, String where) {
        return new String(sequence(data, at, 1, where).toArray(ValueLayout.JAVA_BYTE), charset);
    }

    /**
     * The elements of the variable-length sequence whose length (4 bytes) and heap reference lie at
     * {@code at} of {@code data}: a whole number of {@code elementSize}-byte elements of its heap
     * object, checked against it; empty for an empty sequence with no heap object. A string is a
     * sequence of bytes.
     */
    MemorySegment sequence(MemorySegment data, long at, long elementSize, String where) {
        long length = Integer.toUnsignedLong(data.get(LittleEndian.INT, at));
        String what = elementSize == 1 ? "a string of " + length + " bytes" : "a sequence of " + length + " elements";
        MemorySegment object = referenced(data, at + 4, where);
        if (object == null) {
            if (length != 0) throw new InvalidImageException(where + " holds " + what + " with no heap object: the image is corrupt");
            return MemorySegment.NULL;
        }
        if (length > object.byteSize() / elementSize) {
            throw new InvalidImageException(where + " holds " + what + (elementSize == 1 ? "" : " of " + elementSize + " bytes")
                    + " in a heap object of " + object.byteSize() + " bytes: the image is corrupt");
        }
        return object.asSlice(0, length * elementSize);
    }

    /** Bytes of the offsets (addresses) of this heap's file. */
    int offsetSize() {
        return offsetSize;
    }

    /**
     * The bytes of heap object {@code index} of the collection at {@code collection} (relative
     * address, as stored), checked against the collection and the image.
     */
    MemorySegment object(long collection, long index, String where) {
        HeapObject object = find(collection, index, where);
        return image.asSlice(object.at(), object.size());
    }

    /**
     * The heap object a heap reference of the file's form at {@code at} of {@code data} names
     * (collection address, then a 4-byte index); null for a reference to nothing (address 0).
     */
    MemorySegment referenced(MemorySegment data, long at, String where) {
        long collection = LittleEndian.unsigned(data, at, offsetSize);
        long index = Integer.toUnsignedLong(data.get(LittleEndian.INT, at + offsetSize));
        if (collection == 0 && index == 0) return null;
        return object(collection, index, where);
    }

    private long address(long at) {
        return LittleEndian.unsigned(image, at, offsetSize);
    }

    private long length(long at) {
        return LittleEndian.unsigned(image, at, lengthSize);
    }

    /** Object {@code index} of the collection at {@code collection}, the collection parsed once. */
    private HeapObject find(long collection, long index, String what) {
        Map<Integer, HeapObject> objects = collections.get(collection);
        if (objects == null) {
            objects = parse(collection, what);
            collections.put(collection, objects);
        }
        HeapObject object = index <= 0 || index > Integer.MAX_VALUE ? null : objects.get((int) index);
        if (object == null) {
            throw new InvalidImageException(what + " refers to object " + index + " of the global heap collection at "
                    + collection + ", which has no such object: the image is corrupt");
        }
        return object;
    }

    /** Parses one collection, every size checked against the collection and the image. */
    private Map<Integer, HeapObject> parse(long address, String where) {
        long start = base + address;
        long header = 8 + lengthSize;
        if (address < 0 || start < 0 || start > image.byteSize() - header) {
            throw corrupt(where, address, "lies outside the " + image.byteSize() + "-byte image");
        }
        if (image.get(LittleEndian.INT, start) != SIGNATURE) throw corrupt(where, address, "has no GCOL signature");
        if (image.get(ValueLayout.JAVA_BYTE, start + 4) != 1) throw corrupt(where, address, "has an unknown version");
        long size = length(start + 8);
        if (size < header || size > image.byteSize() - start) {
            throw corrupt(where, address, "claims " + size + " bytes, past the end of the image");
        }
        long end = start + size;
        Map<Integer, HeapObject> objects = new HashMap<>();
        long at = start + header;
        long objectHeader = 8 + lengthSize;
        while (at <= end - objectHeader) {
            int index = Short.toUnsignedInt(image.get(LittleEndian.SHORT, at));
            long objectSize = length(at + 8);
            if (index == 0) break; // the free space: the rest of the collection
            long data = at + objectHeader;
            if (objectSize < 0 || objectSize > end - data) {
                throw corrupt(where, address, "has object " + index + " of " + objectSize + " bytes, past the collection's end");
            }
            if (objects.put(index, new HeapObject(data, objectSize)) != null) {
                throw corrupt(where, address, "has object " + index + " twice");
            }
            long padded = (objectSize + 7) & ~7L;
            if (padded > end - data) break;
            at = data + padded;
        }
        return objects;
    }

    private static InvalidImageException corrupt(String where, long address, String what) {
        return new InvalidImageException(where + " refers to a global heap collection at " + address + " that " + what
                + ": the image is corrupt");
    }
}
