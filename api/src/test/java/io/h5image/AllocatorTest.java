package io.h5image;

import io.h5image.internal.ImageTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The caller's allocator is asked once, for the exact size, outside any libhdf5 callback: whatever
 * it does (heap memory, too little memory, throwing) cannot crash the JVM, and warm (template) and
 * cold (libhdf5) paths behave the same.
 */
class AllocatorTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void heapAllocatorsWork(boolean templates) {
        ImageTemplates.setEnabled(templates);
        try {
            long[][] values = {{1, 2, 3}, {4, 5, 6}};
            MemorySegment image = H5Image.serialize(values, (size, alignment) -> MemorySegment.ofArray(new byte[(int) size]));
            assertFalse(image.isNative());
            assertTrue(Arrays.deepEquals(values, (long[][]) H5Image.deserialize(image).toArray()));
            MemorySegment compressed = H5Image.serialize(values, ImageOptions.defaults().deflate(1),
                    SegmentAllocator.prefixAllocator(MemorySegment.ofArray(new byte[1 << 16])));
            assertTrue(Arrays.deepEquals(values, (long[][]) H5Image.deserialize(compressed).toArray()));
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anExactlySizedBufferIsEnoughAndASmallerOneFailsCleanly(boolean templates) {
        double[][] seed = new double[100][50];
        long size = H5Image.serialize(seed).byteSize();
        ImageTemplates.setEnabled(templates);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exact = arena.allocate(size, 64);
            assertEquals(size, H5Image.serialize(seed, SegmentAllocator.prefixAllocator(exact)).byteSize());
            MemorySegment small = arena.allocate(size - 1, 64);
            assertThrows(IndexOutOfBoundsException.class, () -> H5Image.serialize(seed, SegmentAllocator.prefixAllocator(small)));
            IllegalArgumentException shortChange = assertThrows(IllegalArgumentException.class,
                    () -> H5Image.serialize(seed, (s, a) -> arena.allocate(16)));
            assertTrue(shortChange.getMessage().contains("16 bytes"), shortChange.getMessage());
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }

    @Test
    void whateverTheAllocatorThrowsReachesTheCaller() {
        ImageTemplates.setEnabled(false);
        try {
            AssertionError thrown = assertThrows(AssertionError.class,
                    () -> H5Image.serialize(new int[10], (s, a) -> { throw new AssertionError("my allocator is full"); }));
            assertEquals("my allocator is full", thrown.getMessage());
            assertThrows(IllegalStateException.class, () -> H5Image.serialize(new int[10], ImageOptions.defaults().deflate(1),
                    (s, a) -> { throw new IllegalStateException("full"); }));
            assertArrayEquals(new int[] {5}, (int[]) H5Image.deserialize(H5Image.serialize(new int[] {5})).toArray(),
                    "the library keeps working after an allocator failure");
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }
}
