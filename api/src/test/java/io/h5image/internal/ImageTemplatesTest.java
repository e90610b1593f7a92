package io.h5image.internal;

import io.h5image.H5Image;
import io.h5image.NdArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** The read cache: keyed soundly, and never paying libhdf5 work for a shape seen once. */
class ImageTemplatesTest {

    @BeforeEach
    @AfterEach
    void fresh() {
        ImageTemplates.setEnabled(true);
    }

    private static MemorySegment nativeCopy(byte[] bytes) {
        MemorySegment image = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, image, 0, bytes.length);
        return image;
    }

    /** int32[1000] and float32[1000] images have the same size: alternating them once thrashed a size-keyed cache. */
    @Test
    void twoDtypesOfOneImageSizeBothStayCached() {
        MemorySegment ints = H5Image.serialize(new int[1000]);
        MemorySegment floats = H5Image.serialize(new float[1000]);
        assertEquals(ints.byteSize(), floats.byteSize(), "the point of the test: equal image sizes");
        H5Image.deserialize(ints);
        H5Image.deserialize(floats);
        long opens = NativeFile.OPENS.get();
        for (int i = 0; i < 100; i++) {
            assertEquals(io.h5image.DType.INT32, H5Image.deserialize(ints).dtype());
            assertEquals(io.h5image.DType.FLOAT32, H5Image.deserialize(floats).dtype());
        }
        assertEquals(opens, NativeFile.OPENS.get(), "alternating dtypes of one size must all be served from templates");
    }

    /** A process that only reads: a shape seen once costs no template; seen again, it does, and then hits. */
    @Test
    void aReadMissMakesNoTemplateUntilTheShapeComesBack() {
        byte[] bytes = H5Image.serializeToBytes(new long[7][3]);
        ImageTemplates.clear(); // forget the writer's template: now this process has only read
        MemorySegment image = nativeCopy(bytes);
        long made = ImageWriter.TEMPLATES_MADE.get();
        H5Image.deserialize(image);
        assertEquals(made, ImageWriter.TEMPLATES_MADE.get(), "a one-off read must not build a template through libhdf5");
        H5Image.deserialize(image);
        assertEquals(made + 1, ImageWriter.TEMPLATES_MADE.get(), "the second read of a shape builds it once");
        long opens = NativeFile.OPENS.get();
        NdArray back = H5Image.deserialize(image);
        assertEquals(opens, NativeFile.OPENS.get(), "from then on, reads are served by the template");
        assertArrayEquals(new long[] {7, 3}, back.shape());
    }

    @Test
    void mixedShapesBuildNothingOnRead() {
        ImageTemplates.setEnabled(false); // written by "another process": no templates kept here
        byte[][] images = new byte[50][];
        for (int i = 0; i < images.length; i++) images[i] = H5Image.serializeToBytes(new short[i + 1][3]);
        ImageTemplates.setEnabled(true);
        long made = ImageWriter.TEMPLATES_MADE.get();
        for (byte[] image : images) H5Image.deserialize(image);
        assertEquals(made, ImageWriter.TEMPLATES_MADE.get(), "50 distinct shapes read once each: no template work");
    }
}
