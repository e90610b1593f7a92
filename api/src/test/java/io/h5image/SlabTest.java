package io.h5image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hyperslab reads and reads into the caller's memory: random slabs of contiguous, big-endian and
 * chunked data, of images opened in place and of files being written, against a slab cut in Java;
 * one-run slabs of contiguous data are views; the allocator is asked once, exactly, or not at all.
 */
class SlabTest {

    private static final long[] SHAPE = {7, 5, 3};

    /** The elements 0..n-1 as int32, shape {@link #SHAPE}. */
    private static int[][][] data() {
        int[][][] d = new int[7][5][3];
        int v = 0;
        for (int[][] plane : d) for (int[] row : plane) for (int k = 0; k < row.length; k++) row[k] = v++;
        return d;
    }

    private static int expected(long i, long j, long k) {
        return (int) ((i * SHAPE[1] + j) * SHAPE[2] + k);
    }

    /** The image variants: contiguous little- and big-endian, chunked and compressed. */
    private static byte[] image(String variant) {
        ImageOptions options = switch (variant) {
            case "contiguous" -> ImageOptions.defaults();
            case "big-endian" -> ImageOptions.defaults().order(ByteOrder.BIG_ENDIAN);
            case "chunked" -> ImageOptions.defaults().chunks(3, 2, 3).deflate(1).shuffle(true);
            default -> throw new AssertionError(variant);
        };
        return H5Image.serializeToBytes(data(), options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"contiguous", "big-endian", "chunked"})
    void randomSlabsEqualTheSlabCutInJava(String variant) {
        byte[] image = image(variant);
        SplittableRandom random = new SplittableRandom(variant.hashCode());
        try (Arena arena = Arena.ofConfined();
             H5File fromBytes = H5File.open(image);
             H5File inPlace = H5File.open(arena.allocateFrom(ValueLayout.JAVA_BYTE, image))) {
            for (int trial = 0; trial < 300; trial++) {
                long[] start = new long[3];
                long[] count = new long[3];
                long[] stride = new long[3];
                for (int axis = 0; axis < 3; axis++) {
                    stride[axis] = 1 + random.nextInt(3);
                    start[axis] = random.nextLong(SHAPE[axis]);
                    long room = (SHAPE[axis] - 1 - start[axis]) / stride[axis] + 1;
                    count[axis] = random.nextLong(room + 1); // 0 to as many as fit
                }
                for (H5File file : List.of(fromBytes, inPlace)) {
                    NdArray slab = file.dataset("data").readSlab(start, count, stride, arena);
                    assertArrayEquals(count, slab.shape());
                    assertSlab(slab, start, stride, () -> variant + " " + Arrays.toString(start) + " " + Arrays.toString(count)
                            + " " + Arrays.toString(stride));
                }
            }
        }
    }

    private static void assertSlab(NdArray slab, long[] start, long[] stride, java.util.function.Supplier<String> what) {
        int[][][] got = (int[][][]) slab.toArray();
        for (int i = 0; i < got.length; i++) {
            for (int j = 0; j < got[i].length; j++) {
                for (int k = 0; k < got[i][j].length; k++) {
                    int want = expected(start[0] + i * stride[0], start[1] + j * stride[1], start[2] + k * stride[2]);
                    if (got[i][j][k] != want) fail(what.get() + ": element [" + i + ", " + j + ", " + k + "] is " + got[i][j][k] + ", not " + want);
                }
            }
        }
    }

    @Test
    void oneRunSlabsOfContiguousDataAreViewsAndAskNoMemory() {
        byte[] image = image("contiguous");
        try (H5File file = H5File.open(image)) {
            Dataset d = file.dataset("data");
            Counting where = new Counting();
            NdArray rows = d.readSlab(new long[] {2, 0, 0}, new long[] {3, 5, 3}, null, where);
            assertTrue(rows.isView(), "a range of the first axis is a slice of the image");
            assertEquals(0, where.calls, "a view asks for no memory");
            assertEquals(expected(2, 0, 0), rows.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0));
            assertEquals(3L * 5 * 3 * 4, rows.segment().byteSize());
            // A single row inside one plane is one run too; so is a strided axis of count 1.
            NdArray row = d.readSlab(new long[] {4, 1, 0}, new long[] {1, 1, 3}, new long[] {5, 1, 1}, where);
            assertTrue(row.isView());
            assertSlab(row, new long[] {4, 1, 0}, new long[] {1, 1, 1}, () -> "row");
            assertTrue(d.readSlab(new long[] {1, 0, 0}, new long[] {2, 5, 3}).isView());
            assertEquals(0, where.calls);

            NdArray columns = d.readSlab(new long[] {0, 0, 1}, new long[] {7, 5, 1}, null, where);
            assertFalse(columns.isView(), "a column is gathered");
            assertEquals(1, where.calls, "asked once");
            assertEquals(7L * 5 * 4, where.lastSize, "for the exact size");
            assertSlab(columns, new long[] {0, 0, 1}, new long[] {1, 1, 1}, () -> "column");
        }
    }

    @Test
    void wholeReadsIntoTheCallersMemory() {
        try (H5File file = H5File.open(image("chunked")); Arena arena = Arena.ofConfined()) {
            Counting where = new Counting(arena);
            NdArray all = file.dataset("data").read(where);
            assertEquals(1, where.calls);
            assertEquals(7L * 5 * 3 * 4, where.lastSize);
            assertTrue(Arrays.deepEquals(data(), (int[][][]) all.toArray()));
            assertEquals(arena.scope(), all.segment().scope(), "the elements live in the caller's arena");
        }
        try (H5File file = H5File.open(image("contiguous"))) {
            Counting where = new Counting();
            assertTrue(file.dataset("data").read(where).isView());
            assertEquals(0, where.calls);
        }
    }

    @Test
    void heapAllocatorsWorkForDecodedData() {
        SegmentAllocator heap = (size, alignment) -> MemorySegment.ofArray(new byte[(int) size]);
        try (H5File file = H5File.open(image("chunked"))) {
            NdArray all = file.dataset("data").read(heap);
            assertFalse(all.segment().isNative());
            assertTrue(Arrays.deepEquals(data(), (int[][][]) all.toArray()));
            NdArray slab = file.dataset("data").readSlab(new long[] {1, 1, 1}, new long[] {2, 2, 2}, new long[] {2, 2, 1}, heap);
            assertSlab(slab, new long[] {1, 1, 1}, new long[] {2, 2, 1}, () -> "heap slab");
        }
    }

    @Test
    void slabsOfAFileBeingWritten() {
        try (H5File file = H5File.create()) {
            file.createDataset("d", data());
            NdArray slab = file.dataset("d").readSlab(new long[] {6, 4, 0}, new long[] {1, 1, 3});
            assertSlab(slab, new long[] {6, 4, 0}, new long[] {1, 1, 1}, () -> "written file");
            file.createDataset("s", 42.5);
            assertEquals(42.5, file.dataset("s").readSlab(new long[0], new long[0]).toArray());
        }
    }

    @Test
    void emptySlabs() {
        try (H5File file = H5File.open(image("chunked"))) {
            Counting where = new Counting();
            NdArray none = file.dataset("data").readSlab(new long[] {7, 0, 0}, new long[] {0, 5, 3}, null, where);
            assertArrayEquals(new long[] {0, 5, 3}, none.shape());
            assertEquals(0, none.segment().byteSize());
        }
    }

    @Test
    void badSlabsAreRefusedWithTheAxisAndLength() {
        try (H5File file = H5File.open(image("contiguous"))) {
            Dataset d = file.dataset("data");
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> d.readSlab(new long[] {0, 0}, new long[] {1, 1}));
            assertTrue(rank.getMessage().contains("needs 3") && rank.getMessage().contains("/data"), rank.getMessage());
            IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class,
                    () -> d.readSlab(new long[] {0, 3, 0}, new long[] {1, 2, 1}, new long[] {1, 2, 1}, Arena.ofAuto()));
            assertTrue(past.getMessage().contains("axis 1") && past.getMessage().contains("length 5"), past.getMessage());
            IndexOutOfBoundsException huge = assertThrows(IndexOutOfBoundsException.class,
                    () -> d.readSlab(new long[] {1, 0, 0}, new long[] {2, 1, 1}, new long[] {Long.MAX_VALUE, 1, 1}, Arena.ofAuto()),
                    "a stride that overflows is still out of bounds");
            assertTrue(huge.getMessage().contains("axis 0"), huge.getMessage());
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> d.readSlab(new long[] {-1, 0, 0}, new long[] {1, 1, 1}));
            assertTrue(negative.getMessage().contains("start -1"), negative.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.readSlab(new long[] {0, 0, 0}, new long[] {1, 1, 1},
                    new long[] {0, 1, 1}, Arena.ofAuto()));
            assertThrows(NullPointerException.class, () -> d.read(null));
        }
    }

    @Test
    void anAllocatorGivingTooLittleIsReportedNotWrittenPast() {
        try (H5File file = H5File.open(image("chunked"))) {
            SegmentAllocator stingy = (size, alignment) -> Arena.ofAuto().allocate(size / 2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> file.dataset("data").read(stingy));
            assertTrue(e.getMessage().contains("allocator") && e.getMessage().contains("/data"), e.getMessage());
        }
    }

    /** Counts calls; hands out automatic memory unless given an arena. */
    private static final class Counting implements SegmentAllocator {
        final SegmentAllocator inner;
        int calls;
        long lastSize = -1;
        final List<Long> sizes = new ArrayList<>();

        Counting() {
            this(Arena.ofAuto());
        }

        Counting(SegmentAllocator inner) {
            this.inner = inner;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            calls++;
            lastSize = byteSize;
            sizes.add(byteSize);
            return inner.allocate(byteSize, byteAlignment);
        }
    }
}
