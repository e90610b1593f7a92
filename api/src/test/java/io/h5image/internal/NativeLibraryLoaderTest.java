package io.h5image.internal;

import io.h5image.LibraryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The loader's defensive paths, exercised without loading anything into this JVM. */
class NativeLibraryLoaderTest {

    private static final byte[] LIBRARY = "\u007fELF pretend this is libhdf5".getBytes();

    @Test
    void installWritesAMissingFile(@TempDir Path dir) throws IOException {
        Path installed = NativeLibraryLoader.install(dir, "libhdf5.so.310", LIBRARY);
        assertEquals(dir.resolve("libhdf5.so.310"), installed);
        assertArrayEquals(LIBRARY, Files.readAllBytes(installed));
        try (var leftovers = Files.list(dir)) {
            assertEquals(List.of(installed), leftovers.toList(), "no .part file may be left behind");
        }
    }

    @Test
    void installReplacesATamperedFileOfTheSameSize(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("libhdf5.so.310");
        byte[] tampered = LIBRARY.clone();
        tampered[tampered.length / 2] ^= 0x55;
        Files.write(target, tampered);
        assertEquals(LIBRARY.length, Files.size(target));

        NativeLibraryLoader.install(dir, "libhdf5.so.310", LIBRARY);
        assertArrayEquals(LIBRARY, Files.readAllBytes(target));
    }

    @Test
    void installLeavesAnIdenticalFileAlone(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("libhdf5.so.310");
        Files.write(target, LIBRARY);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(target, old);
        Object inode = Files.readAttributes(target, "unix:ino").get("ino");

        NativeLibraryLoader.install(dir, "libhdf5.so.310", LIBRARY);
        assertEquals(old, Files.getLastModifiedTime(target), "an identical copy must not be rewritten");
        assertEquals(inode, Files.readAttributes(target, "unix:ino").get("ino"));
    }

    @Test
    void aPrivateDirectoryIsAccepted(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertDoesNotThrow(() -> NativeLibraryLoader.checkPrivateDirectory(dir));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertDoesNotThrow(() -> NativeLibraryLoader.checkPrivateDirectory(dir), "readable by others is fine");
    }

    @Test
    void aWorldWritableDirectoryIsRefused(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException refused = assertThrows(IOException.class, () -> NativeLibraryLoader.checkPrivateDirectory(dir));
        assertTrue(refused.getMessage().contains(dir.toString()) && refused.getMessage().contains("writable by group or others"),
                refused.getMessage());
    }

    @Test
    void aGroupWritableDirectoryIsRefused(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IOException.class, () -> NativeLibraryLoader.checkPrivateDirectory(dir));
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAPrivateDirectory(@TempDir Path parent) throws IOException {
        Path real = Files.createDirectory(parent.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(parent.resolve("link"), real);
        IOException refused = assertThrows(IOException.class, () -> NativeLibraryLoader.checkPrivateDirectory(link));
        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsRefused(@TempDir Path parent) throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (UserPrincipalNotFoundException e) {
            assumeTrue(false, "no user 'nobody' here");
            return;
        }
        Files.setOwner(dir, nobody);
        IOException refused = assertThrows(IOException.class, () -> NativeLibraryLoader.checkPrivateDirectory(dir));
        assertTrue(refused.getMessage().contains("owned by nobody"), refused.getMessage());
    }

    @Test
    void aBrokenLibraryBecomesANativeLibraryExceptionNamingTheFile(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("libhdf5.so.310"), "not an ELF file".getBytes());
        Files.write(dir.resolve("libhdf5_hl.so.310"), "not an ELF file either".getBytes());
        Result result = probe(List.of("-D" + LibraryInfo.PROPERTY + "=" + dir), null);
        assertEquals(3, result.exit(), result.output());
        assertTrue(result.output().contains(dir.resolve("libhdf5.so.310").toString())
                && result.output().contains("Fix:"), result.output());
    }

    @Test
    void aTempCacheSomeoneElseCouldWriteIsRefused(@TempDir Path tmp) throws Exception {
        // Make ~/.cache unusable (XDG_CACHE_HOME is a file), so the loader falls back to java.io.tmpdir,
        // where h5image-<user> has been pre-created world-writable.
        Path notADirectory = Files.write(tmp.resolve("not-a-directory"), new byte[0]);
        Path planted = Files.createDirectory(
                tmp.resolve("h5image-" + System.getProperty("user.name").toLowerCase(Locale.ROOT)));
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        Result result = probe(List.of("-D" + LibraryInfo.PROPERTY + "=embedded", "-Djava.io.tmpdir=" + tmp),
                notADirectory.toString());
        assertEquals(3, result.exit(), result.output());
        assertTrue(result.output().contains(planted.toString()) && result.output().contains("writable by group or others")
                && result.output().contains("Fix:"), result.output());
        try (var contents = Files.list(planted)) {
            assertEquals(0, contents.count(), "nothing may be extracted into a refused directory");
        }
    }

    private record Result(int exit, String output) {}

    /** Runs {@link NativeLayerTest.LoadProbe} in a child JVM, where the library choice can still be made. */
    private static Result probe(List<String> jvmOptions, String xdgCacheHome) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeLayerTest.LoadProbe.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(LibraryInfo.ENV);
        if (xdgCacheHome != null) builder.environment().put("XDG_CACHE_HOME", xdgCacheHome);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        return new Result(process.waitFor(), output);
    }
}
