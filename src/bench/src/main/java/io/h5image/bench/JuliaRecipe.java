package io.h5image.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

import static io.h5image.bindings.hdf5_h.*;

/**
 * The Julia recipe (HDF5.jl + ccall) that h5image replaces, call for call, through the same
 * bindings: what a careful user would write by hand. It is the yardstick, so it stays as the
 * recipe has it: HDF5's default file format, {@code H5Dwrite} from native memory, and the extra
 * {@code H5Fget_file_image} copy. Errors only throw; error stacks are h5image's business.
 * Callers serialize all calls (libhdf5 is not thread-safe); the benchmarks run one thread.
 */
final class JuliaRecipe {

    /** HDF5.jl's {@code Drivers.Core} default increment. */
    private static final long CORE_INCREMENT = 8192;
    private static final MemorySegment FILE_NAME = Arena.global().allocateFrom("recipe.h5");
    private static final MemorySegment DATA = Arena.global().allocateFrom("data");

    /** What the recipe's deserialize returns: the elements as a slice of the image, and the shape. */
    record View(MemorySegment data, long[] dims) {}

    private JuliaRecipe() {}

    /** Writes {@code payload} (float64, C order) as dataset "data" and copies the image into memory from {@code out}. */
    static MemorySegment serialize(MemorySegment payload, long[] dims, SegmentAllocator out) {
        long fapl = check(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), "H5Pcreate");
        long file = -1, space = -1, dataset = -1;
        try (Arena arena = Arena.ofConfined()) {
            check(H5Pset_fapl_core(fapl, CORE_INCREMENT, false), "H5Pset_fapl_core");
            file = check(H5Fcreate(FILE_NAME, H5F_ACC_TRUNC(), H5P_DEFAULT(), fapl), "H5Fcreate");
            space = check(H5Screate_simple(dims.length, arena.allocateFrom(ValueLayout.JAVA_LONG, dims), MemorySegment.NULL),
                    "H5Screate_simple");
            dataset = check(H5Dcreate2(file, DATA, H5T_NATIVE_DOUBLE_g(), space, H5P_DEFAULT(), H5P_DEFAULT(), H5P_DEFAULT()),
                    "H5Dcreate2");
            check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE_g(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), payload), "H5Dwrite");
            check(H5Fflush(file, H5F_SCOPE_GLOBAL()), "H5Fflush");
            long size = check(H5Fget_file_image(file, MemorySegment.NULL, 0), "H5Fget_file_image(size)");
            MemorySegment image = out.allocate(size, 64);
            check(H5Fget_file_image(file, image, size), "H5Fget_file_image");
            return image;
        } finally {
            if (dataset >= 0) H5Dclose(dataset);
            if (space >= 0) H5Sclose(space);
            if (file >= 0) H5Fclose(file);
            H5Pclose(fapl);
        }
    }

    /** Opens the image in place (no copy, never freed by HDF5) and returns a slice of it at the dataset's offset. */
    static View deserialize(MemorySegment image) {
        long file = check(H5LTopen_file_image(image, image.byteSize(),
                H5LT_FILE_IMAGE_DONT_COPY() | H5LT_FILE_IMAGE_DONT_RELEASE()), "H5LTopen_file_image");
        long dataset = -1, type = -1, space = -1;
        try (Arena arena = Arena.ofConfined()) {
            dataset = check(H5Dopen2(file, DATA, H5P_DEFAULT()), "H5Dopen2");
            long offset = H5Dget_offset(dataset);
            type = check(H5Dget_type(dataset), "H5Dget_type");
            if (H5Tget_class(type) != H5T_FLOAT() || H5Tget_size(type) != 8) {
                throw new IllegalStateException("the recipe reads float64 only");
            }
            space = check(H5Dget_space(dataset), "H5Dget_space");
            int rank = check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims");
            MemorySegment dimsOut = arena.allocate(ValueLayout.JAVA_LONG, Math.max(rank, 1));
            check(H5Sget_simple_extent_dims(space, dimsOut, MemorySegment.NULL), "H5Sget_simple_extent_dims");
            long[] dims = dimsOut.asSlice(0, 8L * rank).toArray(ValueLayout.JAVA_LONG);
            long bytes = 8;
            for (long d : dims) bytes *= d;
            return new View(image.asSlice(offset, bytes), dims);
        } finally {
            if (space >= 0) H5Sclose(space);
            if (type >= 0) H5Tclose(type);
            if (dataset >= 0) H5Dclose(dataset);
            H5Fclose(file);
        }
    }

    private static long check(long id, String call) {
        if (id < 0) throw new IllegalStateException(call + " failed (" + id + ")");
        return id;
    }

    private static int check(int status, String call) {
        if (status < 0) throw new IllegalStateException(call + " failed (" + status + ")");
        return status;
    }
}
