package io.h5image;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

class LifetimeTest {

    @Test
    void aViewDiesWithItsArena() {
        NdArray view;
        try (Arena arena = Arena.ofConfined()) {
            view = H5Image.deserialize(H5Image.serialize(new long[] {1, 2, 3}, arena));
            assertTrue(view.isView());
            assertEquals(2L, view.segment().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, 1));
        }
        ImageClosedException e = assertThrows(ImageClosedException.class, view::segment);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(ImageClosedException.class, view::toArray);
        assertArrayEquals(new long[] {3}, view.shape(), "metadata stays readable after close");
    }

    @Test
    void aClosedImageCannotBeDeserialized() {
        MemorySegment image;
        try (Arena arena = Arena.ofConfined()) {
            image = H5Image.serialize(new int[] {1}, arena);
        }
        assertThrows(ImageClosedException.class, () -> H5Image.deserialize(image));
        assertThrows(ImageClosedException.class, () -> H5Image.inspect(image));
    }

    @Test
    void heapImagesGiveUnalignedViewsOfTheArray() {
        byte[] image = H5Image.serializeToBytes(new double[] {1.5, 2.5});
        NdArray view = H5Image.deserialize(image);
        assertTrue(view.isView(), "a byte[] image is viewed in place");
        assertFalse(view.segment().isNative());
        assertEquals(2.5, view.segment().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, 1));
        image[(int) (view.segment().address() + 8)] ^= 1; // heap address() is the offset into the array
        assertNotEquals(2.5, view.segment().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, 1), "the view shares the array");
    }
}
