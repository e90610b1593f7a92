package io.h5image.internal;

import io.h5image.H5Reference;

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
        return sequenceSlot(); // a string is a sequence of bytes
    }

    @Override
    public long sequenceSlot() {
        return 4 + heap.offsetSize() + 4;
    }

    @Override
    public long referenceSlot(boolean region) {
        return region ? heap.offsetSize() + 4 : heap.offsetSize(); // a heap reference, or an address
    }

    @Override
    public MemorySegment sequence(MemorySegment data, long at, long elementSize, String where) {
        return heap.sequence(data, at, elementSize, where);
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
