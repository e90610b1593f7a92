package io.h5image.bench;

import io.h5image.H5Image;
import io.h5image.NdArray;
import io.h5image.bindings.hdf5_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One payload size and everything the benchmarks of that size share. The payload exists twice:
 * as the Java array a caller hands to h5image, and in native memory, where the Julia recipe's
 * {@code H5Dwrite} reads it (a Julia array already is native memory, so the recipe is not
 * charged for staging it; that favours the recipe).
 */
@State(Scope.Thread)
public class Payloads {

    /** 80 B and 8 KB show fixed costs, 4 MB is the seed case (1000×500), 100 MB is bandwidth. */
    @Param({"80B", "8KB", "4MB", "100MB"})
    public String size;

    /** The Java array: double[] or, for the seed case, double[1000][500]. */
    Object array;
    /** The rows of {@link #array} (a 1-D array is one row), for the floor copy. */
    double[][] rows;
    long[] dims;
    long payloadBytes;

    /** The same values in native memory, for the recipe. */
    MemorySegment nativePayload;
    /** Written over and over by the floor and the reused-buffer serializers: its pages stay mapped. */
    MemorySegment reused;
    /** Allocates every image at the start of {@link #reused}. */
    SegmentAllocator reusedAllocator;
    /** An h5image image of {@link #array}, for deserialize. */
    MemorySegment image;
    /** A recipe image of the same values, for the recipe's deserialize. */
    MemorySegment recipeImage;

    private Arena arena;

    @Setup(Level.Trial)
    public void setUp() {
        // Loads libhdf5 into this class loader before hdf5_h's symbol lookups run.
        H5Image.library();
        Random random = new Random(42);
        switch (size) {
            case "80B" -> rows = new double[][] {values(10, random)};
            case "8KB" -> rows = new double[][] {values(1024, random)};
            case "4MB" -> {
                rows = new double[1000][];
                for (int i = 0; i < rows.length; i++) rows[i] = values(500, random);
            }
            case "100MB" -> rows = new double[][] {values(12_500_000, random)};
            // Not in the default run: the seed case as one flat double[], to tell the cost of walking a
            // nested array apart from the rest: run JMH with -p size=4MBflat.
            case "4MBflat" -> rows = new double[][] {values(500_000, random)};
            default -> throw new IllegalArgumentException("unknown size " + size + "; use 80B, 8KB, 4MB or 100MB");
        }
        array = rows.length == 1 ? rows[0] : rows;
        dims = rows.length == 1 ? new long[] {rows[0].length} : new long[] {rows.length, rows[0].length};
        payloadBytes = 8L * rows.length * rows[0].length;

        arena = Arena.ofShared();
        nativePayload = arena.allocate(payloadBytes, 64);
        copyRows(rows, nativePayload);
        // Room for any image of this payload: h5image asks for payload + 8 KiB up front.
        reused = arena.allocate(payloadBytes + (64 << 10), 64);
        reusedAllocator = SegmentAllocator.prefixAllocator(reused);

        image = copyOf(H5Image.serialize(array, arena));
        recipeImage = copyOf(JuliaRecipe.serialize(nativePayload, dims, arena));
        verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Copies each row to consecutive places in {@code target}: the floor, and what h5image must do at least. */
    static MemorySegment copyRows(double[][] rows, MemorySegment target) {
        long at = 0;
        for (double[] row : rows) {
            MemorySegment.copy(row, 0, target, ValueLayout.JAVA_DOUBLE, at, row.length);
            at += 8L * row.length;
        }
        return target;
    }

    /** A private copy, so nothing a benchmark writes into {@link #reused} can change it. */
    private MemorySegment copyOf(MemorySegment source) {
        return arena.allocate(source.byteSize(), 64).copyFrom(source);
    }

    private static double[] values(int n, Random random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.nextDouble();
        return v;
    }

    /** A benchmark of broken code measures nothing: check every path once before timing any. */
    private void verify() {
        NdArray back = H5Image.deserialize(image);
        require(back.isView(), "h5image deserialize gave a copy, not a view");
        require(sameAsPayload(back.segment()), "h5image round trip changed the values");
        require(sameAsPayload(H5Image.deserialize(H5Image.serialize(array, reusedAllocator)).segment()),
                "h5image into a reused buffer changed the values");
        JuliaRecipe.View view = JuliaRecipe.deserialize(recipeImage);
        require(java.util.Arrays.equals(view.dims(), dims), "recipe round trip changed the shape");
        require(sameAsPayload(view.data()), "recipe round trip changed the values");
        require(sameAsPayload(JuliaRecipe.deserialize(JuliaRecipe.serialize(nativePayload, dims, reusedAllocator)).data()),
                "recipe into a reused buffer changed the values");
        require(hdf5_h.H5T_NATIVE_DOUBLE_g() > 0, "libhdf5 not initialised");
    }

    private boolean sameAsPayload(MemorySegment data) {
        return data.byteSize() == payloadBytes && MemorySegment.mismatch(data, 0, payloadBytes, nativePayload, 0, payloadBytes) == -1;
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }
}
