package io.h5image.internal;

import io.h5image.H5Reference;
import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;

/**
 * Variable-length parts and references as libhdf5 converts them into memory: a sequence is a
 * {@code size_t} length and a pointer ({@code hvl_t}), a string a NUL-terminated {@code char*}, both
 * allocated by libhdf5 (and reclaimed by the caller after decoding); an object reference the
 * target's address ({@code hobj_ref_t}), a region reference the file's global heap reference
 * ({@code hdset_reg_ref_t}), resolved in Java from the image's bytes.
 */
final class MemoryFormHeap implements ValueDecoder.Heap {

    private final ObjectHeaders.Checker checker;
    private ReferenceResolver references;

    /** {@code checker} reads the image's bytes for references; null where the values hold none. */
    MemoryFormHeap(ObjectHeaders.Checker checker) {
        this.checker = checker;
    }

    @Override
    public long stringSlot() {
        return ValueLayout.ADDRESS.byteSize();
    }

    @Override
    public long sequenceSlot() {
        return 8 + ValueLayout.ADDRESS.byteSize(); // hvl_t: a size_t length and a pointer
    }

    @Override
    public long referenceSlot(boolean region) {
        return region ? 12 : 8; // hdset_reg_ref_t, hobj_ref_t
    }

    @Override
    public MemorySegment sequence(MemorySegment data, long at, long elementSize, String where) {
        long length = data.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
        MemorySegment pointer = data.get(ValueLayout.ADDRESS_UNALIGNED, at + 8);
        if (length == 0) return MemorySegment.NULL;
        if (length < 0 || length > Long.MAX_VALUE / elementSize || pointer.equals(MemorySegment.NULL)) {
            throw new InvalidImageException(where + " holds a sequence libhdf5 decoded to " + Long.toUnsignedString(length)
                    + " elements at " + pointer + ": the image is corrupt");
        }
        return pointer.reinterpret(length * elementSize); // libhdf5 allocated exactly this many
    }

    @Override
    public String string(MemorySegment data, long at, Charset charset, String where) {
        MemorySegment pointer = data.get(ValueLayout.ADDRESS_UNALIGNED, at);
        // libhdf5 allocated each of these and NUL-terminated it.
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0, charset);
    }

    @Override
    public H5Reference reference(MemorySegment data, long at, boolean region, String where) {
        ReferenceResolver resolver = resolver(where);
        if (!region) return resolver.object(data.get(ValueLayout.JAVA_LONG_UNALIGNED, at), where);
        return resolver.region(checker.heap().referenced(data, at, where), where);
    }

    private ReferenceResolver resolver(String where) {
        if (checker == null) throw new IllegalStateException(where + ": references need the image's bytes");
        if (references == null) references = new ReferenceResolver(checker);
        return references;
    }
}
