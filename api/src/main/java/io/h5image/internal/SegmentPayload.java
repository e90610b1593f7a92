package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Elements already laid out in one segment (a flat Java array, or an NdArray the caller owns). */
public record SegmentPayload(MemorySegment segment, DType dtype, long[] shape, ByteOrder order) implements Payload {

    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public void copyTo(MemorySegment destination, long offset, ByteOrder storedOrder) {
        long count = segment.byteSize() / dtype.size();
        if (dtype == DType.BOOL) {
            // Anything but 0 is TRUE; storing other bytes would make values h5py's enum cannot name.
            for (long i = 0; i < count; i++) {
                destination.set(ValueLayout.JAVA_BYTE, offset + i, segment.get(ValueLayout.JAVA_BYTE, i) != 0 ? (byte) 1 : 0);
            }
        } else if (storedOrder == order || dtype.size() == 1) {
            MemorySegment.copy(segment, 0, destination, offset, segment.byteSize());
        } else {
            ValueLayout layout = dtype.layout();
            MemorySegment.copy(segment, layout.withOrder(order), 0, destination, layout.withOrder(storedOrder), offset, count);
        }
    }
}
