package io.h5image.cli;

import io.h5image.H5Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The library is chosen once per JVM, when libhdf5 is first touched: another choice, or a failed
 * load, needs a JVM of its own.
 */
class LibraryChoiceTest {

    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome runInNewJvm(String setting, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dh5image.hdf5=" + setting,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("h5image-cli", ".out");
        Path err = Files.createTempFile("h5image-cli", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aLibraryThatCannotLoadIsAMessageAndExitCode1() throws Exception {
        Outcome outcome = runInNewJvm("/nonexistent/hdf5", "info");
        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().startsWith("h5image: cannot load libhdf5"), outcome::toString);
        assertTrue(outcome.err().contains("/nonexistent/hdf5"), outcome::toString);
        assertFalse(outcome.err().contains("\tat "), outcome::toString);
        assertEquals("", outcome.out());
    }

    @Test
    void inspectReportsTheLoadFailureTheSameWay(@TempDir Path dir) throws Exception {
        // A real image: inspect checks the signature before it needs libhdf5.
        Path image = Files.write(dir.resolve("image.h5"), H5Image.serializeToBytes(new int[2][2]));
        Outcome outcome = runInNewJvm("/nonexistent/hdf5", "inspect", image.toString());
        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().startsWith("h5image: cannot load libhdf5"), outcome::toString);
        assertFalse(outcome.err().contains("\tat "), outcome::toString);
    }

    @Test
    void theSystemLibraryWhenInstalled() throws Exception {
        // Debian keeps it in hdf5/serial/ on older releases and directly in the multiarch directory on bookworm.
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libhdf5_serial.so.103")), "no Debian libhdf5 here");
        Outcome outcome = runInNewJvm("system", "info");
        assertEquals(0, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().contains("source       system (-Dh5image.hdf5=system)"), outcome::toString);
    }
}
