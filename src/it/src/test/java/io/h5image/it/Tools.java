package io.h5image.it;

import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The external tools the interop tests drive: a Python with h5py and numpy, and h5dump.
 * <ul>
 * <li>{@code -Dh5image.python} (default {@value #DEFAULT_PYTHON}): the {@code python3} on a developer's
 * PATH is often a pyenv or venv build without h5py, so the default is the distribution's.</li>
 * <li>{@code -Dh5image.h5dump} (default {@code h5dump} on the PATH).</li>
 * <li>{@code -Dh5image.it.skipTools=true}: a missing tool skips instead of failing. Without it a
 * missing tool is a failure, so CI can never go green by silently testing nothing.</li>
 * </ul>
 */
final class Tools {

    static final String DEFAULT_PYTHON = "/usr/bin/python3";
    /** Generous: one Python process handles hundreds of images, and CI machines can be slow. */
    private static final long TIMEOUT_SECONDS = 120;

    private static String pythonProblem;
    private static String pythonVersions;
    private static String h5dumpProblem;
    private static String h5dumpVersion;

    private Tools() {}

    static String python() {
        return System.getProperty("h5image.python", DEFAULT_PYTHON);
    }

    static String h5dump() {
        return System.getProperty("h5image.h5dump", "h5dump");
    }

    static boolean skipMissing() {
        return Boolean.getBoolean("h5image.it.skipTools");
    }

    /** Fails (or, with skipTools, aborts) the calling test class unless h5py and numpy import. */
    static synchronized String requirePython() {
        if (pythonVersions == null && pythonProblem == null) {
            String probe = "import sys, h5py, numpy; print('Python %s, h5py %s, numpy %s, HDF5 %s' % (sys.version.split()[0],"
                    + " h5py.__version__, numpy.__version__, h5py.version.hdf5_version))";
            try {
                Result r = run(List.of(python(), "-c", probe), Path.of(System.getProperty("java.io.tmpdir")));
                if (r.exitCode() == 0) pythonVersions = r.stdout().strip();
                else pythonProblem = python() + " cannot import h5py and numpy:\n" + r.stderr().strip();
            } catch (ToolUnavailable e) {
                pythonProblem = e.getMessage();
            }
        }
        if (pythonProblem != null) {
            unavailable(pythonProblem + "\nThe interop tests need a Python 3 with h5py and numpy (Debian: apt-get install"
                    + " python3-h5py). Point -Dh5image.python=/path/to/python3 at one");
        }
        return pythonVersions;
    }

    /** Fails (or, with skipTools, aborts) the calling test class unless h5dump runs. */
    static synchronized String requireH5dump() {
        if (h5dumpVersion == null && h5dumpProblem == null) {
            try {
                Result r = run(List.of(h5dump(), "--version"), Path.of(System.getProperty("java.io.tmpdir")));
                if (r.exitCode() == 0) h5dumpVersion = r.stdout().strip();
                else h5dumpProblem = h5dump() + " --version exited with " + r.exitCode() + ":\n" + r.stderr().strip();
            } catch (ToolUnavailable e) {
                h5dumpProblem = e.getMessage();
            }
        }
        if (h5dumpProblem != null) {
            unavailable(h5dumpProblem + "\nThe interop tests need h5dump (Debian: apt-get install hdf5-tools)."
                    + " Put it on the PATH or point -Dh5image.h5dump=/path/to/h5dump at it");
        }
        return h5dumpVersion;
    }

    private static void unavailable(String message) {
        if (skipMissing()) {
            org.junit.jupiter.api.Assumptions.abort(message + " (skipped: -Dh5image.it.skipTools=true)");
        }
        Assertions.fail(message + ", or run with -Dh5image.it.skipTools=true to skip these tests.");
    }

    /**
     * Runs a Python script from this package's test resources in {@code workDir}. The script is
     * copied out first, because the class path may be a jar.
     */
    static Result runPython(String script, Path workDir, String... args) {
        Path copy = workDir.resolve(script);
        try (InputStream in = Tools.class.getResourceAsStream(script)) {
            if (in == null) throw new IllegalStateException("test resource io/h5image/it/" + script + " is missing");
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(python(), copy.toString()));
        command.addAll(List.of(args));
        return run(command, workDir);
    }

    /**
     * Has h5py open each image from memory and read dataset {@code data}, all in one Python
     * process (starting h5py per image would dominate the run). Returns, per id, the fields
     * read_images.py reports after the id: status, dtype, shape, chunks, compression, level,
     * shuffle, fletcher32, offset, values.
     */
    static Map<String, String[]> h5pyRead(Path workDir, Map<String, Path> images) {
        try {
            Path manifest = Files.createTempFile(workDir, "read-manifest-", ".tsv");
            Path results = Files.createTempFile(workDir, "read-results-", ".tsv");
            StringBuilder lines = new StringBuilder();
            images.forEach((id, file) -> lines.append(id).append('\t').append(file).append("\tdata\n"));
            Files.writeString(manifest, lines);
            runPython("read_images.py", workDir, manifest.toString(), results.toString()).requireSuccess();
            Map<String, String[]> seen = new HashMap<>();
            for (String line : Files.readAllLines(results)) {
                String[] fields = line.split("\t", -1);
                seen.put(fields[0], Arrays.copyOfRange(fields, 1, fields.length));
            }
            return seen;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values field of {@link #h5pyRead}: hex of little-endian bytes, or a SHA-256 of them when large. */
    static String h5pyValues(byte[] littleEndian) {
        if (littleEndian.length <= 65536) return HexFormat.of().formatHex(littleEndian);
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(littleEndian));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a command to completion. Output goes to files, not pipes, so a chatty tool can never
     * block on a full pipe while we wait for it to exit.
     */
    static Result run(List<String> command, Path workDir) {
        return run(command, workDir, Map.of());
    }

    /** {@link #run(List, Path)} with {@code environment} added to this process's. */
    static Result run(List<String> command, Path workDir, Map<String, String> environment) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile(workDir, "stdout-", ".txt");
            err = Files.createTempFile(workDir, "stderr-", ".txt");
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
                builder.environment().putAll(environment);
                process = builder
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new ToolUnavailable("cannot start " + command.getFirst() + ": " + e.getMessage());
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                Assertions.fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s; killed it");
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            try {
                if (out != null) Files.deleteIfExists(out);
                if (err != null) Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // The temp directory is removed by JUnit anyway.
            }
        }
    }

    /**
     * The command that runs {@code main} in a fresh JVM like this one: same JDK, class path and
     * h5image settings. For work that may crash or hang the JVM, which must not take the test JVM with it.
     */
    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("h5image."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** The whole story of a run, for failure messages. */
        String describe() {
            return String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }

        Result requireSuccess() {
            if (exitCode != 0) Assertions.fail("external tool failed:\n" + describe());
            return this;
        }
    }

    static final class ToolUnavailable extends RuntimeException {
        ToolUnavailable(String message) {
            super(message);
        }
    }
}
