package io.h5image.internal;

import io.h5image.H5Exception;
import io.h5image.H5Image;
import io.h5image.ImageOptions;
import io.h5image.LibraryInfo;
import io.h5image.NdArray;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.h5image.bindings.hdf5_h.*;
import static org.junit.jupiter.api.Assertions.*;

class NativeLayerTest {

    @Test
    void everyBoundSymbolResolvesInTheLoadedLibrary() throws IOException {
        LibraryInfo info = H5Image.library();
        List<String> symbols;
        try (Stream<String> lines = Files.lines(Path.of("../native/hdf5-symbols.txt"))) {
            symbols = lines.filter(l -> l.startsWith("--include-function ") || l.startsWith("--include-var "))
                    .map(l -> l.split("\\s+")[1]).toList();
        }
        assertTrue(symbols.size() > 500, "the symbol list looks truncated: " + symbols.size());
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        List<String> missing = symbols.stream().filter(s -> lookup.find(s).isEmpty()).toList();
        assertEquals(List.of(), missing, "symbols missing from libhdf5 " + info.version() + " at " + info.hdf5());
    }

    @Test
    void libraryInfoDescribesWhatWasLoaded() {
        LibraryInfo info = H5Image.library();
        assertTrue(info.version().matches("1\\.1[04]\\.\\d+"), info.version());
        assertTrue(Files.isRegularFile(info.hdf5()), info.hdf5().toString());
        assertTrue(Files.isRegularFile(info.hdf5Hl()), info.hdf5Hl().toString());
        String setting = System.getenv(LibraryInfo.ENV);
        LibraryInfo.Source expected = setting == null || setting.equals("embedded") ? LibraryInfo.Source.EMBEDDED
                : setting.equals("system") ? LibraryInfo.Source.SYSTEM : LibraryInfo.Source.EXPLICIT;
        assertEquals(expected, info.source());
        if (expected == LibraryInfo.Source.EMBEDDED) assertEquals("1.14.3", info.version());
    }

    @Test
    void noIdentifierLeaksOnSuccessOrFailure() {
        H5Image.deserialize(H5Image.serialize(new int[] {1})); // warm up: predefined types exist from here on
        Hdf5.OpenIdentifiers baseline = Hdf5.openIdentifiers();
        ImageTemplates.setEnabled(false);
        try {
            MemorySegment image = H5Image.serialize(new double[10][10]);
            H5Image.deserialize(image);
            H5Image.serializeToBytes(new boolean[3], ImageOptions.defaults().deflate(1));
            H5Image.inspect(image);
            assertEquals(baseline, Hdf5.openIdentifiers(), "identifiers leaked on success");
            assertThrows(H5Exception.class, () -> H5Image.deserialize(image, "missing"));
            assertEquals(baseline, Hdf5.openIdentifiers(), "identifiers leaked after a missing dataset");
            byte[] corrupt = H5Image.serializeToBytes(new double[10][10]);
            Arrays.fill(corrupt, 48, 600, (byte) 7);
            assertThrows(H5Exception.class, () -> H5Image.deserialize(corrupt));
            assertEquals(baseline, Hdf5.openIdentifiers(), "identifiers leaked after a corrupt image");
            byte[] fletcher = H5Image.serializeToBytes(new double[512], ImageOptions.defaults().fletcher32(true));
            fletcher[fletcher.length - 100] ^= 1;
            try {
                H5Image.deserialize(fletcher);
            } catch (H5Exception expected) {
                // either the chunk or the metadata was hit; both must leave nothing open
            }
            assertEquals(baseline, Hdf5.openIdentifiers(), "identifiers leaked after a failed read");
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }

    /** The counter above must see a leak, or the test above proves nothing (it once counted 0 always). */
    @Test
    void theLeakCounterSeesAFileAndADatasetLeftOpen() {
        Hdf5.OpenIdentifiers baseline = Hdf5.openIdentifiers();
        MemorySegment image = H5Image.serialize(new int[] {1, 2, 3}, Arena.ofAuto());
        long file;
        long dataset;
        Hdf5.lock();
        try (Arena arena = Arena.ofConfined()) {
            // Raw identifiers, deliberately not wrapped in a Handle: only libhdf5's own count can see them.
            file = H5LTopen_file_image(image, image.byteSize(), H5LT_FILE_IMAGE_DONT_COPY() | H5LT_FILE_IMAGE_DONT_RELEASE());
            dataset = H5Dopen2(file, arena.allocateFrom("data"), H5P_DEFAULT());
            assertTrue(file >= 0 && dataset >= 0, "could not open the image to leak it");
        } finally {
            Hdf5.unlock();
        }
        try {
            Hdf5.OpenIdentifiers leaking = Hdf5.openIdentifiers();
            assertEquals(baseline.inFiles() + 2, leaking.inFiles(), "a file and a dataset left open must count");
            assertNotEquals(baseline, leaking);
        } finally {
            Hdf5.lock();
            try {
                H5Dclose(dataset);
                H5Fclose(file);
            } finally {
                Hdf5.unlock();
            }
        }
        assertEquals(baseline, Hdf5.openIdentifiers(), "closing them must bring the count back");
    }

    /** Dataspaces and property lists are invisible to H5Fget_obj_count: the Handle count must see them. */
    @Test
    void theLeakCounterSeesADataspaceLeftOpen() {
        Hdf5.OpenIdentifiers baseline = Hdf5.openIdentifiers();
        Handle space;
        Hdf5.lock();
        try {
            space = Handle.of(H5Screate(H5S_SCALAR()), Handle.Kind.DATASPACE, "H5Screate");
        } finally {
            Hdf5.unlock();
        }
        Hdf5.OpenIdentifiers leaking = Hdf5.openIdentifiers();
        assertEquals(baseline.handles() + 1, leaking.handles(), "a dataspace left open must count");
        assertNotEquals(baseline, leaking);
        space.close();
        assertEquals(baseline, Hdf5.openIdentifiers(), "closing it must bring the count back");
    }

    @Test
    void eightThreadsGetTheirOwnResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 150; round++) {
                        int n = 1 + (thread * 7 + round) % 40;
                        int[][] values = new int[n][thread + 1];
                        for (int i = 0; i < n; i++) for (int j = 0; j <= thread; j++) values[i][j] = thread * 1_000_000 + round * 1000 + i * 10 + j;
                        boolean compressed = round % 5 == 0;
                        if (round % 3 == 0) ImageTemplates.clear();
                        byte[] image = compressed ? H5Image.serializeToBytes(values, ImageOptions.defaults().deflate(1))
                                : H5Image.serializeToBytes(values);
                        NdArray back = H5Image.deserialize(image);
                        assertTrue(Arrays.deepEquals(values, (int[][]) back.toArray()),
                                "thread " + thread + " round " + round + " got someone else's data");
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) result.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every call through libhdf5 (templates off), from 8 threads. On a build that calls itself
     * thread-safe this once returned other threads' shapes: libhdf5_hl names file images from an
     * unsynchronized counter, so h5image always takes its lock.
     */
    @Test
    void eightThreadsThroughLibhdf5GetTheirOwnResults() throws Exception {
        ImageTemplates.setEnabled(false);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        short[][] values = new short[thread + 2][round % 9 + 1];
                        values[thread + 1][round % 9] = (short) (thread * 1000 + round);
                        NdArray back = H5Image.deserialize(H5Image.serializeToBytes(values));
                        assertArrayEquals(new long[] {thread + 2, round % 9 + 1}, back.shape(), "thread " + thread + " round " + round);
                        assertTrue(Arrays.deepEquals(values, (short[][]) back.toArray()), "thread " + thread + " round " + round);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) result.get();
        } finally {
            pool.shutdownNow();
            ImageTemplates.setEnabled(true);
        }
    }

    @Test
    void anUnusableSettingListsWhatWasTriedAndHowToFix() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-D" + LibraryInfo.PROPERTY + "=/nonexistent/hdf5", "-cp", System.getProperty("java.class.path"),
                LoadProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(3, process.waitFor(), output);
        assertTrue(output.contains("cannot load libhdf5") && output.contains("/nonexistent/hdf5")
                && output.contains("Fix:"), output);
    }

    /** Runs in a child JVM, where the library choice can still be made. */
    public static final class LoadProbe {
        public static void main(String[] args) {
            try {
                H5Image.library();
                System.exit(0);
            } catch (H5Exception | ExceptionInInitializerError e) {
                Throwable cause = e instanceof ExceptionInInitializerError init ? init.getCause() : e;
                System.out.println(cause.getMessage());
                System.exit(3);
            }
        }
    }
}
