package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** A rectangular Java array of rank >= 2 (or a boolean[]): copied leaf row by leaf row, no flattening first. */
record NestedArrayPayload(Object array, DType dtype, long[] shape) implements Payload {

    @Override
    public long byteSize() {
        return Shapes.byteSize(dtype, shape);
    }

    @Override
    public ByteOrder order() {
        return ByteOrder.nativeOrder();
    }

    @Override
    public void copyTo(MemorySegment destination, long offset, ByteOrder storedOrder) {
        copy(array, 0, destination, offset, dtype.layout().withOrder(storedOrder));
    }

    private long copy(Object level, int axis, MemorySegment destination, long offset, ValueLayout layout) {
        if (axis == shape.length - 1 || shape.length == 0) {
            // The checked length, not the row's: a row swapped since the check fails the copy instead
            // of writing past the payload.
            int length = shape.length == 0 ? 1 : (int) shape[axis];
            if (level instanceof boolean[] flags) {
                for (int i = 0; i < length; i++) destination.set(ValueLayout.JAVA_BYTE, offset + i, flags[i] ? (byte) 1 : 0);
            } else {
                MemorySegment.copy(level, 0, destination, layout, offset, length);
            }
            return offset + (long) length * dtype.size();
        }
        // Every level above the leaves is an Object[] (double[][] is one): no reflective Array.get per row.
        for (Object row : (Object[]) level) {
            offset = copy(row, axis + 1, destination, offset, layout);
        }
        return offset;
    }
}
