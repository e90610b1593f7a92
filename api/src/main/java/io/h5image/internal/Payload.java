package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** The elements to store: dtype, C-order shape, and a bulk copy into the image at an offset. */
public interface Payload {
    DType dtype();

    /** C order; empty for a scalar. Never modified by the writer. */
    long[] shape();

    long byteSize();

    /** The byte order the elements arrive in (what the file stores unless options say otherwise). */
    ByteOrder order();

    /** Copies every element into {@code destination} at {@code offset}, converted to {@code storedOrder}. */
    void copyTo(MemorySegment destination, long offset, ByteOrder storedOrder);
}
