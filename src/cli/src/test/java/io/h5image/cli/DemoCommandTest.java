package io.h5image.cli;

import io.h5image.H5Image;
import io.h5image.NdArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @TempDir
    Path dir;

    /**
     * demo once wrote to a fixed /tmp/h5image-demo.h5 and followed a link planted there. Now, with no
     * --out, it writes a fresh temporary file: an old file or link at the old path is left alone.
     */
    @Test
    void withoutOutItWritesAFreshTemporaryFileAndFollowsNoPlantedLink() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
        Path oldPath = Path.of(System.getProperty("java.io.tmpdir"), "h5image-demo.h5");
        boolean planted = false;
        if (!Files.exists(oldPath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(oldPath, victim);
            planted = true;
        }
        try {
            Run run = Run.of("demo", "--rounds", "2", "--warmup", "1");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals("precious", Files.readString(victim), "the planted link was followed");
            String wrote = run.out().lines().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
            Path file = Path.of(wrote.substring("wrote ".length(), wrote.indexOf(" (")));
            assertNotEquals(oldPath, file);
            assertTrue(file.getFileName().toString().startsWith("h5image-demo-"), wrote);
            assertTrue(wrote.contains("deleted at exit"), wrote);
        } finally {
            if (planted) Files.delete(oldPath);
        }
    }

    @Test
    void roundTripsTimesAndWritesAReadableFile() throws IOException {
        Path file = dir.resolve("demo.h5");
        Run run = Run.of("demo", "--rounds", "3", "--warmup", "2", "--out", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(file), run::toString);
        assertTrue(run.out().contains("all 500,000 values equal"), run::toString);
        for (String operation : new String[] {"floor:", "serialize into a reused buffer", "serialize into fresh memory",
                "deserialize (view)"}) {
            assertTrue(run.out().contains(operation), () -> operation + " missing\n" + run);
        }
        // Each external reader is either reported as not installed or has read the file.
        assertTrue(run.out().contains("h5dump: not installed") || run.out().contains("DATASPACE  SIMPLE { ( 1000, 500 )"),
                run::toString);
        assertTrue(run.out().contains("h5py: not installed") || run.out().contains("data[999,499] = 499999.0"),
                run::toString);
        assertTrue(run.out().strip().endsWith("demo: OK"), run::toString);

        NdArray back = H5Image.deserialize(Files.readAllBytes(file));
        assertArrayEquals(new long[] {1000, 500}, back.shape());
        assertEquals(999 * 500 + 499, ((double[][]) back.toArray())[999][499]);
    }

    @Test
    void defaultWarmupWithFewRoundsStillPasses() throws IOException {
        // Without --warmup the default applies; with --rounds 3 it must still finish and pass.
        Path file = dir.resolve("default-warmup.h5");
        Run run = Run.of("demo", "--rounds", "3", "--out", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.size(file) > 4_000_000, run::toString);
    }

    @Test
    void anUnwritableOutputIsAUsageError() {
        Path file = dir.resolve("no/such/dir/demo.h5");
        Run run = Run.of("demo", "--rounds", "1", "--warmup", "0", "--out", file.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("cannot write " + file), run::toString);
    }

    @Test
    void zeroRoundsIsRejected() {
        Run run = Run.of("demo", "--rounds", "0");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--rounds must be at least 1"), run::toString);
    }

    @Test
    void theCheckFindsAWrongValue() {
        double[][] expected = DemoCommand.values();
        assertNull(DemoCommand.mismatch(expected, H5Image.deserialize(H5Image.serialize(expected))));
        double[][] changed = DemoCommand.values();
        changed[999][499] = -1;
        String wrong = DemoCommand.mismatch(expected, H5Image.deserialize(H5Image.serialize(changed)));
        assertNotNull(wrong);
        assertTrue(wrong.contains("data[999][499] is -1.0, expected 499999.0"), wrong);
        assertNotEquals(null, DemoCommand.mismatch(expected, H5Image.deserialize(H5Image.serialize(new double[1000][499]))));
    }
}
