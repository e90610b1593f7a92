package io.h5image.internal;

import io.h5image.H5Image;
import io.h5image.LibraryInfo;
import io.h5image.NdArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loading as a user's JVM meets it, each case in a child JVM where the choice is still open:
 * denied native access, the cache directory setting, and a cache on a noexec filesystem.
 */
class NativeLoadingTest {

    /** Every public entry point, twice each; one line per call: "name: ok" or "name: Type: first line". */
    public static final class EntryPoints {
        public static void main(String[] args) throws IOException {
            byte[] image = args.length > 0 ? Files.readAllBytes(Path.of(args[0])) : null;
            Map<String, Runnable> calls = new java.util.LinkedHashMap<>();
            calls.put("library", H5Image::library);
            calls.put("serialize", () -> H5Image.serialize(new double[] {1, 2}));
            calls.put("serializeToBytes", () -> H5Image.serializeToBytes(new int[] {3}));
            calls.put("deserialize", () -> H5Image.deserialize(image));
            calls.put("inspect", () -> H5Image.inspect(java.lang.foreign.MemorySegment.ofArray(image)));
            for (int round = 0; round < 2; round++) {
                calls.forEach((name, call) -> {
                    try {
                        call.run();
                        System.out.println(name + ": ok");
                    } catch (Throwable t) {
                        String message = String.valueOf(t.getMessage());
                        int newline = message.indexOf('\n');
                        System.out.println(name + ": " + t.getClass().getName() + ": "
                                + (newline < 0 ? message : message.substring(0, newline)));
                    }
                });
            }
        }
    }

    /** Prints where the library was loaded from, or the failure's whole message. */
    public static final class WhereFrom {
        public static void main(String[] args) {
            try {
                LibraryInfo info = H5Image.library();
                NdArray back = H5Image.deserialize(H5Image.serializeToBytes(new int[] {7}));
                System.out.println("loaded " + info.hdf5() + " " + ((int[]) back.toArray())[0]);
            } catch (RuntimeException e) {
                System.out.println("failed " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }

    private record Run(int exit, String stdout, String stderr) {}

    private static Run java(List<String> wrapper, List<String> jvmOptions, Map<String, String> env, Class<?> main,
                            String... args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(LibraryInfo.ENV);
        builder.environment().remove(NativeLibraryLoader.CACHE_ENV);
        builder.environment().putAll(env);
        Path err = Files.createTempFile("h5image-child", ".err");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        return new Run(exit, stdout, stderr);
    }

    @Test
    void deniedNativeAccessNamesTheFlagAtEveryEntryPoint(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 24, "--illegal-native-access exists from JDK 24 on");
        Path image = Files.write(dir.resolve("image.h5"), H5Image.serializeToBytes(new double[] {1, 2}));
        Run run = java(List.of(), List.of("--illegal-native-access=deny", "-Dh5image.hdf5=embedded"), Map.of(),
                EntryPoints.class, image.toString());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(10, lines.size(), run.stdout() + run.stderr());
        for (String line : lines) {
            assertTrue(line.contains(": io.h5image.NativeLibraryException: ")
                    && line.contains("denies native access") && line.contains("--enable-native-access=ALL-UNNAMED"),
                    "every entry point, first call and later ones, must say which flag fixes it; got: " + line);
        }
    }

    @Test
    void grantedNativeAccessPrintsNoWarning() throws Exception {
        Run run = java(List.of(), List.of("--enable-native-access=ALL-UNNAMED"), Map.of(), WhereFrom.class);
        assertTrue(run.stdout().startsWith("loaded ") && run.stdout().strip().endsWith(" 7"), run.stdout() + run.stderr());
        assertFalse(run.stderr().contains("WARNING"), run.stderr());
    }

    @Test
    void theCacheDirectorySettingIsUsed(@TempDir Path dir) throws Exception {
        Path byProperty = dir.resolve("by-property");
        Run run = java(List.of(), List.of("--enable-native-access=ALL-UNNAMED", "-Dh5image.hdf5=embedded",
                "-D" + NativeLibraryLoader.CACHE_PROPERTY + "=" + byProperty), Map.of(), WhereFrom.class);
        assertTrue(run.stdout().startsWith("loaded " + byProperty + "/hdf5-1.14.3-"), run.stdout() + run.stderr());

        Path byEnvironment = dir.resolve("by-environment");
        run = java(List.of(), List.of("--enable-native-access=ALL-UNNAMED", "-Dh5image.hdf5=embedded"),
                Map.of(NativeLibraryLoader.CACHE_ENV, byEnvironment.toString()), WhereFrom.class);
        assertTrue(run.stdout().startsWith("loaded " + byEnvironment + "/hdf5-1.14.3-"), run.stdout() + run.stderr());
    }

    /**
     * A cache on a noexec mount cannot be loaded from ("failed to map segment"): the next candidate
     * is tried, and when the setting names the noexec place alone, the error lists it with the reason.
     * Needs a private mount namespace (root, or unprivileged user namespaces); CI has one.
     */
    @Test
    void aNoexecCacheFallsBackToTheNextCandidate(@TempDir Path dir) throws Exception {
        Path noexec = Files.createDirectory(dir.resolve("noexec"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> mountNoexec = List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o noexec,mode=0700 tmpfs \"$0\" && exec \"$@\"", noexec.toString());
        boolean canMount = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs \"$0\"", noexec.toString())
                .start().waitFor() == 0;
        if (System.getenv("CI") == null) assumeTrue(canMount, "cannot make a noexec mount here (not root)");
        assertTrue(canMount, "CI must be able to make a noexec mount (unshare -m + mount)");

        List<String> options = List.of("--enable-native-access=ALL-UNNAMED", "-Dh5image.hdf5=embedded",
                "-Djava.io.tmpdir=" + tmp);
        Run run = java(mountNoexec, options, Map.of("XDG_CACHE_HOME", noexec.toString()), WhereFrom.class);
        assertTrue(run.stdout().startsWith("loaded " + tmp + "/h5image-"), run.stdout() + run.stderr());

        List<String> onlyNoexec = new ArrayList<>(options);
        onlyNoexec.add("-D" + NativeLibraryLoader.CACHE_PROPERTY + "=" + noexec.resolve("cache"));
        run = java(mountNoexec, onlyNoexec, Map.of(), WhereFrom.class);
        assertTrue(run.stdout().startsWith("failed io.h5image.NativeLibraryException")
                && run.stdout().contains(noexec.resolve("cache").toString()) && run.stdout().contains("noexec")
                && run.stdout().contains("Fix:"), run.stdout() + run.stderr());
    }
}
