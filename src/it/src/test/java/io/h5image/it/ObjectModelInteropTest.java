package io.h5image.it;

import io.h5image.Attributes;
import io.h5image.Group;
import io.h5image.H5File;
import io.h5image.NdArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Groups, attributes and strings, both ways: h5py and h5dump read h5image's files, h5image reads h5py's. */
class ObjectModelInteropTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void tools() {
        Tools.requirePython();
        Tools.requireH5dump();
    }

    public record Point(double x, double y, int id) {}

    public record Particle(Point position, float[] velocity, boolean alive, long tag) {}

    /** What h5py's structured array in write_object_model.py holds, read as a Java record. */
    public record Pos(int a, int b) {}

    public record Theirs(double x, float y, int id, Pos pos, float[] v, boolean flag) {}

    /** The content check_object_model.py expects. */
    static byte[] ours() {
        try (H5File file = H5File.create()) {
            fill(file);
            return file.toBytes();
        }
    }

    private static void fill(H5File file) {
        file.createDataset("run/temperature", new double[] {21.5, 22.0, 22.5});
        file.createDataset("run/counts", new int[][] {{1, 2}, {3, 4}});
        file.createDataset("flags", new boolean[] {true, false});
        file.createDataset("label", "sensor α");
        file.createDataset("names", new String[] {"a", "bé", ""});
        Group run = file.group("run");
        run.attributes().put("units", "C");
        run.attributes().put("rate", 2.5);
        run.attributes().put("id", 7);
        run.attributes().put("shape", new long[] {3, 4});
        run.attributes().put("tags", new String[] {"x", "y"});
        file.attributes().put("version", (short) 3);
        file.createGroup("empty/nested");
        file.createDataset("particles", new Particle[] {
                new Particle(new Point(1, 2, 3), new float[] {0.1f, 0.2f, 0.3f}, true, 1L << 40),
                new Particle(new Point(4, 5, 6), new float[] {1, 2, 3}, false, -7)});
        file.attributes().put("origin", new Point(1, 2, 3));
    }

    @Test
    void h5pyReadsOurGroupsAttributesAndStrings() throws Exception {
        Path file = Files.write(dir.resolve("ours.h5"), ours());
        Tools.Result result = Tools.runPython("check_object_model.py", dir, file.toString());
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertEquals("OK", result.stdout().strip());
    }

    /**
     * {@code writeTo}: a normal file on disk, the same bytes as {@code toBytes}, read by h5py and
     * h5dump, replacing what was there, with the permissions a new file gets (not a temp file's
     * owner-only ones), no part file left behind; a read-only file refuses and leaves the target alone.
     */
    @Test
    void writeToMakesANormalFileOnDisk() throws Exception {
        Path file = dir.resolve("written.h5");
        Files.writeString(file, "an older file");
        byte[] expected = ours();
        try (H5File h5 = H5File.create()) {
            fill(h5);
            h5.writeTo(file);
        }
        assertArrayEquals(expected, Files.readAllBytes(file));
        Tools.Result h5py = Tools.runPython("check_object_model.py", dir, file.toString());
        assertEquals("OK", h5py.stdout().strip(), h5py::describe);
        Tools.Result dump = Tools.run(List.of(Tools.h5dump(), "-H", file.toString()), dir);
        assertEquals(0, dump.exitCode(), dump::describe);
        assertTrue(dump.stdout().contains("DATASET \"temperature\""), dump.stdout());
        Path fresh = Files.createFile(dir.resolve("permissions-of-a-new-file"));
        assertEquals(Files.getPosixFilePermissions(fresh), Files.getPosixFilePermissions(file));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".part")).toList());
        }
        try (H5File read = H5File.open(file)) {
            assertThrows(UnsupportedOperationException.class, () -> read.writeTo(dir.resolve("copy.h5")));
            assertArrayEquals(new double[] {21.5, 22.0, 22.5}, (double[]) read.dataset("run/temperature").read().toArray());
        }
        assertFalse(Files.exists(dir.resolve("copy.h5")));
        var missingDirectory = assertThrows(java.io.UncheckedIOException.class,
                () -> { try (H5File h5 = H5File.create()) { h5.writeTo(dir.resolve("no/such/dir/x.h5")); } });
        assertTrue(missingDirectory.getMessage().startsWith("cannot write " + dir.resolve("no/such/dir/x.h5")), missingDirectory.getMessage());
    }

    @Test
    void h5dumpReadsOurGroupsAttributesAndStrings() throws Exception {
        Path file = Files.write(dir.resolve("ours-dump.h5"), ours());
        Tools.Result result = Tools.run(List.of(Tools.h5dump(), file.toString()), dir);
        assertEquals(0, result.exitCode(), result.stderr());
        String dump = result.stdout();
        for (String expected : new String[] {"GROUP \"run\"", "DATASET \"temperature\"", "21.5, 22, 22.5",
                "ATTRIBUTE \"units\"", "\"C\"", "DATASET \"names\"",
                // h5dump 1.10 prints each UTF-8 byte as a sign-extended octal escape: "bé" is b, 0xC3, 0xA9.
                "(0): \"a\", \"b\\37777777703\\37777777651\", \"\"", "CSET H5T_CSET_UTF8", "GROUP \"nested\""}) {
            assertTrue(dump.contains(expected), () -> "h5dump output lacks " + expected + ":\n" + dump);
        }
    }

    @Test
    void weReadH5pysGroupsAttributesAndStrings() throws Exception {
        Path file = dir.resolve("theirs.h5");
        Tools.Result written = Tools.runPython("write_object_model.py", dir, file.toString());
        assertEquals(0, written.exitCode(), written.stderr());
        try (H5File h5 = H5File.open(file)) {
            assertEquals(List.of("bools", "colours", "experiment", "fixed_ascii", "fixed_nullpad", "records", "u16", "vlen_ascii", "vlen_utf8"),
                    h5.names(), "no creation order in h5py's default files: names come by name");
            Group trial = h5.group("experiment/trial");
            NdArray signal = trial.dataset("signal").read();
            assertTrue(signal.isView(), "contiguous data of a mapped file is a view");
            assertEquals(java.nio.ByteOrder.BIG_ENDIAN, signal.order());
            short[][] expected = new short[3][4];
            for (int i = 0; i < 12; i++) expected[i / 4][i % 4] = (short) i;
            assertArrayEquals(expected, (short[][]) signal.toArray());
            assertEquals(1.25f, trial.dataset("gain").read().toArray());
            Attributes attrs = trial.attributes();
            assertEquals(Set.of("operator", "repeats", "window", "codes"), attrs.names());
            assertEquals("Zoë", attrs.get("operator"));
            assertEquals(3L, attrs.get("repeats"));
            assertArrayEquals(new float[] {0.5f, 1.5f}, (float[]) attrs.get("window"));
            assertArrayEquals(new String[] {"ab", "cd"}, (String[]) attrs.get("codes"));
            assertArrayEquals(new String[] {"one", "three"}, h5.dataset("fixed_nullpad").readStrings());
            assertArrayEquals(new String[] {"abc", "defgh"}, h5.dataset("fixed_ascii").readStrings());
            assertArrayEquals(new String[] {"x", "yy"}, h5.dataset("vlen_ascii").readStrings());
            assertArrayEquals(new String[] {"α", "βγ"}, h5.dataset("vlen_utf8").readStrings());
            assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) h5.dataset("bools").read().toArray());
            assertArrayEquals(new int[] {1, 65535}, (int[]) h5.dataset("u16").read().toArray());
            assertEquals("bytes title", h5.attributes().get("title"));
            assertEquals(5L, h5.attributes().get("count"));

            // A structured array: big-endian, narrower and nested fields, an array field, a bool.
            List<Theirs> records = h5.dataset("records").readRecords(Theirs.class);
            assertEquals(4, records.size());
            for (int i = 0; i < 4; i++) {
                Theirs r = records.get(i);
                assertEquals(i + 0.5, r.x());
                assertEquals(-i, r.y());
                assertEquals(i * 10, r.id());
                assertEquals(new Pos(i, -i), r.pos());
                assertArrayEquals(new float[] {i, i + 1, i + 2}, r.v());
                assertEquals(i % 2 == 0, r.flag());
            }
            io.h5image.RecordView view = h5.dataset("records").recordView();
            assertTrue(view.isView());
            assertEquals(-3.0f, (float) view.field("y").get(view.segment(), 0L, 3L), "stored big-endian, viewed as stored");
            assertEquals(-2, (int) view.field("pos.b").get(view.segment(), 0L, 2L));

            // A general enum: its values, and its names in the type.
            assertArrayEquals(new byte[] {0, 42, 1}, (byte[]) h5.dataset("colours").read().toArray());
            io.h5image.H5Type.EnumType colour = (io.h5image.H5Type.EnumType) h5.dataset("colours").type();
            assertEquals(java.util.Map.of("RED", 0L, "GREEN", 1L, "BLUE", 42L), colour.members());
            assertEquals("BLUE", colour.nameOf(42));
        }
    }
}
