package io.h5image.it;

import io.h5image.DType;
import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.H5Image;
import io.h5image.ImageOptions;
import io.h5image.InvalidImageException;
import io.h5image.NdArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Images are bytes from elsewhere, so a hostile one must be refused (an {@link H5Exception}) or
 * read correctly: never read the local disk, never hang, never allocate what the image merely
 * claims, never poison what a later, ordinary image deserializes to. The images come from
 * write_hostile_images.py (its docstring lists them); each case here is an attack a review
 * reproduced against libhdf5's defaults.
 * <p>
 * A hang must fail the test, not the build: libhdf5 calls are serialized by one process-wide lock,
 * so a call stuck inside libhdf5 would block every later test of the JVM. Each case that could hang
 * therefore has a way out: the pipe case opens the pipe itself afterwards (which releases a reader
 * blocked in {@code open}), and the link cycle, which would spin in a loop nothing can interrupt,
 * runs in a child JVM that is killed.
 */
class HostileImagesTest {

    /** Far above what any of these takes when handled right, far below "hangs". */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** The local file's datasets: int16 [7, 3], values 31000 + index (see write_hostile_images.py). */
    private static final long[] SECRET_SHAPE = {7, 3};
    private static final String SECRET_TYPE = "int16";

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeImages() {
        Tools.requirePython();
        Tools.runPython("write_hostile_images.py", dir, dir.toString()).requireSuccess();
    }

    private static byte[] image(String name) {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What came back, for a failure message: dtype, shape and (the start of) the values. */
    private static String describe(NdArray array) {
        String values;
        if (array.segment().byteSize() > 4096) values = "(" + array.segment().byteSize() + " bytes)";
        else values = Arrays.deepToString(new Object[] {array.toArray()});
        return array + " = " + values;
    }

    /**
     * Runs {@code call}, which must throw {@code refusal}; fails with {@code requirement} and what
     * happened instead: the array it returned (so a leak shows its values), or the other throwable.
     */
    private static <T extends H5Exception> T assertRefused(Class<T> refusal, ThrowingSupplier<NdArray> call, String requirement) {
        NdArray returned;
        try {
            returned = call.get();
        } catch (Throwable thrown) {
            if (refusal.isInstance(thrown)) return refusal.cast(thrown);
            // JUnit treats an OutOfMemoryError as unrecoverable and aborts the whole run. Here it is a refused
            // reservation of what a tiny image claims (nothing was allocated), so it is safe to report as a failure.
            throw new AssertionFailedError(requirement + ", but it threw " + thrown, thrown);
        }
        throw new AssertionFailedError(requirement + ", but it returned " + describe(returned));
    }

    // ---- 1. External links: the image names a file on the reader's disk -----------------------

    /**
     * An external link makes libhdf5 open another HDF5 file, by any path, when the link is
     * traversed: the image's author picks a file on the reader's disk and gets its dataset back
     * as the array. Both a chunked and a contiguous target are tried; they take different read
     * paths in h5image (copy vs. view).
     */
    @ParameterizedTest
    @ValueSource(strings = {"data", "contig"})
    void externalLinkIsRefused(String path) {
        byte[] image = image("extlink.h5");
        H5Exception e = assertRefused(H5Exception.class, () -> H5Image.deserialize(image, path),
                "'" + path + "' is an external link to a local file: deserialize(image, \"" + path
                        + "\") must refuse it with an H5Exception");
        assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("external link"),
                () -> "the refusal of '" + path + "' should say it is an external link, but said: " + e);
    }

    /** The default path ("data") goes through the same check as an explicit one. */
    @Test
    void externalLinkIsRefusedAtTheDefaultPath() {
        byte[] image = image("extlink.h5");
        H5Exception e = assertRefused(H5Exception.class, () -> H5Image.deserialize(image),
                "'data' is an external link to a local file: deserialize(image) must refuse it with an H5Exception");
        assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("external link"),
                () -> "the refusal should say 'data' is an external link, but said: " + e);
    }

    /**
     * The link need not be the last component: "g" is an external link to a group of the local
     * file, and "g/data" resolves through it. Checking only the final name would miss this.
     */
    @Test
    void externalLinkInsideThePathIsRefused() {
        byte[] image = image("extlink.h5");
        assertRefused(H5Exception.class, () -> H5Image.deserialize(image, "g/data"),
                "'g' is an external link to a local group: deserialize(image, \"g/data\") must refuse it with an H5Exception");
    }

    /**
     * inspect must not traverse external links either, or it reports the local file's datasets
     * (and opens whatever file the image names). It may skip the links or list them by name, but
     * nothing it lists may be the local file's int16 [7, 3]. Refusing the whole image with an
     * H5Exception leaks nothing either, so that is accepted too.
     */
    @Test
    void inspectDoesNotListDatasetsBehindExternalLinks() {
        byte[] image = image("extlink.h5");
        List<DatasetInfo> found;
        try {
            found = H5Image.inspect(MemorySegment.ofArray(image));
        } catch (H5Exception refused) {
            return;
        }
        for (DatasetInfo info : found) {
            assertFalse(info.type().startsWith(SECRET_TYPE) && Arrays.equals(info.shape(), SECRET_SHAPE),
                    () -> "inspect listed " + info + ", the local file's dataset behind an external link; it listed " + found);
        }
    }

    // ---- 2. External link to a named pipe: opening it blocks forever ----------------------------

    /**
     * An external link to a FIFO: libhdf5 opens the target with open(2), which blocks until some
     * process opens the pipe for writing, i.e. forever. An image must not be able to hang its
     * reader (and, with it, every thread waiting for libhdf5's lock).
     */
    @Test
    void externalLinkToAPipeFailsInsteadOfHanging() {
        byte[] image = image("fifolink.h5");
        withPipeReleased(() -> assertTimeoutPreemptively(LIMIT, () -> {
            assertRefused(H5Exception.class, () -> H5Image.deserialize(image),
                    "'data' is an external link to a named pipe: deserialize must refuse it with an H5Exception");
        }, () -> "deserialize of an image with an external link to a named pipe did not return within " + LIMIT.toSeconds()
                + " s: it opened the pipe and waits for a writer that never comes"));
    }

    /** inspect walks every link of the image, so the same pipe must not hang it either. */
    @Test
    void inspectOfAnExternalLinkToAPipeDoesNotHang() {
        byte[] image = image("fifolink.h5");
        withPipeReleased(() -> assertTimeoutPreemptively(LIMIT, () -> {
            try {
                H5Image.inspect(MemorySegment.ofArray(image));
            } catch (H5Exception refusedIsFine) {
                // Listing nothing, listing the link, or refusing the image: all fine, as long as it returns.
            }
        }, () -> "inspect of an image with an external link to a named pipe did not return within " + LIMIT.toSeconds()
                + " s: it opened the pipe and waits for a writer that never comes"));
    }

    /**
     * Runs {@code test}, then opens the pipe read-write and closes it again: should libhdf5 be
     * blocked in open(2) on it (the test then failed by timeout), that releases it, and with it
     * libhdf5's lock, so the tests after this one still run. Opening O_RDWR never blocks on Linux.
     */
    private static void withPipeReleased(Executable test) {
        try {
            test.execute();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            try (RandomAccessFile release = new RandomAccessFile(dir.resolve("fifo").toFile(), "rw")) {
                // Nothing to do: opening is what releases a blocked reader, closing ends its reads.
            } catch (IOException e) {
                // The pipe is gone with the temp dir or cannot be opened: nothing is blocked on it then.
            }
        }
    }

    // ---- 3. Cache poisoning: a crafted image must not change what an ordinary one reads as -----

    /**
     * h5image remembers what an image of a given length parsed to, for any later image with the
     * same bytes outside the payload. The crafted image's "payload" is its whole file, so nothing
     * is outside it: without care, every later 4096-byte image would read as the crafted uint8
     * [4096] view. An ordinary float64 [256] image is exactly 4096 bytes too; it must keep reading
     * as itself, whatever was deserialized before it.
     */
    @Test
    void craftedImageDoesNotPoisonLaterOrdinaryImages() {
        byte[] crafted = image("crafted.h5");
        byte[] ordinary = ordinaryImageOf(crafted.length);
        deserializeCrafted(crafted);
        for (int i = 1; i <= 3; i++) assertOrdinary(ordinary, "read " + i + " after the crafted image");
    }

    /** The same, with the ordinary image's own (correct) parse remembered before the crafted one arrives. */
    @Test
    void craftedImageDoesNotPoisonAnOrdinaryImageReadBefore() {
        byte[] crafted = image("crafted.h5");
        byte[] ordinary = ordinaryImageOf(crafted.length);
        assertOrdinary(ordinary, "read before this test's crafted image (an earlier test's may have poisoned the cache already)");
        deserializeCrafted(crafted);
        for (int i = 1; i <= 3; i++) assertOrdinary(ordinary, "read " + i + " after the crafted image");
    }

    private static final int ORDINARY_COUNT = 256;

    /** float64 [256] of i + 0.5: h5image's image of it is 4096 bytes, the crafted image's length. */
    private static byte[] ordinaryImageOf(int length) {
        byte[] ordinary = H5Image.serializeToBytes(ordinaryValues());
        assertEquals(length, ordinary.length, "precondition: the ordinary float64 [" + ORDINARY_COUNT
                + "] image must be as long as the crafted image, or this test cannot poison anything; pick another shape");
        return ordinary;
    }

    private static double[] ordinaryValues() {
        double[] values = new double[ORDINARY_COUNT];
        for (int i = 0; i < values.length; i++) values[i] = i + 0.5;
        return values;
    }

    /** Any result or an H5Exception is fine for the crafted image itself: its header is self-consistent. */
    private static void deserializeCrafted(byte[] crafted) {
        try {
            H5Image.deserialize(crafted.clone());
        } catch (H5Exception refusedIsFine) {
            // Refusing an image whose data overlaps its own metadata is fine too.
        }
    }

    private static void assertOrdinary(byte[] ordinary, String when) {
        NdArray read = H5Image.deserialize(ordinary.clone()); // a fresh copy: equal bytes, another buffer
        assertEquals(DType.FLOAT64, read.dtype(), () -> "ordinary float64 [256] image, " + when + ": got " + read);
        assertArrayEquals(new long[] {ORDINARY_COUNT}, read.shape(), () -> "ordinary float64 [256] image, " + when + ": got " + read);
        assertArrayEquals(ordinaryValues(), (double[]) read.toArray(),
                () -> "ordinary float64 [256] image, " + when + ": wrong values");
    }

    // ---- 4. Fill/decompression bombs: a tiny image claiming gigabytes ---------------------------

    /**
     * A never-written chunked dataset costs no storage, yet reads as its whole shape of fill
     * value: a ~1.4 KB image claims 2.4 GB (and 64 GiB). deserialize must refuse, naming a limit,
     * before allocating anything like that; quickly, so it cannot have filled gigabytes first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bomb.h5", "bomb-64g.h5"})
    void fillBombIsRefusedByALimit(String name) {
        byte[] image = image(name);
        assertTrue(image.length < 4096, () -> "precondition: " + name + " should be a tiny image, is " + image.length + " bytes");
        assertTimeoutPreemptively(LIMIT, () -> {
            InvalidImageException e = assertRefused(InvalidImageException.class, () -> H5Image.deserialize(image),
                    name + ": a " + image.length + "-byte image claiming gigabytes must be refused by a size limit"
                            + " with an InvalidImageException");
            assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("limit"),
                    () -> name + ": the refusal should name the limit it hit, but said: " + e);
        }, () -> name + ": refusing a " + image.length + "-byte image claiming gigabytes took over " + LIMIT.toSeconds()
                + " s; it must be refused before the data is allocated or filled");
    }

    /**
     * The limit is on the array a dataset claims, not on the compression ratio: 50 MB of zeros
     * that h5image itself deflates to a few tens of KB is an ordinary image and must still read.
     */
    @Test
    void highlyCompressedOrdinaryImageStillReads() {
        int count = 6_250_000; // 50 MB of float64
        byte[] image = H5Image.serializeToBytes(new double[count], ImageOptions.defaults().deflate(9));
        assertTrue(image.length < 1_000_000, () -> "precondition: 50 MB of zeros should deflate to well under 1 MB, got "
                + image.length + " bytes");
        NdArray read = H5Image.deserialize(image);
        assertEquals(DType.FLOAT64, read.dtype(), () -> "got " + read);
        assertArrayEquals(new long[] {count}, read.shape(), () -> "got " + read);
        MemorySegment data = read.segment();
        assertEquals(8L * count, data.byteSize(), () -> "got " + read);
        long nonZero = MemorySegment.mismatch(data, 0, data.byteSize(), MemorySegment.ofArray(new byte[8 * count]), 0, 8L * count);
        assertEquals(-1, nonZero, () -> "50 MB of deflated zeros read back with a non-zero byte at offset " + nonZero);
    }

    // ---- 5. Hard-link cycles: a group that contains itself --------------------------------------

    /**
     * Hard links may make a group its own member ("a/x" and "a/y" are "a"), so a naive walk of
     * the group tree is infinite, or exponential with a depth cap: 2^depth paths. inspect must
     * finish and still find the dataset "a/d" (under one path or a few).
     * <p>
     * Runs in a child JVM: a walk that does not end holds libhdf5's lock in a loop that cannot be
     * interrupted, which would block every later test in this JVM; a child is killed instead.
     */
    @Test
    void inspectOfAHardLinkCycleFinishes() {
        Path image = dir.resolve("cycle.h5");
        List<String> lines = new ArrayList<>();
        assertTimeoutPreemptively(LIMIT, () -> {
            lines.addAll(inspectInChildJvm(image));
        },
                () -> "inspect of an image whose group 'a' hard-links to itself ('a/x', 'a/y') did not finish within "
                        + LIMIT.toSeconds() + " s (measured including a child JVM's start-up): the walk follows the cycle");
        List<String> threw = lines.stream().filter(l -> l.startsWith(Child.THREW)).toList();
        assertTrue(threw.isEmpty(), () -> "inspect of a hard-link cycle must list its datasets, not fail: " + threw);
        List<String> paths = lines.stream().filter(l -> l.startsWith(Child.DATASET)).map(l -> l.split("\t")[1]).toList();
        assertTrue(paths.stream().anyMatch(p -> p.equals("d") || p.endsWith("/d")),
                () -> "inspect of the hard-link cycle must list dataset a/d (under some path); it listed " + paths
                        + "\nchild output: " + lines);
    }

    /**
     * Runs {@link Child} on {@code image} in a fresh JVM with this one's class path and h5image
     * settings; returns its stdout lines. Killed if the calling thread is interrupted (as
     * assertTimeoutPreemptively does on timeout).
     */
    private static List<String> inspectInChildJvm(Path image) throws IOException, InterruptedException {
        List<String> command = Tools.javaCommand(Child.class, image.toString());
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(LIMIT.toSeconds() + 5, TimeUnit.SECONDS)) {
                fail("inspect in a child JVM did not finish: " + command);
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || lines.stream().noneMatch(l -> l.equals(Child.DONE))) {
                fail("the child JVM failed (exit code " + process.exitValue() + "): " + String.join(" ", command)
                        + "\n--- stdout ---\n" + String.join("\n", lines) + "\n--- stderr ---\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return lines;
        } finally {
            process.destroyForcibly();
        }
    }

    /** The child JVM's side: inspects one image file and prints one line per dataset, or what it threw. */
    public static final class Child {
        static final String DATASET = "DATASET\t";
        static final String THREW = "THREW\t";
        static final String DONE = "DONE";

        public static void main(String[] args) throws IOException {
            byte[] image = Files.readAllBytes(Path.of(args[0]));
            try {
                for (DatasetInfo info : H5Image.inspect(MemorySegment.ofArray(image))) {
                    System.out.println(DATASET + info.path() + "\t" + info);
                }
            } catch (RuntimeException e) {
                System.out.println(THREW + e.getClass().getName() + "\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            System.out.println(DONE);
        }
    }

    // ---- 6. User block: the HDF5 file starts after application bytes ---------------------------

    /**
     * With a user block, the superblock (and every address's base) is 1024 bytes into the file,
     * and the user block holds arbitrary application bytes. That is a legal file, not an attack:
     * its contiguous data is still in the image, at base + address, and must come back as a view.
     */
    @Test
    void userBlockImageReadsAsAView() {
        byte[] image = image("userblock.h5");
        assertUserBlockView(H5Image.deserialize(image), "deserialize(byte[])");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeImage = arena.allocate(image.length, 64).copyFrom(MemorySegment.ofArray(image));
            assertUserBlockView(H5Image.deserialize(nativeImage), "deserialize(native MemorySegment)");
        }
    }

    private static void assertUserBlockView(NdArray read, String how) {
        assertEquals(DType.INT32, read.dtype(), () -> how + " of a user-block image: got " + read);
        assertArrayEquals(new long[] {2, 3}, read.shape(), () -> how + " of a user-block image: got " + read);
        int[][] expected = {{7, 1007, 2007}, {3007, 4007, 5007}};
        assertArrayEquals(expected, (int[][]) read.toArray(), () -> how + " of a user-block image: wrong values "
                + Arrays.deepToString((Object[]) read.toArray()));
        assertTrue(read.isView(), () -> how + ": contiguous data in a user-block image is in the image, so it should come back"
                + " as a view, got " + read);
        // A view must point at the data bytes themselves: the last element is the last 4 bytes of the data.
        assertEquals(5007, read.segment().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(read.order()), 20),
                () -> how + ": the view's last element");
    }
}
