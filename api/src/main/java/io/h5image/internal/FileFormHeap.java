package io.h5image.internal;

import io.h5image.H5Reference;
import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;

/**
 * Variable-length parts and references as the file stores them, decoded in Java: a sequence or a
 * string is a 4-byte length and a global heap reference, an object reference an address, a region
 * reference a global heap reference. libhdf5 never sees them ({@link GlobalHeap} says why).
 */
final class FileFormHeap implements ValueDecoder.Heap {

    private final GlobalHeap heap;
    private final ReferenceResolver references;

    FileFormHeap(ObjectHeaders.Checker checker) {
        this.heap = checker.heap();
        this.references = new ReferenceResolver(checker);
    }

    @Override
    public long stringSlot() {
        return 4 + heap.offsetSize() + 4;
    }

    @Override
    public MemorySegment sequence(MemorySegment data, long at, long elementSize, String where) {
        long length = Integer.toUnsignedLong(data.get(LittleEndian.INT, at));
        MemorySegment object = heap.referenced(data, at + 4, where);
        if (object == null) {
            if (length != 0) throw new InvalidImageException(where + " holds a sequence of " + length + " elements with no heap object: the image is corrupt");
            return MemorySegment.NULL;
        }
        if (length > object.byteSize() / elementSize) {
            throw new InvalidImageException(where + " holds a sequence of " + length + " elements of " + elementSize
                    + " bytes in a heap object of " + object.byteSize() + ": the image is corrupt");
        }
        return object.asSlice(0, length * elementSize);
    }

    @Override
    public String string(MemorySegment data, long at, Charset charset, String where) {
        return heap.string(data, at, charset, where);
    }

    @Override
    public H5Reference reference(MemorySegment data, long at, boolean region, String where) {
        if (region) return references.region(heap.referenced(data, at, where), where);
        return references.object(LittleEndian.unsigned(data, at, heap.offsetSize()), where);
    }
}
