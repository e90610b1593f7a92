package io.h5image.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Finding and running the independent readers (h5dump, python3 + h5py) the demo hands its file to. */
final class ExternalTool {

    /** A wedged tool must not hang the demo; these tools answer in well under a second. */
    static final long TIMEOUT_SECONDS = 60;

    /** What a tool said: exit code (-1 if it timed out) and its stdout and stderr together. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private ExternalTool() {}

    /** The executable {@code name} on PATH, as a shell would find it; {@code name} may already be a path. */
    static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) return Optional.empty();
        for (String dir : pathVariable.split(":")) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** For telling two names of one program apart ({@code python3} on PATH may be /usr/bin/python3). */
    static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    static Result run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            return new Result(-1, "could not start " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            // Read on another thread: a chatty tool fills the pipe and would block before it exits.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()),
                    Thread::startVirtualThread);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "no answer after " + TIMEOUT_SECONDS + " s; stopped it");
            }
            return new Result(process.exitValue(), output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stripTrailing());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } catch (IOException | ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            return new Result(-1, "could not read its output: " + e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
