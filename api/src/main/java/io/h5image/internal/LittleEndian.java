package io.h5image.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * HDF5's own integers as h5image reads them from an image: little-endian, unaligned, 1, 2, 4 or 8
 * bytes wide. The layouts are made once, for every reader of the format (superblock, object
 * headers, global heap, checksums).
 */
final class LittleEndian {
    private LittleEndian() {}

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** An unsigned field of {@code width} bytes (1, 2, 4 or 8) at {@code at}; 8 bytes may come out negative, callers check. */
    static long unsigned(MemorySegment data, long at, int width) {
        return switch (width) {
            case 1 -> data.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> data.get(SHORT, at) & 0xffffL;
            case 4 -> Integer.toUnsignedLong(data.get(INT, at));
            case 8 -> data.get(LONG, at);
            default -> throw new IllegalArgumentException("a " + width + "-byte field");
        };
    }

    /** An unsigned field of any width from 1 to 8 bytes (heap offsets and lengths come in odd widths). */
    static long bytes(MemorySegment data, long at, int width) {
        if (width < 1 || width > 8) throw new IllegalArgumentException("a " + width + "-byte field");
        long value = 0;
        for (int i = width - 1; i >= 0; i--) value = value << 8 | (data.get(ValueLayout.JAVA_BYTE, at + i) & 0xffL);
        return value;
    }
}
