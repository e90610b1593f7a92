package io.h5image.it;

import io.h5image.Attributes;
import io.h5image.DType;
import io.h5image.Dataset;
import io.h5image.DatasetInfo;
import io.h5image.Group;
import io.h5image.H5Exception;
import io.h5image.H5File;
import io.h5image.H5Image;
import io.h5image.ImageOptions;
import io.h5image.Link;
import io.h5image.NdArray;
import io.h5image.NotFoundException;
import io.h5image.UnsupportedTypeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Mutation fuzzing of the object model ({@link H5File}, {@link Group}, {@link Dataset}, {@link Attributes})
 * and of {@link H5Image#inspect} / {@link H5Image#deserialize}.
 * <p>
 * Seed images are written with the public API (deterministic: the same bytes in every JVM; their CRC is
 * printed). Image {@code i} of a campaign with seed {@code S} is one seed, picked and mutated (1-8 byte
 * changes: random bytes, bit flips, small integer tweaks, interesting values, copied byte runs; sometimes
 * truncated or extended) by a {@link SplittableRandom} seeded from {@code (S, i)} alone, so any image can be
 * regenerated. Each image is then used as a user would: opened from a {@code byte[]} and from a native
 * copy, walked recursively (names, groups, datasets, shape, read, readStrings, attributes), inspected and
 * deserialized. The allowed outcomes of every call are success or an {@link H5Exception}; anything else is
 * a finding.
 * <p>
 * Modes (all run with {@code --enable-native-access=ALL-UNNAMED} and the it test class path):
 * <dl>
 * <dt>{@code run --campaign-seed S --indices 0-999,1500 --out DIR --inflight FILE [--trace] [--finding-cap N]}</dt>
 * <dd>the child: exercises the images and reports on stdout, one {@code @@} line per event (see {@link Child});
 * writes each image to {@code FILE} before using it, so the parent keeps the image a crash or hang was on,
 * and writes reproducers of unexpected exceptions to {@code DIR}.</dd>
 * <dt>{@code campaign --images N [--seed S] [--out DIR] [--batch B] [--hang-seconds T] [--max-seconds T]
 * [--classpath CP] [--start I]}</dt>
 * <dd>the driver ({@code bin/fuzz}): runs children of B images one at a time, finds the image of any crash,
 * exit failure or hang (re-running it alone, and bisecting the images before it when it needs them), and
 * prints the figures; exit status 1 if there was any crash, hang or unexpected exception.</dd>
 * <dt>{@code replay [--seed-name NAME] FILE.h5...}</dt>
 * <dd>exercises saved images in this JVM and prints every call that did not succeed, with stack traces.</dd>
 * <dt>{@code minimize [--seed-name NAME] [--hang-seconds T] FILE.h5...}</dt>
 * <dd>reverts the bytes of each kept image to its seed's while it still fails the same way (crash frame, hang, or
 * exception class and call), each try in a child JVM; writes {@code FILE.min.h5} and prints the bytes that remain.</dd>
 * <dt>{@code show --campaign-seed S --index I --out FILE.h5}</dt>
 * <dd>writes image I of campaign S and prints its mutation.</dd>
 * </dl>
 */
public final class FuzzWorker {

    private FuzzWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) usage();
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                if (a.equals("--trace")) opts.put("trace", "true");
                else if (i + 1 < args.length) opts.put(a.substring(2), args[++i]);
                else usage();
            } else {
                positional.add(a);
            }
        }
        switch (args[0]) {
            case "run" -> Child.run(opts);
            case "campaign" -> {
                Campaign.Config c = Campaign.Config.fromOptions(opts);
                Campaign.Summary s = new Campaign(c, System.out::println).run();
                System.out.println(s.report());
                System.exit(s.clean() ? 0 : 1);
            }
            case "replay" -> replay(opts.get("seed-name"), positional);
            case "minimize" -> Minimizer.run(opts, positional);
            case "show" -> {
                List<Seed> seeds = seeds();
                Mutant m = mutate(seeds, Long.decode(opts.get("campaign-seed")), Long.parseLong(opts.get("index")));
                Files.write(Path.of(opts.get("out")), m.bytes());
                System.out.println(m.describe());
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: FuzzWorker run|campaign|replay|show ... (see the class javadoc)");
        System.exit(2);
    }

    // ==== seeds ===============================================================================

    /** What a seed's dataset (or attribute) held: a kind ("FLOAT64/LITTLE_ENDIAN", "strings", a class), shape and content. */
    record Expect(String kind, long[] shape, byte[] content) {
        String describe() {
            return kind + " " + Arrays.toString(shape);
        }
    }

    /**
     * A seed image, what its datasets and attributes hold (by absolute path; attributes as
     * {@code path@name}), and where it may be mutated preferentially: offsets outside contiguous payloads.
     */
    record Seed(String name, byte[] bytes, Map<String, Expect> expect, int[] metadataOffsets) {}

    private static List<Seed> seeds;

    /** The seeds, built once per JVM. */
    static synchronized List<Seed> seeds() {
        if (seeds == null) seeds = buildSeeds();
        return seeds;
    }

    private static List<Seed> buildSeeds() {
        List<Seed> list = new ArrayList<>();
        list.add(seed("object-model", objectModel()));
        list.add(seed("attributes-and-strings", attributesAndStrings()));
        list.add(seed("zeros-20x20", H5Image.serializeToBytes(new double[20][20])));
        double[][] ramp = new double[20][20];
        for (int i = 0; i < 20; i++) for (int j = 0; j < 20; j++) ramp[i][j] = i * 20 + j + 0.25;
        list.add(seed("chunked-shuffle-deflate-fletcher32", H5Image.serializeToBytes(ramp,
                ImageOptions.defaults().chunks(5, 20).shuffle(true).deflate(1).fletcher32(true))));
        list.add(seed("int16-big-endian-3x4", H5Image.serializeToBytes(bigEndianShorts(3, 4))));
        list.add(seed("scalar-float64", H5Image.serializeToBytes(3.5)));
        list.add(seed("h5py-dense", resource("h5py-dense.h5")));
        list.add(seed("h5py-default", resource("h5py-default.h5")));
        list.add(seed("h5py-types", resource("h5py-types.h5")));
        return Collections.unmodifiableList(list);
    }

    /**
     * A seed h5image cannot write itself, kept as a test resource (made by make_fuzz_seed.py beside
     * it): h5py's layout with dense links and attributes (h5image's Java readers of fractal heaps and
     * v2 B-trees), and h5py's default layout, symbol-table groups, as most files in the wild have
     * (h5image's Java reader of v1 B-trees, symbol nodes and local heaps); and h5py's other types
     * (sequences, references, opaque, array types, bit fields, float16, null dataspaces), whose
     * values h5image decodes from the global heap in Java or hands to libhdf5.
     */
    private static byte[] resource(String name) {
        try (java.io.InputStream in = FuzzWorker.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("test resource io/h5image/it/" + name + " is missing");
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static NdArray bigEndianShorts(int rows, int cols) {
        MemorySegment data = MemorySegment.ofArray(new byte[2 * rows * cols]);
        ValueLayout.OfShort be = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < rows * cols; i++) data.set(be, 2L * i, (short) (i * 257 - 1000));
        return NdArray.of(data, DType.INT16, ByteOrder.BIG_ENDIAN, rows, cols);
    }

    /** Groups, datasets of several dtypes (one big-endian), strings and attributes of several kinds. */
    static byte[] objectModel() {
        try (H5File file = H5File.create()) {
            file.createDataset("run/temperature", new double[] {21.5, 22.0, 22.5, -1e300, Double.NaN});
            file.createDataset("run/counts", new int[][] {{1, 2, 3}, {4, 5, 6}});
            file.createDataset("flags", new boolean[] {true, false, true, true});
            file.createDataset("be/int16", bigEndianShorts(2, 3));
            file.createDataset("labels", new String[] {"a", "bé", "", "long label ".repeat(4)});
            file.createDataset("title", "sensor α");
            file.createDataset("a/b/c/deep", new long[] {1L << 40, -1, 7});
            file.createDataset("bytes", new byte[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
            file.createDataset("scalar", 2.5);
            file.createGroup("empty/nested");
            Group run = file.group("run");
            run.attributes().put("units", "C");
            run.attributes().put("rate", 2.5);
            run.attributes().put("shape", new long[] {3, 4});
            run.attributes().put("tags", new String[] {"x", "y", "zé"});
            Attributes temperature = file.dataset("run/temperature").attributes();
            temperature.put("scale", Double.valueOf(0.5));
            temperature.put("note", "hot");
            file.attributes().put("version", new long[] {1, 2, 3});
            file.attributes().put("creator", "fuzz");
            file.attributes().put("ok", Boolean.TRUE);
            return file.toBytes();
        }
    }

    /** Few datasets, many attributes, on the root group and on a dataset. */
    static byte[] attributesAndStrings() {
        try (H5File file = H5File.create()) {
            Dataset names = file.createDataset("names", new String[] {"alpha", "beta", "gamma"});
            names.attributes().put("count", 3L);
            names.attributes().put("weights", new double[] {0.5, 0.25, 0.25});
            file.createDataset("g/shorts", new short[] {-1, 0, 1, 32767});
            Attributes root = file.attributes();
            root.put("title", "attributes and strings");
            root.put("pi", Math.PI);
            root.put("dims", new long[] {640, 480});
            root.put("labels", new String[] {"one", "two"});
            root.put("matrix", new int[][] {{1, 2}, {3, 4}});
            root.put("flags", new boolean[] {true, false});
            return file.toBytes();
        }
    }

    private static Seed seed(String name, byte[] bytes) {
        Outcome baseline = new Outcome(Map.of(), true, null);
        exercise(bytes, baseline);
        // NotFoundException decides a node's kind (group or dataset); strings are UnsupportedTypeException for read().
        Map<String, Integer> other = new TreeMap<>(baseline.expected);
        other.remove("NotFoundException");
        other.remove("UnsupportedTypeException");
        if (!baseline.findings.isEmpty() || !other.isEmpty() || !baseline.inconsistencies.isEmpty()) {
            StringBuilder why = new StringBuilder("seed " + name + " is not read cleanly: " + baseline.expected);
            for (Finding f : baseline.findings) why.append('\n').append(f.step()).append(": ").append(f.trace());
            throw new IllegalStateException(why.toString());
        }
        // Payloads (contiguous data) are a minority of mutations: most go to the metadata around them.
        boolean[] payload = new boolean[bytes.length];
        for (DatasetInfo info : H5Image.inspect(MemorySegment.ofArray(bytes))) {
            if (info.offset() >= 0 && info.storageBytes() > 0) {
                int end = (int) Math.min(bytes.length, info.offset() + info.storageBytes());
                for (int i = (int) info.offset(); i < end; i++) payload[i] = true;
            }
        }
        int[] meta = java.util.stream.IntStream.range(0, bytes.length).filter(i -> !payload[i]).toArray();
        return new Seed(name, bytes, Collections.unmodifiableMap(new TreeMap<>(baseline.recorded)), meta);
    }

    /** A CRC over every seed image: equal in two JVMs means their image {@code i} of a campaign is the same. */
    static String seedsFingerprint() {
        CRC32 crc = new CRC32();
        for (Seed s : seeds()) crc.update(s.bytes());
        StringBuilder b = new StringBuilder(String.format("%08x", crc.getValue()));
        for (Seed s : seeds()) b.append(' ').append(s.name()).append(':').append(s.bytes().length).append("B");
        return b.toString();
    }

    // ==== mutation ============================================================================

    /** One mutated image: its seed, bytes and the mutations that made it. */
    record Mutant(long campaignSeed, long index, Seed seed, byte[] bytes, List<String> mutations) {
        String describe() {
            return "campaign seed " + campaignSeed + ", image " + index + ": seed " + seed.name() + " ("
                    + seed.bytes().length + " B) -> " + bytes.length + " B; " + String.join("; ", mutations);
        }
    }

    /**
     * A child JVM whose glibc fills freshly allocated and freed memory with a pattern
     * ({@code MALLOC_PERTURB_}): libhdf5 freeing or following a pointer it never initialized then
     * crashes on that image every time, where it crashed now and then, images later (that is how the
     * dense-group crash was pinned down).
     */
    static ProcessBuilder perturbed(ProcessBuilder builder) {
        builder.environment().put("MALLOC_PERTURB_", "165");
        return builder;
    }

    static long mix(long campaignSeed, long index) {
        long z = campaignSeed * 0x9E3779B97F4A7C15L + index * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256,
            511, 512, 1023, 1024, 4095, 4096, 65535, 65536, 0x7FFF, 0x8000, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL,
            Long.MAX_VALUE, Long.MIN_VALUE, -1, -2};

    /** Image {@code index} of campaign {@code campaignSeed}: a function of those two numbers alone. */
    static Mutant mutate(List<Seed> seeds, long campaignSeed, long index) {
        SplittableRandom r = new SplittableRandom(mix(campaignSeed, index));
        Seed seed = seeds.get(r.nextInt(seeds.size()));
        byte[] b = seed.bytes().clone();
        List<String> done = new ArrayList<>();
        int count = 1 + r.nextInt(8);
        for (int k = 0; k < count; k++) {
            int pos = r.nextInt(4) != 0 && seed.metadataOffsets().length > 0
                    ? seed.metadataOffsets()[r.nextInt(seed.metadataOffsets().length)] : r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> {
                    int v = r.nextInt(256);
                    done.add("byte @" + pos + " " + hex(b[pos]) + "->" + hex((byte) v));
                    b[pos] = (byte) v;
                }
                case 1 -> {
                    int bit = r.nextInt(8);
                    done.add("flip bit " + bit + " @" + pos);
                    b[pos] ^= (byte) (1 << bit);
                }
                case 2 -> {
                    int width = 1 << r.nextInt(4);
                    if (pos + width > b.length) pos = b.length - width;
                    if (pos < 0) continue;
                    long delta = r.nextInt(1, 17) * (r.nextBoolean() ? 1 : -1);
                    long old = getLE(b, pos, width);
                    putLE(b, pos, width, old + delta);
                    done.add("u" + (8 * width) + " @" + pos + " " + (delta > 0 ? "+" : "") + delta);
                }
                case 3 -> {
                    int width = 1 << r.nextInt(4);
                    if (pos + width > b.length) pos = b.length - width;
                    if (pos < 0) continue;
                    long v = switch (r.nextInt(4)) {
                        case 0 -> b.length + r.nextInt(-8, 9);
                        case 1 -> r.nextLong();
                        default -> INTERESTING[r.nextInt(INTERESTING.length)];
                    };
                    putLE(b, pos, width, v);
                    done.add("u" + (8 * width) + " @" + pos + " = " + v);
                }
                case 4 -> {
                    int len = r.nextInt(2, 17);
                    int from = r.nextInt(b.length);
                    len = Math.min(len, Math.min(b.length - from, b.length - pos));
                    System.arraycopy(b, from, b, pos, len);
                    done.add("copy " + len + " B @" + from + "->@" + pos);
                }
                default -> {
                    int len = Math.min(b.length - pos, r.nextInt(1, 9));
                    for (int i = 0; i < len; i++) b[pos + i] = (byte) r.nextInt(256);
                    done.add("random " + len + " B @" + pos);
                }
            }
        }
        int shape = r.nextInt(64);
        if (shape < 3) {
            int len = shape == 0 ? r.nextInt(b.length) : Math.max(0, b.length - r.nextInt(1, 65));
            b = Arrays.copyOf(b, len);
            done.add("truncate to " + len + " B");
        } else if (shape == 3) {
            int extra = r.nextInt(1, 4097);
            boolean random = r.nextBoolean();
            int old = b.length;
            b = Arrays.copyOf(b, old + extra);
            if (random) for (int i = old; i < b.length; i++) b[i] = (byte) r.nextInt(256);
            done.add("extend by " + extra + (random ? " random" : " zero") + " B");
        }
        return new Mutant(campaignSeed, index, seed, b, done);
    }

    private static String hex(byte v) {
        return String.format("%02x", v & 0xFF);
    }

    private static long getLE(byte[] b, int pos, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) v = (v << 8) | (b[pos + i] & 0xFFL);
        return v;
    }

    private static void putLE(byte[] b, int pos, int width, long v) {
        for (int i = 0; i < width; i++) b[pos + i] = (byte) (v >>> (8 * i));
    }

    // ==== exercising one image ================================================================

    /** A call that threw something other than an {@link H5Exception}. */
    record Finding(String step, String path, Throwable thrown) {
        String trace() {
            StringWriter w = new StringWriter();
            thrown.printStackTrace(new PrintWriter(w));
            return w.toString();
        }

        /** Class, where it was thrown, and which API call: what tells two findings apart. */
        String signature() {
            StackTraceElement[] st = thrown.getStackTrace();
            String top = st.length == 0 ? "?" : st[0].getClassName() + "." + st[0].getMethodName() + ":" + st[0].getLineNumber();
            return thrown.getClass().getName() + " at " + top + " in " + step;
        }
    }

    /** What happened to one image: every call's outcome, counted, and what differs from the seed. */
    static final class Outcome {
        final Map<String, Expect> expect;
        final boolean baseline;
        final Map<String, Expect> recorded = new HashMap<>();
        final PrintStream trace;
        int calls, ok, unknownPaths, valueDiffs;
        boolean openedBytes, openedSegment;
        final Map<String, Integer> expected = new TreeMap<>();
        final List<Finding> findings = new ArrayList<>();
        final List<String> metaDiffs = new ArrayList<>();
        final List<String> inconsistencies = new ArrayList<>();
        /** What the last {@link #call} threw, when it was an H5Exception, else null. */
        H5Exception lastH5;
        int nodes;

        Outcome(Map<String, Expect> expect, boolean baseline, PrintStream trace) {
            this.expect = expect;
            this.baseline = baseline;
            this.trace = trace;
        }

        <T> T call(String step, String path, Callable<T> body) {
            calls++;
            lastH5 = null;
            if (trace != null) {
                trace.println("@@T " + step + " " + path);
                trace.flush();
            }
            try {
                T value = body.call();
                ok++;
                return value;
            } catch (H5Exception e) {
                lastH5 = e;
                expected.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                return null;
            } catch (Throwable t) {
                findings.add(new Finding(step, path, t));
                return null;
            }
        }

        void run(String step, String path, Runnable body) {
            call(step, path, () -> {
                body.run();
                return null;
            });
        }

        boolean notFound() {
            return lastH5 instanceof NotFoundException;
        }

        /** Compares what a read gave with the seed: kind and shape (a "meta" difference), or content. */
        void compare(String how, String path, Expect got) {
            // An edited copy is read into copies in native order, never views: its reads are held
            // to the seed's edited reads.
            if (how.startsWith("edit")) path = path + "#edit";
            if (baseline) {
                recorded.putIfAbsent(path, got);
                return;
            }
            Expect want = expect.get(path);
            if (want == null) {
                unknownPaths++;
            } else if (!want.kind().equals(got.kind()) || !Arrays.equals(want.shape(), got.shape())) {
                metaDiffs.add(how + " " + path + ": seed " + want.describe() + ", got " + got.describe());
            } else if (!Arrays.equals(want.content(), got.content())) {
                valueDiffs++;
            }
        }
    }

    private static final int MAX_NODES = 2000;
    private static final int MAX_DEPTH = 24;
    private static final int MAX_NAMES = 300;
    private static final long TO_ARRAY_LIMIT = 1 << 22;

    /** Everything a user would do with an image. */
    static void exercise(byte[] image, Outcome o) {
        H5File fromArray = o.call("H5File.open(byte[])", "", () -> H5File.open(image));
        if (fromArray != null) {
            o.openedBytes = true;
            try {
                walk(fromArray, "/", "byte[]", o, 0);
            } finally {
                o.run("H5File.close()", "", fromArray::close);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(Math.max(1, image.length), 16).asSlice(0, image.length);
            MemorySegment.copy(image, 0, segment, ValueLayout.JAVA_BYTE, 0, image.length);
            H5File inPlace = o.call("H5File.open(MemorySegment)", "", () -> H5File.open(segment));
            if (inPlace != null) {
                o.openedSegment = true;
                try {
                    walk(inPlace, "/", "segment", o, 0);
                } finally {
                    o.run("H5File.close()", "", inPlace::close);
                }
            }
            List<DatasetInfo> infos = o.call("H5Image.inspect(MemorySegment)", "", () -> H5Image.inspect(segment));
            if (infos != null) {
                for (DatasetInfo info : infos) o.run("DatasetInfo.toString()", info.path(), info::toString);
            }
            NdArray d = o.call("H5Image.deserialize(MemorySegment)", "/data", () -> H5Image.deserialize(segment));
            if (d != null) checkArray("deserialize(segment)", "/data", d, null, o);
            for (Map.Entry<String, Expect> e : o.expect.entrySet()) {
                String path = e.getKey();
                if (path.contains("@") || path.contains("#") || e.getValue().kind().equals("strings")) continue;
                String rel = path.substring(1);
                NdArray a = o.call("H5Image.deserialize(MemorySegment, path)", path, () -> H5Image.deserialize(segment, rel));
                if (a != null) checkArray("deserialize(segment, path)", path, a, null, o);
            }
        }
        edit(image, o);
        List<DatasetInfo> heap = o.call("H5Image.inspect(heap MemorySegment)", "", () -> H5Image.inspect(MemorySegment.ofArray(image)));
        if (heap != null) {
            for (DatasetInfo info : heap) o.run("DatasetInfo.toString()", info.path(), info::toString);
        }
        NdArray d = o.call("H5Image.deserialize(byte[])", "/data", () -> H5Image.deserialize(image));
        if (d != null) checkArray("deserialize(byte[])", "/data", d, null, o);
    }

    /**
     * Edits a copy: every object's header is checked before libhdf5 opens it read-write; then a
     * walk through libhdf5 (an edited file has no Java index), an addition, and the new image, opened again.
     */
    private static void edit(byte[] image, Outcome o) {
        H5File edited = o.call("H5File.edit(byte[])", "", () -> H5File.edit(image));
        if (edited == null) return;
        byte[] result;
        try {
            walk(edited, "/", "edit", o, 0);
            o.call("edit: createDataset()", "/h5image-fuzz", () -> edited.createDataset("h5image-fuzz", new int[] {1, 2, 3}));
            result = o.call("edit: toBytes()", "", edited::toBytes);
        } finally {
            o.run("H5File.close()", "", edited::close);
        }
        if (result == null) return;
        H5File reopened = o.call("H5File.open(edited bytes)", "", () -> H5File.open(result));
        if (reopened == null) {
            o.inconsistencies.add("edit: the edited image does not open: " + o.lastH5);
            return;
        }
        try {
            int[] added = o.call("edited: read()", "/h5image-fuzz", () -> (int[]) reopened.dataset("h5image-fuzz").read().toArray());
            if (added != null && !Arrays.equals(added, new int[] {1, 2, 3})) {
                o.inconsistencies.add("edit: the added dataset reads back as " + Arrays.toString(added));
            }
        } finally {
            o.run("H5File.close()", "", reopened::close);
        }
    }

    private static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    private static void walk(Group group, String path, String how, Outcome o, int depth) {
        if (++o.nodes > MAX_NODES || depth > MAX_DEPTH) return;
        o.call(how + ": Group.path()", path, group::path);
        attributes(how + ": Group", path, group::attributes, o);
        List<String> names = o.call(how + ": Group.names()", path, group::names);
        if (names == null) return;
        // Links h5image never follows (external, user-defined) are not walked: following one is refused.
        List<Link> links = o.call(how + ": Group.links()", path, group::links);
        Set<String> unfollowed = new java.util.HashSet<>();
        if (links != null) {
            for (Link link : links) {
                if (link instanceof Link.External || link instanceof Link.UserDefined) unfollowed.add(link.name());
                o.call(how + ": Link.toString()", child(path, link.name()), link::toString);
            }
            if (links.size() != names.size()) {
                o.inconsistencies.add(how + " " + path + ": " + names.size() + " names but " + links.size() + " links");
            }
        }
        int seen = 0;
        for (String name : names) {
            if (++seen > MAX_NAMES || o.nodes > MAX_NODES) break;
            if (unfollowed.contains(name)) continue;
            String p = child(path, name);
            o.call(how + ": Group.contains()", p, () -> group.contains(name));
            Group g = o.call(how + ": Group.group()", p, () -> group.group(name));
            if (g != null) {
                walk(g, p, how, o, depth + 1);
                continue;
            }
            if (!o.notFound()) continue;
            Dataset ds = o.call(how + ": Group.dataset()", p, () -> group.dataset(name));
            if (ds != null) dataset(ds, p, how, o);
        }
    }

    private static void dataset(Dataset ds, String path, String how, Outcome o) {
        o.nodes++;
        o.call(how + ": Dataset.path()", path, ds::path);
        long[] shape = o.call(how + ": Dataset.shape()", path, ds::shape);
        NdArray a = o.call(how + ": Dataset.read()", path, ds::read);
        boolean unsupported = o.lastH5 instanceof UnsupportedTypeException;
        if (a != null) checkArray(how + ": read()", path, a, shape, o);
        Expect want = o.expect.get(path);
        if (unsupported || (want != null && want.kind().equals("strings"))) {
            String[] s = o.call(how + ": Dataset.readStrings()", path, ds::readStrings);
            if (s != null) {
                if (shape != null && Arrays.stream(shape).reduce(1, (x, y) -> x * y) != s.length) {
                    o.inconsistencies.add(how + " " + path + ": shape() " + Arrays.toString(shape) + " but readStrings() gave "
                            + s.length + " strings");
                }
                o.compare(how + ": readStrings()", path, new Expect("strings", shape == null ? new long[] {s.length} : shape,
                        String.join("\u0000", s).getBytes(StandardCharsets.UTF_8)));
            }
        }
        Object value = o.call(how + ": Dataset.readValue()", path, ds::readValue);
        if (value != null) {
            Expect got = o.call(how + ": readValue() value", path, () -> describeValue(value));
            if (got != null) o.compare(how + ": readValue()", path + "#value", got);
        }
        if (a != null && shape != null && shape.length > 0 && shape[0] > 1) slab(ds, path, how, a, shape, o);
        attributes(how + ": Dataset", path, ds::attributes, o);
    }

    /** Every other element along the first axis, from the second: must be those elements of the whole read. */
    private static void slab(Dataset ds, String path, String how, NdArray whole, long[] shape, Outcome o) {
        long[] start = new long[shape.length];
        long[] count = shape.clone();
        long[] stride = new long[shape.length];
        Arrays.fill(stride, 1);
        start[0] = 1;
        stride[0] = 2;
        count[0] = shape[0] / 2;
        try (Arena arena = Arena.ofConfined()) {
            NdArray slab = o.call(how + ": Dataset.readSlab()", path, () -> ds.readSlab(start, count, stride, arena));
            if (slab == null) return;
            o.run(how + ": readSlab() elements", path, () -> {
                long row = whole.segment().byteSize() / shape[0];
                if (slab.segment().byteSize() != row * count[0]) {
                    o.inconsistencies.add(how + " " + path + ": a slab of " + count[0] + " rows has " + slab.segment().byteSize()
                            + " bytes, rows have " + row);
                    return;
                }
                for (long i = 0; i < count[0]; i++) {
                    if (whole.order() == slab.order() && MemorySegment.mismatch(whole.segment(), (1 + 2 * i) * row,
                            (2 + 2 * i) * row, slab.segment(), i * row, (i + 1) * row) >= 0) {
                        o.inconsistencies.add(how + " " + path + ": slab row " + i + " differs from row " + (1 + 2 * i) + " of read()");
                        return;
                    }
                }
            });
        }
    }

    private static void attributes(String how, String path, Callable<Attributes> get, Outcome o) {
        Attributes attrs = o.call(how + ".attributes()", path, get);
        if (attrs == null) return;
        Set<String> names = o.call(how + ".attributes().names()", path, attrs::names);
        if (names == null) return;
        int seen = 0;
        for (String name : names) {
            if (++seen > MAX_NAMES) break;
            Object value = o.call(how + ".attributes().get()", path + "@" + name, () -> attrs.get(name));
            if (value == null) continue;
            Expect got = o.call(how + ".attributes().get() value", path + "@" + name, () -> describeValue(value));
            if (got != null) o.compare(how + ": attribute", path + "@" + name, got);
        }
    }

    /** An attribute value as kind, shape and content (touching every element). */
    private static Expect describeValue(Object value) {
        List<Long> dims = new ArrayList<>();
        Object v = value;
        while (v != null && v.getClass().isArray()) {
            int n = Array.getLength(v);
            dims.add((long) n);
            if (n == 0 || !v.getClass().getComponentType().isArray()) break;
            v = Array.get(v, 0);
        }
        String content = canonical(value);
        return new Expect(value.getClass().getSimpleName(), dims.stream().mapToLong(Long::longValue).toArray(),
                content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A value's text, the same in every JVM: arrays element by element (Java's own toString of an
     * array is its identity hash), maps in their order; references and selections print their contents.
     */
    private static String canonical(Object value) {
        StringBuilder out = new StringBuilder();
        canonical(value, out);
        return out.toString();
    }

    private static void canonical(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Map<?, ?> m -> {
                out.append('{');
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(e.getKey()).append('=');
                    canonical(e.getValue(), out);
                    out.append(',');
                }
                out.append('}');
            }
            default -> {
                if (!value.getClass().isArray()) {
                    out.append(value);
                    return;
                }
                out.append('[');
                for (int i = 0; i < Array.getLength(value); i++) {
                    canonical(Array.get(value, i), out);
                    out.append(',');
                }
                out.append(']');
            }
        }
    }

    /** Touches every byte of a read, checks it agrees with itself, and compares it with the seed. */
    private static void checkArray(String how, String path, NdArray a, long[] shapeCall, Outcome o) {
        Expect got = o.call(how + " NdArray", path, () -> {
            MemorySegment s = a.segment();
            long[] shape = a.shape();
            long count = 1;
            for (long dim : shape) count = dim < 0 ? -1 : Math.multiplyHigh(count, dim) != 0 ? -1 : count * dim;
            if (count != a.size() || count < 0 || s.byteSize() != count * a.dtype().size()) {
                o.inconsistencies.add(how + " " + path + ": " + a + " has size " + a.size() + " and a " + s.byteSize()
                        + "-byte segment");
            }
            // An array type's dimensions follow the dataspace's in read()'s shape, as numpy joins them.
            if (shapeCall != null && (shape.length < shapeCall.length
                    || !Arrays.equals(shapeCall, Arrays.copyOf(shape, shapeCall.length)))) {
                o.inconsistencies.add(how + " " + path + ": shape() " + Arrays.toString(shapeCall) + " but read() " + a);
            }
            byte[] content = s.byteSize() <= TO_ARRAY_LIMIT * 8 ? s.toArray(ValueLayout.JAVA_BYTE) : null;
            if (content == null) {
                long sum = 0; // touch every byte of a large one without copying it to the heap
                for (long i = 0; i + 8 <= s.byteSize(); i += 8) sum += s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
                content = Long.toString(sum).getBytes(StandardCharsets.US_ASCII);
            }
            return new Expect(a.dtype() + "/" + a.order(), shape, content);
        });
        boolean small = a.size() <= TO_ARRAY_LIMIT && Arrays.stream(a.shape()).allMatch(dim -> dim <= TO_ARRAY_LIMIT);
        if (small) {
            o.call(how + " NdArray.toArray()", path, () -> Arrays.deepHashCode(new Object[] {a.toArray()}));
        }
        if (got != null) o.compare(how, path, got);
    }

    // ==== the child =========================================================================

    /**
     * The child JVM: {@code @@S idx} (start, with the mutation), {@code @@F idx signature \t step \t path \t trace}
     * per unexpected exception, {@code @@R idx file} per reproducer written, {@code @@D idx text} per read whose
     * dtype or shape differs from the seed's, {@code @@I idx text} per read that disagrees with itself,
     * {@code @@E idx micros calls ok opened valueDiffs unknownPaths expected-counts} (end), {@code @@DONE n}.
     * Traces are escaped onto one line. With {@code --trace}, {@code @@T step path} before every call.
     */
    static final class Child {
        static void run(Map<String, String> opts) throws IOException {
            long campaignSeed = Long.decode(opts.get("campaign-seed"));
            List<Long> indices = parseIndices(opts.get("indices"));
            Path out = Path.of(opts.getOrDefault("out", "fuzz-reproducers"));
            Path inflight = opts.containsKey("inflight") ? Path.of(opts.get("inflight")) : null;
            int cap = Integer.parseInt(opts.getOrDefault("finding-cap", "3"));
            long until = Long.parseLong(opts.getOrDefault("until", Long.toString(Long.MAX_VALUE)));
            PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
            PrintStream trace = opts.containsKey("trace") ? stdout : null;
            Files.createDirectories(out);
            List<Seed> seeds = seeds();
            stdout.println("@@SEEDS " + seedsFingerprint());
            stdout.flush();
            Map<String, Integer> written = new HashMap<>();
            int n = 0;
            for (long index : indices) {
                if (System.currentTimeMillis() > until) break;
                Mutant m = mutate(seeds, campaignSeed, index);
                if (inflight != null) {
                    Files.write(inflight, m.bytes(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                }
                stdout.println("@@S " + index + " " + escape(m.describe()));
                stdout.flush();
                long t0 = System.nanoTime();
                Outcome o = new Outcome(m.seed().expect(), false, trace);
                exercise(m.bytes(), o);
                long micros = (System.nanoTime() - t0) / 1000;
                for (Finding f : o.findings) {
                    String sig = f.signature();
                    stdout.println("@@F " + index + " " + escape(sig) + "\t" + escape(f.step()) + "\t" + escape(f.path())
                            + "\t" + escape(f.trace()));
                    if (written.merge(sig, 1, Integer::sum) <= cap) {
                        String base = "unexpected-" + f.thrown().getClass().getSimpleName() + "-" + campaignSeed + "-" + index;
                        Path h5 = out.resolve(base + ".h5");
                        if (!Files.exists(h5)) {
                            Files.write(h5, m.bytes());
                            Files.writeString(out.resolve(base + ".txt"), m.describe() + "\n\nsignature: " + sig + "\ncall: "
                                    + f.step() + " on " + f.path() + "\n\n" + f.trace() + "\nreplay: " + replayHint(h5, m.seed()) + "\n");
                            stdout.println("@@R " + index + " " + escape(sig) + "\t" + h5);
                        }
                    }
                }
                for (String d : o.metaDiffs) stdout.println("@@D " + index + " " + escape(d));
                for (String i : o.inconsistencies) stdout.println("@@I " + index + " " + escape(i));
                StringBuilder counts = new StringBuilder();
                o.expected.forEach((k, v) -> counts.append(counts.isEmpty() ? "" : ",").append(k).append(':').append(v));
                stdout.println("@@E " + index + " " + micros + " " + o.calls + " " + o.ok + " " + (o.openedBytes ? 1 : 0)
                        + (o.openedSegment ? 1 : 0) + " " + o.valueDiffs + " " + o.unknownPaths + " "
                        + (counts.isEmpty() ? "-" : counts));
                stdout.flush();
                n++;
            }
            stdout.println("@@DONE " + n);
            stdout.flush();
        }
    }

    static String replayHint(Path h5, Seed seed) {
        return "java --enable-native-access=ALL-UNNAMED -cp <it test class path> " + FuzzWorker.class.getName()
                + " replay --seed-name " + seed.name() + " " + h5;
    }

    static List<Long> parseIndices(String spec) {
        List<Long> list = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) continue;
            int dash = part.indexOf('-', 1);
            if (dash < 0) {
                list.add(Long.parseLong(part.strip()));
            } else {
                long from = Long.parseLong(part.substring(0, dash).strip()), to = Long.parseLong(part.substring(dash + 1).strip());
                for (long i = from; i <= to; i++) list.add(i);
            }
        }
        return list;
    }

    /** Compact "0-99,105,107-120" for a sorted list. */
    static String formatIndices(List<Long> indices) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < indices.size(); ) {
            int j = i;
            while (j + 1 < indices.size() && indices.get(j + 1) == indices.get(j) + 1) j++;
            if (!b.isEmpty()) b.append(',');
            b.append(indices.get(i));
            if (j > i) b.append('-').append(indices.get(j));
            i = j + 1;
        }
        return b.toString();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ==== replay ================================================================================

    static void replay(String seedName, List<String> files) throws IOException {
        Map<String, Expect> expect = Map.of();
        if (seedName != null) {
            expect = seeds().stream().filter(s -> s.name().equals(seedName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no seed " + seedName)).expect();
        }
        for (String file : files) {
            byte[] image = Files.readAllBytes(Path.of(file));
            Outcome o = new Outcome(expect, false, null);
            exercise(image, o);
            System.out.println(file + ": " + image.length + " B, " + o.calls + " calls, " + o.ok + " succeeded, opened "
                    + (o.openedBytes ? "byte[] " : "") + (o.openedSegment ? "segment" : "") + "; H5Exceptions " + o.expected);
            for (Finding f : o.findings) System.out.println("  UNEXPECTED in " + f.step() + " on " + f.path() + ":\n" + f.trace());
            for (String d : o.metaDiffs) System.out.println("  dtype/shape differs: " + d);
            for (String i : o.inconsistencies) System.out.println("  inconsistent: " + i);
        }
    }

    // ==== minimizing a reproducer ==============================================================

    /** Shrinks a failing image towards its seed, keeping the failure; every try runs in a child JVM. */
    static final class Minimizer {
        private final String classpath;
        private final int hangSeconds;
        private final Path tmp;
        int tries;

        Minimizer(String classpath, int hangSeconds) throws IOException {
            this.classpath = classpath;
            this.hangSeconds = hangSeconds;
            this.tmp = Files.createTempDirectory("fuzz-minimize");
        }

        static void run(Map<String, String> opts, List<String> files) throws IOException, InterruptedException {
            Minimizer m = new Minimizer(opts.getOrDefault("classpath", System.getProperty("java.class.path")),
                    Integer.parseInt(opts.getOrDefault("hang-seconds", "5")));
            for (String file : files) {
                Path path = Path.of(file);
                String name = opts.get("seed-name");
                Path txt = path.resolveSibling(path.getFileName() + ".txt");
                if (name == null && Files.exists(txt)) {
                    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("image \\d+: seed (\\S+) \\(")
                            .matcher(Files.readString(txt));
                    if (matcher.find()) name = matcher.group(1);
                }
                String seedName = name;
                Seed seed = seeds().stream().filter(s -> s.name().equals(seedName)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("which seed is " + file + "? give --seed-name"));
                m.minimize(path, seed);
            }
        }

        void minimize(Path file, Seed seed) throws IOException, InterruptedException {
            byte[] image = Files.readAllBytes(file);
            byte[] base = seed.bytes();
            String target = outcome(image);
            System.out.println(file + ": " + target);
            if (target.equals("ok")) return;
            byte[] cur = image;
            if (cur.length != base.length) {
                byte[] sized = Arrays.copyOf(cur, base.length);
                if (cur.length < base.length) System.arraycopy(base, cur.length, sized, cur.length, base.length - cur.length);
                if (outcome(sized).equals(target)) cur = sized;
            }
            // Runs of differing bytes first, then the bytes of the runs that must stay, one at a time.
            for (int pass = 0; pass < 2; pass++) {
                int common = Math.min(cur.length, base.length);
                for (int i = 0; i < common; ) {
                    if (cur[i] == base[i]) {
                        i++;
                        continue;
                    }
                    int j = i;
                    if (pass == 0) while (j + 1 < common && cur[j + 1] != base[j + 1]) j++;
                    byte[] trial = cur.clone();
                    System.arraycopy(base, i, trial, i, j - i + 1);
                    if (outcome(trial).equals(target)) cur = trial;
                    i = j + 1;
                }
            }
            Path out = file.resolveSibling(file.getFileName().toString().replaceAll("\\.h5$", "") + ".min.h5");
            Files.write(out, cur);
            StringBuilder b = new StringBuilder();
            int common = Math.min(cur.length, base.length);
            for (int i = 0; i < common; i++) {
                if (cur[i] != base[i]) b.append(String.format("  @%d (0x%x): %02x -> %02x%n", i, i, base[i] & 0xFF, cur[i] & 0xFF));
            }
            if (cur.length != base.length) b.append("  length ").append(base.length).append(" -> ").append(cur.length).append('\n');
            System.out.println("minimal (" + tries + " tries so far): " + out + ", differs from seed " + seed.name() + " in:\n" + b);
        }

        /** "crash FRAME", "hang", "unexpected CLASS in CALL", or "ok". */
        String outcome(byte[] image) throws IOException, InterruptedException {
            tries++;
            Path f = tmp.resolve("try.h5");
            Files.write(f, image);
            try (Stream<Path> old = Files.list(tmp)) {
                for (Path p : old.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList()) Files.delete(p);
            }
            Path out = tmp.resolve("out.txt");
            Process p = perturbed(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + tmp + "/hs_err_pid%p.log", "-cp", classpath, FuzzWorker.class.getName(), "replay", f.toString()))
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(hangSeconds + 3, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                return "hang";
            }
            Path hs = tmp.resolve("hs_err_pid" + p.pid() + ".log");
            if (Files.exists(hs)) {
                List<String> lines = Files.readAllLines(hs, StandardCharsets.ISO_8859_1);
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (lines.get(i).contains("Problematic frame")) {
                        return "crash " + lines.get(i + 1).substring(1).strip().replaceAll("\\+0x[0-9a-f]+\\]", "]");
                    }
                }
                return "crash";
            }
            if (p.exitValue() != 0) return "exit " + p.exitValue();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("  UNEXPECTED in ")) {
                    String call = lines.get(i).substring(16).replaceAll(" on .*", "");
                    return "unexpected " + lines.get(i + 1).replaceAll(":.*", "") + " in " + call;
                }
            }
            return "ok";
        }
    }

    // ==== the campaign driver ================================================================

    /**
     * Runs a campaign in child JVMs, one at a time, and collects the figures. Used by {@code bin/fuzz}
     * ({@code campaign} mode) and by {@link FuzzObjectModelTest}. Needs no libhdf5 itself.
     */
    static final class Campaign {

        static final class Config {
            long images = 100_000;
            long start = 0;
            long seed = 20260101L;
            int batch = 2000;
            Path out = Path.of("target/fuzz-reproducers");
            String classpath = System.getProperty("java.class.path");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> jvmArgs = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC"));
            Duration hang = Duration.ofSeconds(30);
            Duration startup = Duration.ofSeconds(120);
            /** Stop starting new children after this long (the children already started finish). */
            Duration maxTime = Duration.ofDays(365);
            /** Reproducers kept per signature of unexpected exception, over the campaign. */
            int keepPerSignature = 5;
            /** Crash or hang reproducers kept per signature, and how many of them are re-run alone to confirm. */
            int keepCrashesPerSignature = 10;
            int confirmPerSignature = 2;
            int progressSeconds = 60;

            static Config fromOptions(Map<String, String> o) {
                Config c = new Config();
                if (o.containsKey("images")) c.images = Long.parseLong(o.get("images"));
                if (o.containsKey("start")) c.start = Long.parseLong(o.get("start"));
                if (o.containsKey("seed")) c.seed = Long.decode(o.get("seed"));
                if (o.containsKey("batch")) c.batch = Integer.parseInt(o.get("batch"));
                if (o.containsKey("out")) c.out = Path.of(o.get("out"));
                if (o.containsKey("classpath")) c.classpath = o.get("classpath");
                if (o.containsKey("hang-seconds")) c.hang = Duration.ofSeconds(Long.parseLong(o.get("hang-seconds")));
                if (o.containsKey("max-seconds")) c.maxTime = Duration.ofSeconds(Long.parseLong(o.get("max-seconds")));
                if (o.containsKey("progress-seconds")) c.progressSeconds = Integer.parseInt(o.get("progress-seconds"));
                if (o.containsKey("jvm-args")) c.jvmArgs = new ArrayList<>(List.of(o.get("jvm-args").trim().split("\\s+")));
                return c;
            }
        }

        /** A child that died, or an image that hung, with what was found about it. */
        /**
         * Crashes (or hangs) of one signature: the signal and problematic frame of the hs_err plus the library's
         * Java frame that called native code; how often, on which images, what was confirmed about the first few.
         */
        static final class Incidents {
            final String kind, signature;
            long count;
            final List<Long> indices = new ArrayList<>();
            final List<String> reproducers = new ArrayList<>();
            final List<String> details = new ArrayList<>();

            Incidents(String kind, String signature) {
                this.kind = kind;
                this.signature = signature;
            }
        }

        /** What an hs_err file says, in short. */
        record HsErr(String signal, String frame, String javaFrame, String excerpt) {}

        /** One signature of unexpected exception: how often, where first, one trace. */
        static final class FindingStats {
            final String signature, step, path, trace;
            final long firstIndex;
            long count;
            final List<Long> indices = new ArrayList<>();
            final List<String> reproducers = new ArrayList<>();

            FindingStats(String signature, String step, String path, String trace, long firstIndex) {
                this.signature = signature;
                this.step = step;
                this.path = path;
                this.trace = trace;
                this.firstIndex = firstIndex;
            }
        }

        final class Summary {
            long images, openedByArray, openedBySegment, calls, ok, valueDiffs, unknownPaths, imagesWithMetaDiffs,
                    metaDiffs, inconsistent;
            final Map<String, Long> expected = new TreeMap<>();
            final Map<String, FindingStats> findings = new LinkedHashMap<>();
            final Map<String, Incidents> crashes = new LinkedHashMap<>();
            final Map<String, Incidents> hangs = new LinkedHashMap<>();
            final List<String> metaDiffExamples = new ArrayList<>();
            final Map<String, Long> metaDiffKinds = new TreeMap<>();
            final List<String> inconsistencyExamples = new ArrayList<>();
            String seeds = "?";
            long children;
            long slowestMicros = -1, slowestIndex = -1;
            long startNanos = System.nanoTime(), endNanos;
            boolean stoppedEarly;

            long unexpected() {
                return findings.values().stream().mapToLong(f -> f.count).sum();
            }

            boolean clean() {
                return crashes.isEmpty() && hangs.isEmpty() && findings.isEmpty();
            }

            long crashCount() {
                return crashes.values().stream().mapToLong(i -> i.count).sum();
            }

            long hangCount() {
                return hangs.values().stream().mapToLong(i -> i.count).sum();
            }

            String report() {
                double seconds = (endNanos - startNanos) / 1e9;
                StringBuilder b = new StringBuilder();
                b.append("==== fuzz campaign: seed ").append(config.seed).append(", images ").append(config.start).append("..")
                        .append(config.start + config.images - 1).append(stoppedEarly ? " (stopped at the time limit)" : "").append('\n');
                b.append("seed images (CRC, names): ").append(seeds).append('\n');
                b.append(String.format(Locale.ROOT, "images run: %d in %.1f s (%.0f images/s), %d child JVMs%n", images, seconds,
                        images / Math.max(seconds, 1e-9), children));
                b.append(String.format(Locale.ROOT, "opened by H5File.open(byte[]): %d, by H5File.open(MemorySegment): %d%n",
                        openedByArray, openedBySegment));
                b.append(String.format(Locale.ROOT, "API calls: %d, succeeded %d, H5Exceptions %s%n", calls, ok, expected));
                b.append("slowest image: ").append(slowestIndex).append(" (").append(slowestMicros / 1000).append(" ms)\n");
                b.append("CRASHES: ").append(crashCount()).append(" in ").append(crashes.size()).append(" signatures\n");
                for (Incidents i : crashes.values()) b.append(incidents(i));
                b.append("HANGS: ").append(hangCount()).append('\n');
                for (Incidents i : hangs.values()) b.append(incidents(i));
                b.append("UNEXPECTED EXCEPTIONS: ").append(unexpected()).append(" in ").append(findings.size())
                        .append(" signatures\n");
                Map<String, Long> byClass = new TreeMap<>();
                for (FindingStats f : findings.values()) byClass.merge(f.signature.split(" ")[0], f.count, Long::sum);
                if (!byClass.isEmpty()) b.append("  by class: ").append(byClass).append('\n');
                for (FindingStats f : findings.values()) {
                    b.append("  ").append(f.count).append(" x ").append(f.signature).append('\n');
                    b.append("    first: image ").append(f.firstIndex).append(", ").append(f.step).append(" on ").append(f.path)
                            .append("; images ").append(f.indices.subList(0, Math.min(10, f.indices.size())))
                            .append(f.indices.size() > 10 ? " ..." : "").append('\n');
                    b.append("    reproducers: ").append(f.reproducers).append('\n');
                    b.append(indent(f.trace, "    | "));
                }
                b.append("reads that succeeded with a dtype or shape unlike the seed's: ").append(metaDiffs).append(" in ")
                        .append(imagesWithMetaDiffs).append(" images (not failures)\n");
                metaDiffKinds.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                        .forEach(e -> b.append("    ").append(e.getValue()).append(" x ").append(e.getKey()).append('\n'));
                for (String e : metaDiffExamples) b.append("  e.g. ").append(e).append('\n');
                b.append("reads with the seed's dtype and shape but other values: ").append(valueDiffs)
                        .append("; reads of paths the seed does not have: ").append(unknownPaths).append('\n');
                b.append("results inconsistent with themselves (shape() vs read(), size vs segment): ").append(inconsistent).append('\n');
                for (String e : inconsistencyExamples) b.append("  e.g. ").append(e).append('\n');
                b.append("reproducers and logs: ").append(config.out.toAbsolutePath()).append('\n');
                return b.toString();
            }

            private String incidents(Incidents i) {
                StringBuilder b = new StringBuilder();
                b.append("  ").append(i.count).append(" x ").append(i.kind).append(": ").append(i.signature).append('\n');
                b.append("    images ").append(i.indices.subList(0, Math.min(20, i.indices.size())))
                        .append(i.indices.size() > 20 ? " ..." : "").append('\n');
                b.append("    reproducers: ").append(i.reproducers).append('\n');
                for (String d : i.details) b.append(indent(d, "    | ")).append("    |\n");
                return b.toString();
            }
        }

        private static String indent(String text, String prefix) {
            StringBuilder b = new StringBuilder();
            for (String line : text.split("\n")) if (!line.isBlank()) b.append(prefix).append(line).append('\n');
            return b.toString();
        }

        final Config config;
        final Consumer<String> log;
        final Summary summary;
        final Path work;

        Campaign(Config config, Consumer<String> log) {
            this.config = config;
            this.log = log;
            this.summary = new Summary();
            this.work = config.out.resolve("work");
        }

        /** What one child did. */
        final class ChildRun {
            final List<Long> indices;
            final boolean count;
            final boolean trace;
            final List<Long> completed = new ArrayList<>();
            Long inflight;
            String inflightMutation;
            String lastTraceStep;
            /** Where a hung child was: {signature, excerpt}. */
            String[] hangStacks;
            boolean done, hung, startupHang, started;
            int exitCode;
            long pid;
            Path stderr;

            ChildRun(List<Long> indices, boolean count, boolean trace) {
                this.indices = indices;
                this.count = count;
                this.trace = trace;
            }

            boolean abnormal() {
                return hung || startupHang || !done || exitCode != 0;
            }
        }

        Summary run() throws IOException, InterruptedException {
            Files.createDirectories(work);
            Thread hook = new Thread(() -> {
                Process p = current;
                if (p != null && p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return runCampaign();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running
                }
            }
        }

        private Summary runCampaign() throws IOException, InterruptedException {
            log.accept("fuzz: seed " + config.seed + ", images " + config.start + ".." + (config.start + config.images - 1)
                    + ", batches of " + config.batch + ", hang limit " + config.hang.toSeconds() + " s; reproducers in "
                    + config.out.toAbsolutePath());
            long deadline = System.nanoTime() + config.maxTime.toNanos();
            deadlineMillis = config.maxTime.toDays() > 300 ? Long.MAX_VALUE : System.currentTimeMillis() + config.maxTime.toMillis();
            long lastProgress = System.nanoTime();
            long next = config.start, end = config.start + config.images;
            while (next < end) {
                if (System.nanoTime() > deadline) {
                    summary.stoppedEarly = true;
                    break;
                }
                List<Long> batch = new ArrayList<>();
                for (long i = next; i < Math.min(end, next + config.batch); i++) batch.add(i);
                next = batch.getLast() + 1;
                List<Long> pending = batch;
                while (!pending.isEmpty() && System.nanoTime() < deadline) {
                    ChildRun r = runChild(pending, true, false);
                    if (!r.abnormal()) break;
                    pending = handleAbnormal(r, pending);
                }
                if (System.nanoTime() > deadline && summary.images < config.images) summary.stoppedEarly = true;
                if (System.nanoTime() - lastProgress > config.progressSeconds * 1_000_000_000L) {
                    lastProgress = System.nanoTime();
                    log.accept(String.format(Locale.ROOT, "fuzz: %d images, %d crashes, %d hangs, %d unexpected exceptions, %.0f s",
                            summary.images, summary.crashCount(), summary.hangCount(), summary.unexpected(),
                            (System.nanoTime() - summary.startNanos) / 1e9));
                }
            }
            summary.endNanos = System.nanoTime();
            Files.writeString(config.out.resolve("summary.txt"), summary.report());
            return summary;
        }

        /**
         * A child ended badly while running {@code pending}: keeps the image (and hs_err), confirms it alone,
         * and returns the images still to run (those after it).
         */
        private List<Long> handleAbnormal(ChildRun r, List<Long> pending) throws IOException, InterruptedException {
            if (r.startupHang || !r.started) {
                // Not an image's fault: it had not built its seeds yet. A broken set-up, reported as such.
                throw new IllegalStateException("a fuzz child JVM " + (r.startupHang ? "printed nothing within "
                        + config.startup.toSeconds() + " s" : "exited with status " + r.exitCode + " before it started")
                        + "; stderr: " + tail(r.stderr));
            }
            String stderr = tail(r.stderr); // before any re-run
            Files.deleteIfExists(r.stderr);
            if (r.inflight != null) {
                long index = r.inflight;
                String kind = r.hung ? "hang" : "crash";
                HsErr hs = r.hung ? null : hsErr(r);
                String signature = r.hung ? r.hangStacks[0]
                        : hs != null ? hs.signal() + " in " + hs.frame() + " called from " + hs.javaFrame()
                        : "exit status " + r.exitCode + describeStatus(r.exitCode) + ", no hs_err";
                Incidents group = (r.hung ? summary.hangs : summary.crashes).computeIfAbsent(signature, k -> new Incidents(kind, k));
                group.count++;
                if (group.indices.size() < 1000) group.indices.add(index);
                summary.images++;
                StringBuilder detail = new StringBuilder();
                detail.append("image ").append(index).append(": ").append(r.inflightMutation).append('\n');
                detail.append(r.hung ? "no progress for " + config.hang.toSeconds() + " s: killed; where it was:\n" + r.hangStacks[1]
                        : "child exited with status " + r.exitCode + describeStatus(r.exitCode) + "\n");
                Path repro = null;
                if (group.reproducers.size() < config.keepCrashesPerSignature) {
                    repro = config.out.resolve(kind + "-" + config.seed + "-" + index + ".h5");
                    Files.copy(work.resolve("inflight-" + r.pid + ".h5"), repro, StandardCopyOption.REPLACE_EXISTING);
                    group.reproducers.add(repro.toString());
                }
                Path hsFile = work.resolve("hs_err_pid" + r.pid + ".log");
                if (hs != null) {
                    detail.append(hs.excerpt());
                    if (repro != null) {
                        Path kept = repro.resolveSibling(repro.getFileName() + ".hs_err.log");
                        Files.move(hsFile, kept, StandardCopyOption.REPLACE_EXISTING);
                        detail.append("hs_err: ").append(kept).append('\n');
                    }
                }
                Files.deleteIfExists(hsFile);
                if (group.details.size() < config.confirmPerSignature) {
                    // Alone, in a fresh JVM, with every call traced: does it reproduce, and in which call?
                    ChildRun alone = runChild(List.of(index), false, true);
                    String aloneErr = tail(alone.stderr);
                    cleanUp(alone);
                    if (alone.abnormal() && alone.inflight != null && alone.inflight == index) {
                        detail.append("reproduces alone in a fresh JVM (").append(alone.hung ? "hang" : "exit " + alone.exitCode)
                                .append("), in the call: ").append(alone.lastTraceStep).append('\n');
                        if (!aloneErr.equals("(empty)") && !aloneErr.equals(stderr)) detail.append("its stderr: ").append(aloneErr).append('\n');
                    } else {
                        detail.append("does NOT reproduce alone; ");
                        int pos = pending.indexOf(index);
                        ChildRun again = runChild(pending.subList(0, pos + 1), false, false);
                        cleanUp(again);
                        if (again.abnormal() && again.inflight != null && again.inflight == index) {
                            // Bisect for the shortest run of images before it that still ends this way.
                            int lo = 0, hi = pos; // from lo it reproduces; from hi (alone) it does not
                            while (hi - lo > 1) {
                                int mid = (lo + hi) >>> 1;
                                ChildRun m = runChild(pending.subList(mid, pos + 1), false, false);
                                cleanUp(m);
                                if (m.abnormal() && m.inflight != null && m.inflight == index) lo = mid;
                                else hi = mid;
                            }
                            detail.append("reproduces after images ").append(formatIndices(pending.subList(lo, pos)))
                                    .append(" (run: --indices ").append(formatIndices(pending.subList(lo, pos + 1))).append(")\n");
                        } else {
                            detail.append("nor after the same ").append(pos).append(" images before it: flaky\n");
                        }
                    }
                    detail.append("stderr: ").append(stderr).append('\n');
                    group.details.add(detail.toString());
                    log.accept("fuzz: " + kind.toUpperCase(Locale.ROOT) + " (" + signature + ")\n" + indent(detail.toString(), "    "));
                }
                if (repro != null) {
                    if (detail.indexOf("\nstderr: ") < 0) detail.append("stderr: ").append(stderr).append('\n');
                    Files.writeString(repro.resolveSibling(repro.getFileName() + ".txt"), "signature: " + signature + "\n" + detail
                            + "replay: " + "java --enable-native-access=ALL-UNNAMED -cp <it test class path> "
                            + FuzzWorker.class.getName() + " run --campaign-seed " + config.seed + " --indices " + index
                            + " --trace --out /tmp/fuzz-replay\n");
                }
                Files.deleteIfExists(work.resolve("inflight-" + r.pid + ".h5"));
                return new ArrayList<>(pending.subList(pending.indexOf(index) + 1, pending.size()));
            }
            // Every image it started, it finished: the child failed outside an image (at exit, say). Bisect by halves.
            HsErr hs = hsErr(r);
            String signature = "exit status " + r.exitCode + describeStatus(r.exitCode)
                    + (r.done ? " after reporting all its images" : " between images")
                    + (hs != null ? ": " + hs.signal() + " in " + hs.frame() + " called from " + hs.javaFrame() : "");
            StringBuilder detail = new StringBuilder(signature).append('\n');
            if (hs != null) detail.append(hs.excerpt());
            Path hsFile = work.resolve("hs_err_pid" + r.pid + ".log");
            if (Files.exists(hsFile)) Files.move(hsFile, config.out.resolve(hsFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            List<Long> suspects = new ArrayList<>(r.completed);
            while (suspects.size() > 1) {
                List<Long> first = suspects.subList(0, suspects.size() / 2), second = suspects.subList(suspects.size() / 2, suspects.size());
                ChildRun a = runChild(first, false, false);
                cleanUp(a);
                if (a.abnormal()) {
                    suspects = new ArrayList<>(first);
                    continue;
                }
                ChildRun b = runChild(second, false, false);
                cleanUp(b);
                if (b.abnormal()) suspects = new ArrayList<>(second);
                else break;
            }
            Incidents group = summary.crashes.computeIfAbsent(signature, k -> new Incidents("exit failure", k));
            group.count++;
            if (suspects.size() == 1) {
                long index = suspects.getFirst();
                Path repro = config.out.resolve("exit-failure-" + config.seed + "-" + index + ".h5");
                showImage(index, repro);
                group.indices.add(index);
                group.reproducers.add(repro.toString());
                detail.append("isolated to image ").append(index).append(" (alone, the child fails the same way)\n");
            } else {
                detail.append("not isolated: images ").append(formatIndices(suspects)).append(" together\n");
            }
            detail.append("stderr: ").append(stderr).append('\n');
            group.details.add(detail.toString());
            log.accept("fuzz: CHILD FAILURE: " + detail);
            return List.of();
        }

        private void cleanUp(ChildRun r) throws IOException {
            Files.deleteIfExists(r.stderr);
            Files.deleteIfExists(work.resolve("hs_err_pid" + r.pid + ".log"));
            Files.deleteIfExists(work.resolve("inflight-" + r.pid + ".h5"));
        }

        private void showImage(long index, Path file) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(config.java, "--enable-native-access=ALL-UNNAMED", "-cp", config.classpath,
                    FuzzWorker.class.getName(), "show", "--campaign-seed", Long.toString(config.seed), "--index",
                    Long.toString(index), "--out", file.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(file.resolveSibling(file.getFileName() + ".txt").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }

        private static String describeStatus(int status) {
            if (status > 128 && status < 160) return " (signal " + (status - 128) + ")";
            return "";
        }

        /** The hs_err of a child, if it wrote one: signal, problematic frame, native and Java frames. */
        private HsErr hsErr(ChildRun r) throws IOException {
            Path hs = work.resolve("hs_err_pid" + r.pid + ".log");
            if (!Files.exists(hs)) return null;
            List<String> lines = Files.readAllLines(hs, StandardCharsets.ISO_8859_1);
            String signal = "?", frame = "?", javaFrame = "?";
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("#  SIG") || line.startsWith("#  Internal Error") || line.startsWith("#  Out of Memory")
                        || line.startsWith("# There is insufficient memory")) {
                    signal = line.substring(1).strip().replaceAll(" at pc=.*", "");
                    b.append(line).append('\n');
                } else if (line.contains("Problematic frame") && i + 1 < lines.size()) {
                    frame = lines.get(i + 1).substring(1).strip().replaceAll("\\+0x[0-9a-f]+\\]", "]");
                    b.append(line).append('\n').append(lines.get(i + 1)).append('\n');
                } else if (line.startsWith("Native frames:")) {
                    b.append("frames (native and Java, innermost first):\n");
                    for (int j = i + 1, n = 0; j < lines.size() && !lines.get(j).isBlank() && n < 40; j++) {
                        String f = lines.get(j);
                        if (f.startsWith("Java frames:") || f.contains("java.lang.invoke.") || f.contains("jdk.internal.foreign")) continue;
                        n++;
                        b.append("  ").append(f.replaceAll(" @ 0x.*", "").replaceAll("\\(\\d+ bytes\\)", "")
                                .replaceAll("\\(L[^)]*\\)|\\([A-Z\\[;]*\\)", "(..)")).append('\n');
                        if (javaFrame.equals("?") && f.contains("io.h5image.") && !f.contains("io.h5image.bindings")) {
                            javaFrame = f.replaceAll("^.*?(io\\.h5image\\.[\\w.$]+)\\(.*$", "$1");
                        }
                        if (f.contains("io.h5image.it.")) break;
                    }
                }
            }
            return new HsErr(signal, frame, javaFrame, b.toString());
        }

        /**
         * Where a hung child is: the main thread's Java stack (jstack) and, if gdb can attach, the native frames of
         * the thread inside libhdf5. Returns {signature, excerpt}.
         */
        private String[] hangStacks(long pid) {
            String javaFrame = "?", nativeFrame = "?", topFrame = "?";
            StringBuilder b = new StringBuilder();
            String jstack = capture(List.of(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(pid)), 30);
            int mainAt = jstack.indexOf("\"main\"");
            if (mainAt >= 0) {
                String main = jstack.substring(mainAt);
                int blank = main.indexOf("\n\n");
                if (blank > 0) main = main.substring(0, blank);
                int n = 0;
                for (String line : main.split("\n")) {
                    if (n++ > 30) break;
                    b.append("  ").append(line.strip()).append('\n');
                    String t = line.strip();
                    if (javaFrame.equals("?") && t.startsWith("at io.h5image.") && !t.startsWith("at io.h5image.bindings")) {
                        javaFrame = t.substring(3).replaceAll("\\(.*", "");
                    }
                    if (t.startsWith("at io.h5image.it.")) break;
                }
            } else {
                b.append("  (jstack gave no main thread)\n");
            }
            String gdb = capture(List.of("gdb", "-p", Long.toString(pid), "-batch", "-nx", "-ex", "thread apply all bt 40"), 60);
            for (String thread : gdb.split("\n(?=Thread \\d+ )")) {
                if (!thread.startsWith("Thread ") || !thread.matches("(?s).*\\bH5\\w*.*")) continue;
                int n = 0;
                for (String line : thread.split("\n")) {
                    if (!line.startsWith("#")) continue;
                    String fn = line.replaceAll("^#\\d+\\s+(0x[0-9a-f]+ in )?(\\S+) .*$", "$2");
                    if (topFrame.equals("?")) topFrame = fn;
                    // Where a loop is sampled varies (a helper, an unnamed static function): name it by the first frame
                    // above the generic layers (metadata cache, file, memory), which is stable from sample to sample.
                    if (nativeFrame.equals("?") && fn.startsWith("H5") && !fn.matches("H5(C|AC|F|MM|FL|E|VM|I)_[\\w@.]*")) nativeFrame = fn;
                    if (n++ < 25) b.append("  ").append(line.replaceAll(" \\(.*?\\)( at | from |$)", " (..)$1")).append('\n');
                }
                break;
            }
            if (topFrame.equals("?")) b.append("  (no native stack: gdb missing or could not attach)\n");
            String signature = "hang in " + nativeFrame + " called from " + javaFrame;
            b.append("  innermost native frame: ").append(topFrame).append('\n');
            return new String[] {signature, b.toString()};
        }

        private static String capture(List<String> command, int seconds) {
            try {
                Path out = Files.createTempFile("fuzz-capture", ".txt");
                try {
                    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                    return Files.readString(out, StandardCharsets.ISO_8859_1);
                } finally {
                    Files.deleteIfExists(out);
                }
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        private static String tail(Path file) {
            try {
                if (file == null || !Files.exists(file)) return "(none)";
                String s = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
                if (s.isEmpty()) return "(empty)";
                return s.length() > 1500 ? "..." + s.substring(s.length() - 1500) : s;
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        private ChildRun runChild(List<Long> indices, boolean count, boolean trace) throws IOException, InterruptedException {
            ChildRun r = new ChildRun(indices, count, trace);
            List<String> cmd = new ArrayList<>();
            cmd.add(config.java);
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(config.jvmArgs);
            cmd.add("-XX:ErrorFile=" + work.toAbsolutePath() + "/hs_err_pid%p.log");
            cmd.add("-XX:-CreateCoredumpOnCrash");
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("h5image.") && !k.startsWith("h5image.fuzz"))
                    .sorted().forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
            cmd.add("-cp");
            cmd.add(config.classpath);
            cmd.add(FuzzWorker.class.getName());
            cmd.add("run");
            cmd.add("--campaign-seed");
            cmd.add(Long.toString(config.seed));
            cmd.add("--indices");
            cmd.add(formatIndices(indices));
            cmd.add("--out");
            cmd.add(config.out.toAbsolutePath().toString());
            cmd.add("--finding-cap");
            cmd.add(count ? "3" : "0");
            if (trace) cmd.add("--trace");
            if (count && deadlineMillis != Long.MAX_VALUE) {
                cmd.add("--until");
                cmd.add(Long.toString(deadlineMillis));
            }
            // The in-flight file is named after the child's pid, which is known only once it runs: a placeholder renamed below.
            Path inflightTmp = Files.createTempFile(work, "inflight-", ".h5");
            cmd.add("--inflight");
            cmd.add(inflightTmp.toString());
            r.stderr = Files.createTempFile(work, "stderr-", ".txt"); // kept only if the child ends badly
            Process p = perturbed(new ProcessBuilder(cmd)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(r.stderr.toFile()).start();
            r.pid = p.pid();
            current = p;
            if (count) summary.children++;
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            String eof = new String("<eof>");
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (IOException ignored) {
                    // the child was killed
                } finally {
                    lines.add(eof);
                }
            });
            long lastEvent = System.nanoTime();
            boolean started = false;
            try {
                while (true) {
                    String line = lines.poll(250, TimeUnit.MILLISECONDS);
                    long now = System.nanoTime();
                    if (line == null) {
                        Duration limit = started ? config.hang : config.startup;
                        if (now - lastEvent > limit.toNanos()) {
                            if (started && r.inflight != null) r.hung = true;
                            else if (!started) r.startupHang = true;
                            else r.hung = true; // between images: report as a hang of the batch
                            if (r.hung) r.hangStacks = hangStacks(p.pid());
                            p.descendants().forEach(ProcessHandle::destroyForcibly);
                            p.destroyForcibly();
                            p.waitFor(30, TimeUnit.SECONDS);
                            break;
                        }
                        continue;
                    }
                    if (line == eof) break;
                    if (!line.startsWith("@@")) continue;
                    lastEvent = now;
                    started = true;
                    r.started = true;
                    handleLine(r, line);
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
                r.exitCode = p.exitValue();
            } finally {
                reader.join(5000);
                Path inflight = work.resolve("inflight-" + r.pid + ".h5");
                if (r.abnormal()) {
                    Files.move(inflightTmp, inflight, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(inflightTmp);
                    Files.deleteIfExists(r.stderr);
                }
            }
            if (r.abnormal() && r.inflight == null && r.hung) {
                // hung between images: attribute it to the last finished one, if any
                r.inflight = r.completed.isEmpty() ? null : r.completed.getLast();
            }
            return r;
        }

        private void handleLine(ChildRun r, String line) throws IOException {
            int sp = line.indexOf(' ');
            String tag = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : line.substring(sp + 1);
            switch (tag) {
                case "@@SEEDS" -> summary.seeds = rest;
                case "@@DONE" -> r.done = true;
                case "@@T" -> r.lastTraceStep = rest;
                case "@@S" -> {
                    int s2 = rest.indexOf(' ');
                    r.inflight = Long.parseLong(rest.substring(0, s2));
                    r.inflightMutation = unescape(rest.substring(s2 + 1));
                }
                case "@@E" -> {
                    String[] f = rest.split(" ");
                    long index = Long.parseLong(f[0]);
                    r.completed.add(index);
                    r.inflight = null;
                    if (!r.count) return;
                    Summary s = summary;
                    s.images++;
                    long micros = Long.parseLong(f[1]);
                    if (micros > s.slowestMicros) {
                        s.slowestMicros = micros;
                        s.slowestIndex = index;
                    }
                    s.calls += Long.parseLong(f[2]);
                    s.ok += Long.parseLong(f[3]);
                    if (f[4].charAt(0) == '1') s.openedByArray++;
                    if (f[4].charAt(1) == '1') s.openedBySegment++;
                    s.valueDiffs += Long.parseLong(f[5]);
                    s.unknownPaths += Long.parseLong(f[6]);
                    if (!f[7].equals("-")) {
                        for (String kv : f[7].split(",")) {
                            int c = kv.lastIndexOf(':');
                            s.expected.merge(kv.substring(0, c), Long.parseLong(kv.substring(c + 1)), Long::sum);
                        }
                    }
                }
                case "@@F" -> {
                    if (!r.count) return;
                    int s2 = rest.indexOf(' ');
                    long index = Long.parseLong(rest.substring(0, s2));
                    String[] f = rest.substring(s2 + 1).split("\t", 4);
                    String sig = unescape(f[0]);
                    FindingStats fs = summary.findings.computeIfAbsent(sig,
                            k -> {
                                log.accept("fuzz: UNEXPECTED " + k + " (image " + index + ")");
                                return new FindingStats(k, unescape(f[1]), unescape(f[2]), unescape(f[3]), index);
                            });
                    fs.count++;
                    if (fs.indices.size() < 1000) fs.indices.add(index);
                }
                case "@@R" -> {
                    if (!r.count) return;
                    int s2 = rest.indexOf(' ');
                    String[] f = rest.substring(s2 + 1).split("\t", 2);
                    FindingStats fs = summary.findings.get(unescape(f[0]));
                    Path file = Path.of(f[1]);
                    if (fs != null && fs.reproducers.size() < config.keepPerSignature) {
                        fs.reproducers.add(file.toString());
                    } else {
                        Files.deleteIfExists(file);
                        Files.deleteIfExists(file.resolveSibling(file.getFileName().toString().replace(".h5", ".txt")));
                    }
                }
                case "@@D" -> {
                    if (!r.count) return;
                    int s2 = rest.indexOf(' ');
                    long index = Long.parseLong(rest.substring(0, s2));
                    String text = unescape(rest.substring(s2 + 1));
                    summary.metaDiffs++;
                    if (lastMetaDiffImage != index) {
                        summary.imagesWithMetaDiffs++;
                        lastMetaDiffImage = index;
                    }
                    String kind = text.replaceAll(" /[^:]*:", " <path>:");
                    summary.metaDiffKinds.merge(kind, 1L, Long::sum);
                    if (summary.metaDiffExamples.size() < 8) summary.metaDiffExamples.add("image " + index + ": " + text);
                }
                case "@@I" -> {
                    if (!r.count) return;
                    int s2 = rest.indexOf(' ');
                    summary.inconsistent++;
                    if (summary.inconsistencyExamples.size() < 8) {
                        summary.inconsistencyExamples.add("image " + rest.substring(0, s2) + ": " + unescape(rest.substring(s2 + 1)));
                    }
                }
                default -> {
                }
            }
        }

        private long lastMetaDiffImage = -1;
        private long deadlineMillis = Long.MAX_VALUE;
        /** The running child, killed if this JVM is (a child outliving its driver would run on unobserved). */
        private volatile Process current;
    }

    /** For tests: every reproducer file under {@code dir}. */
    static List<Path> reproducers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
        }
    }

    static RuntimeException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
