package io.h5image.cli;

import io.h5image.DType;
import io.h5image.DatasetInfo;
import io.h5image.H5Image;
import io.h5image.LibraryInfo;
import io.h5image.NdArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code h5image demo}: the seed recipe's 1000×500 float64 round trip, checked value by value,
 * timed against the cost of merely copying the payload, and handed to h5dump and h5py to show that
 * the image is an ordinary HDF5 file.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Round-trips 1000x500 doubles through an image, times it, and checks it with h5dump and h5py.",
                "%nBuilds a 1000x500 float64 array (values i*500+j), serializes it into a reused buffer, "
                        + "deserializes it and checks every value; times serialize (reused buffer and fresh memory) and "
                        + "deserialize against a plain copy of the 4 MB payload; writes the image to a file and shows what "
                        + "h5dump and h5py read from it (each only if installed)."})
final class DemoCommand implements Callable<Integer> {

    static final int ROWS = 1000;
    static final int COLS = 500;
    /** Room for the metadata around the payload; the image needs about 2 KiB of it. */
    private static final long HEADROOM = 1 << 20;
    private static final String H5PY_SCRIPT = """
            import sys, h5py
            path, rows, cols, expected = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
            with h5py.File(path, "r") as f:
                d = f["data"]
                v = float(d[rows - 1, cols - 1])
                print("h5py %s (HDF5 %s): shape %s, dtype %s, data[%d,%d] = %r"
                      % (h5py.__version__, h5py.version.hdf5_version, d.shape, d.dtype, rows - 1, cols - 1, v))
                sys.exit(0 if d.shape == (rows, cols) and v == expected else 3)
            """;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE",
            description = "where to write the image and keep it (default: a new temporary file, deleted at exit)")
    Path out;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "200",
            description = "timed rounds per operation (default: ${DEFAULT-VALUE})")
    int rounds;

    /** Fewer than a few hundred left the copy loops half-compiled here: the floor came out 70% high. */
    @Option(names = "--warmup", paramLabel = "N", defaultValue = "500",
            description = "untimed rounds first, so the JIT has compiled the paths (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() {
        if (rounds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1");
        if (warmup < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must not be negative");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = out;

        LibraryInfo library = H5Image.library();
        double[][] array = values();
        long payload = (long) ROWS * COLS * Double.BYTES;
        stdout.printf(Locale.ROOT, "h5image demo: %d%s%d float64 (%,d bytes), values i*%d+j%n",
                ROWS, Symbols.TIMES, COLS, payload, COLS);
        stdout.println("libhdf5 " + library.version() + ", " + library.source().name().toLowerCase(Locale.ROOT)
                + ": " + library.hdf5());

        try (Arena arena = Arena.ofConfined()) {
            // Allocated once and zero-filled by the arena, so its pages are already touched: repeated
            // serializations pay for copying, not for page faults.
            MemorySegment buffer = arena.allocate(payload + HEADROOM, 4096);
            SegmentAllocator reused = SegmentAllocator.prefixAllocator(buffer);

            MemorySegment image = H5Image.serialize(array, reused);
            NdArray back = H5Image.deserialize(image);
            String wrong = mismatch(array, back);
            DatasetInfo data = H5Image.inspect(image).getFirst();
            stdout.printf(Locale.ROOT, "round trip: image %,d bytes, data %s at offset %d, deserialize %s; %s%n",
                    image.byteSize(), data.layout(), data.offset(),
                    back.isView() ? "gives a view (no copy)" : "gives a copy",
                    wrong == null ? "all " + String.format(Locale.ROOT, "%,d", (long) ROWS * COLS) + " values equal" : "WRONG");
            if (wrong != null) return fail(stdout, err, "the round trip is wrong: " + wrong, Main.FAILED);

            MemorySegment copyTarget = arena.allocate(payload, 64);
            List<Timing> timings = Timing.measure(List.of(
                    new Timing.Operation("floor: copy the payload into a reused buffer",
                            () -> copyRows(array, copyTarget)),
                    new Timing.Operation("serialize into a reused buffer",
                            () -> H5Image.serialize(array, reused).byteSize()),
                    new Timing.Operation("serialize into fresh memory", () -> {
                        try (Arena fresh = Arena.ofConfined()) {
                            return H5Image.serialize(array, fresh).byteSize();
                        }
                    }),
                    new Timing.Operation("deserialize (view)",
                            () -> H5Image.deserialize(image).segment().byteSize())), warmup, rounds);
            stdout.println();
            printTimings(stdout, timings);

            // The timed loops rewrote the reused buffer hundreds of times: check what is there now.
            wrong = mismatch(array, H5Image.deserialize(image));
            if (wrong != null) {
                return fail(stdout, err, "after the timed rounds the reused-buffer image is wrong: " + wrong, Main.FAILED);
            }

            stdout.println();
            try {
                // A fixed name in the shared temp directory could be a link someone planted there: a
                // fresh, unpredictable file (created exclusively, owner-only) cannot.
                if (file == null) {
                    file = Files.createTempFile("h5image-demo-", ".h5");
                    file.toFile().deleteOnExit();
                }
                write(image, file);
            } catch (IOException e) {
                return fail(stdout, err, "cannot write " + (file != null ? file : "a temporary file") + ": "
                        + InspectCommand.ioReason(e), Main.USAGE);
            }
            stdout.printf(Locale.ROOT, "wrote %s (%,d bytes%s)%n", file, image.byteSize(),
                    out == null ? ", deleted at exit; --out FILE keeps one" : "");
        }

        List<String> failures = new ArrayList<>();
        h5dump(file, stdout, failures);
        h5py(file, stdout, failures);
        stdout.println();
        if (failures.isEmpty()) {
            stdout.println("demo: OK");
            stdout.flush();
            return Main.OK;
        }
        return fail(stdout, err, "the round trip is right, but " + String.join(" and ", failures)
                + " could not read the file", Main.FAILED);
    }

    /** Flushes stdout first so that, on a terminal, the error comes after what led to it. */
    private static int fail(PrintWriter stdout, PrintWriter err, String message, int exitCode) {
        stdout.flush();
        err.println("demo: " + message);
        err.flush();
        return exitCode;
    }

    static double[][] values() {
        double[][] array = new double[ROWS][COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) array[i][j] = (double) i * COLS + j;
        }
        return array;
    }

    /** The first difference between what went in and what came back, or null when there is none. */
    static String mismatch(double[][] expected, NdArray back) {
        if (back.dtype() != DType.FLOAT64) return "dtype " + back.dtype().numpyName() + ", expected float64";
        if (!Arrays.equals(back.shape(), new long[] {expected.length, expected[0].length})) {
            return "shape " + Arrays.toString(back.shape()) + ", expected [" + expected.length + ", " + expected[0].length + "]";
        }
        // Read through the segment itself: that is the zero-copy view a caller would use.
        MemorySegment elements = back.segment();
        ValueLayout.OfDouble element = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(back.order());
        long index = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++, index++) {
                double got = elements.getAtIndex(element, index);
                if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(expected[i][j])) {
                    return "data[" + i + "][" + j + "] is " + got + ", expected " + expected[i][j];
                }
            }
        }
        // And through toArray, the copying path.
        if (!Arrays.deepEquals(expected, (Object[]) back.toArray())) return "toArray() differs from the input";
        return null;
    }

    /** The least work any serializer must do: the rows are separate heap arrays, so copy each once. */
    private static long copyRows(double[][] array, MemorySegment target) {
        long at = 0;
        for (double[] row : array) {
            MemorySegment.copy(row, 0, target, ValueLayout.JAVA_DOUBLE, at, row.length);
            at += (long) row.length * Double.BYTES;
        }
        return at;
    }

    private void printTimings(PrintWriter stdout, List<Timing> timings) {
        stdout.printf(Locale.ROOT, "%d timed rounds after %d warm-up rounds, operations interleaved (System.nanoTime; JMH in src/bench is the reference)%n",
                rounds, warmup);
        double floor = timings.getFirst().medianMicros();
        Table table = new Table("operation", "median " + Symbols.MICROS, "min " + Symbols.MICROS, "median / floor")
                .alignRight(1, 2, 3);
        for (Timing t : timings) {
            table.row(t.label(), String.format(Locale.ROOT, "%.1f", t.medianMicros()),
                    String.format(Locale.ROOT, "%.1f", t.minMicros()),
                    String.format(Locale.ROOT, "%.2f%s", t.medianMicros() / floor, Symbols.TIMES));
        }
        table.print(stdout);
    }

    private static void write(MemorySegment image, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = image.asByteBuffer();
            while (bytes.hasRemaining()) channel.write(bytes);
        }
    }

    private static void h5dump(Path file, PrintWriter stdout, List<String> failures) {
        Optional<Path> h5dump = ExternalTool.find("h5dump");
        if (h5dump.isEmpty()) {
            stdout.println("h5dump: not installed (not on PATH; Debian: apt-get install hdf5-tools), skipped");
            return;
        }
        List<String> command = List.of(h5dump.get().toString(), "-H", "-d", "/data", file.toString());
        stdout.println("$ h5dump -H -d /data " + file);
        ExternalTool.Result result = ExternalTool.run(command);
        stdout.println(result.output().indent(2).stripTrailing());
        if (!result.ok()) {
            stdout.println("h5dump failed (exit code " + result.exitCode() + ")");
            failures.add("h5dump");
        }
    }

    private static void h5py(Path file, PrintWriter stdout, List<String> failures) {
        // /usr/bin/python3 first: a pyenv or venv python3 earlier on PATH often lacks h5py while the
        // distribution's python3-h5py is installed.
        List<String> tried = new ArrayList<>();
        List<Path> seen = new ArrayList<>();
        Path python = null;
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            Optional<Path> found = ExternalTool.find(candidate);
            if (found.isEmpty() || seen.contains(ExternalTool.realPath(found.get()))) continue;
            seen.add(ExternalTool.realPath(found.get()));
            if (python == null && ExternalTool.run(List.of(found.get().toString(), "-c", "import h5py")).ok()) {
                python = found.get();
            } else if (python == null) {
                tried.add(found.get() + " (no h5py)");
            }
        }
        if (python == null) {
            stdout.println("h5py: not installed (" + (tried.isEmpty() ? "no python3 found" : String.join(", ", tried))
                    + "; pip install h5py or apt-get install python3-h5py), skipped");
            return;
        }
        stdout.println("$ " + python + " -c 'import h5py; ...' " + file);
        ExternalTool.Result result = ExternalTool.run(List.of(python.toString(), "-c", H5PY_SCRIPT, file.toString(),
                Integer.toString(ROWS), Integer.toString(COLS), Double.toString((double) (ROWS - 1) * COLS + COLS - 1)));
        stdout.println(result.output().indent(2).stripTrailing());
        if (!result.ok()) {
            stdout.println("h5py failed (exit code " + result.exitCode()
                    + (result.exitCode() == 3 ? ": it read a different shape or value" : "") + ")");
            failures.add("h5py");
        }
    }
}
