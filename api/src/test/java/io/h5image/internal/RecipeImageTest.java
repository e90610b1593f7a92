package io.h5image.internal;

import io.h5image.DType;
import io.h5image.H5Image;
import io.h5image.NdArray;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.h5image.bindings.hdf5_h.*;
import static org.junit.jupiter.api.Assertions.*;

/** Images made the C/Julia recipe's way (default file format, H5Fget_file_image) read like ours. */
class RecipeImageTest {

    @Test
    void recipeImagesDeserializeAsViews() {
        double[] values = new double[1000 * 50];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.25;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = recipeSerialize(values, arena);
            NdArray back = H5Image.deserialize(image);
            assertEquals(DType.FLOAT64, back.dtype());
            assertArrayEquals(new long[] {1000, 50}, back.shape());
            assertTrue(back.isView());
            for (int i = 0; i < values.length; i += 997) {
                assertEquals(values[i], back.segment().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i), "element " + i);
            }
        }
    }

    /** The recipe: core driver, H5Dwrite, H5Fget_file_image; superblock v0 as libhdf5 writes by default. */
    private static MemorySegment recipeSerialize(double[] values, Arena arena) {
        H5Image.library();
        Hdf5.lock();
        try {
            long fapl = H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g());
            H5Pset_fapl_core(fapl, 1 << 16, false);
            long file = H5Fcreate(arena.allocateFrom("recipe"), H5F_ACC_TRUNC(), H5P_DEFAULT(), fapl);
            long space = H5Screate_simple(2, arena.allocateFrom(ValueLayout.JAVA_LONG, 1000, 50), MemorySegment.NULL);
            long dataset = H5Dcreate2(file, arena.allocateFrom("data"), H5T_IEEE_F64LE_g(), space, H5P_DEFAULT(), H5P_DEFAULT(), H5P_DEFAULT());
            MemorySegment payload = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
            assertTrue(H5Dwrite(dataset, H5T_NATIVE_DOUBLE_g(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), payload) >= 0);
            H5Fflush(file, H5F_SCOPE_GLOBAL());
            long size = H5Fget_file_image(file, MemorySegment.NULL, 0);
            MemorySegment image = arena.allocate(size, 8);
            assertEquals(size, H5Fget_file_image(file, image, size));
            H5Dclose(dataset);
            H5Sclose(space);
            H5Fclose(file);
            H5Pclose(fapl);
            assertEquals(0, image.get(ValueLayout.JAVA_BYTE, 8), "the recipe writes superblock v0");
            return image;
        } finally {
            Hdf5.unlock();
        }
    }
}
