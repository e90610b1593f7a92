package io.h5image.internal;

import io.h5image.LibraryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The loader's defensive paths, exercised without loading anything into this JVM. */
class NativeLibraryLoaderTest {

    private static final byte[] LIBRARY = "\u007fELF pretend this is libhdf5".getBytes();

    private static final String CORE = NativeLibraryLoader.EMBEDDED_HDF5;
    private static final String HL = NativeLibraryLoader.EMBEDDED_HDF5_HL;

    /** Two pretend libraries in a jar, as h5image-libhdf5 carries the real ones. */
    private static List<EmbeddedLibraryCache.Library> jarred(Path dir, byte[] core, byte[] hl) throws IOException {
        Path jar = dir.resolve("libs.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var entry : List.of(Map.entry(CORE, core), Map.entry(HL, hl))) {
                out.putNextEntry(new JarEntry(NativeLibraryLoader.EMBEDDED_RESOURCE_DIR + entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        List<EmbeddedLibraryCache.Library> libraries = new ArrayList<>();
        for (String name : List.of(CORE, HL)) {
            URL url = URI.create("jar:" + jar.toUri() + "!/" + NativeLibraryLoader.EMBEDDED_RESOURCE_DIR + name).toURL();
            libraries.add(new EmbeddedLibraryCache.Library(name, url, EmbeddedLibraryCache.identify(url)));
        }
        return libraries;
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    @Test
    void aJarEntryIsIdentifiedByItsRecordedCrcAndSize(@TempDir Path dir) throws IOException {
        byte[] hl = "\u007fELF pretend this is libhdf5_hl".getBytes();
        List<EmbeddedLibraryCache.Library> libraries = jarred(dir, LIBRARY, hl);
        assertEquals(new EmbeddedLibraryCache.Identity(crc(LIBRARY), LIBRARY.length), libraries.get(0).identity());
        assertEquals(new EmbeddedLibraryCache.Identity(crc(hl), hl.length), libraries.get(1).identity());
        // A file: URL (exploded classes) is read once for the same identity.
        Path loose = Files.write(dir.resolve("loose"), LIBRARY);
        assertEquals(libraries.get(0).identity(), EmbeddedLibraryCache.identify(loose.toUri().toURL()));
    }

    @Test
    void prepareExtractsBothAndWritesTheMarkerLast(@TempDir Path root) throws IOException {
        List<EmbeddedLibraryCache.Library> libraries = jarred(Files.createTempDirectory("jar"), LIBRARY, "hl".getBytes());
        Path dir = EmbeddedLibraryCache.prepare(root, false, libraries);
        assertEquals(root.resolve(EmbeddedLibraryCache.directoryName(libraries)), dir);
        assertTrue(dir.getFileName().toString().startsWith("hdf5-1.14.3-"), dir.toString());
        assertArrayEquals(LIBRARY, Files.readAllBytes(dir.resolve(CORE)));
        assertArrayEquals("hl".getBytes(), Files.readAllBytes(dir.resolve(HL)));
        assertEquals(EmbeddedLibraryCache.markerText(libraries), Files.readString(dir.resolve(EmbeddedLibraryCache.MARKER)));
        try (var contents = Files.list(dir)) {
            assertEquals(3, contents.count(), "no .part file may be left behind");
        }
    }

    @Test
    void aWarmStartReadsNoLibraryBytes(@TempDir Path root) throws IOException {
        Path jars = Files.createTempDirectory("jar");
        List<EmbeddedLibraryCache.Library> libraries = jarred(jars, LIBRARY, "hl".getBytes());
        Path dir = EmbeddedLibraryCache.prepare(root, false, libraries);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir.resolve(CORE), old);
        Object inode = Files.readAttributes(dir.resolve(CORE), "unix:ino").get("ino");
        // The jar is gone: a warm start that still read it would fail, so success proves it did not.
        Files.delete(jars.resolve("libs.jar"));
        assertEquals(dir, EmbeddedLibraryCache.prepare(root, false, libraries));
        assertEquals(old, Files.getLastModifiedTime(dir.resolve(CORE)), "a verified copy must not be rewritten");
        assertEquals(inode, Files.readAttributes(dir.resolve(CORE), "unix:ino").get("ino"));
    }

    @Test
    void aTruncatedOrUnmarkedCacheIsExtractedAgain(@TempDir Path root) throws IOException {
        List<EmbeddedLibraryCache.Library> libraries = jarred(Files.createTempDirectory("jar"), LIBRARY, "hl".getBytes());
        Path dir = EmbeddedLibraryCache.prepare(root, false, libraries);
        Files.write(dir.resolve(CORE), new byte[3]);
        EmbeddedLibraryCache.prepare(root, false, libraries);
        assertArrayEquals(LIBRARY, Files.readAllBytes(dir.resolve(CORE)), "a wrong size must be noticed");

        Files.delete(dir.resolve(EmbeddedLibraryCache.MARKER));
        byte[] sameSize = LIBRARY.clone();
        sameSize[3] ^= 1;
        Files.write(dir.resolve(CORE), sameSize);
        EmbeddedLibraryCache.prepare(root, false, libraries);
        assertArrayEquals(LIBRARY, Files.readAllBytes(dir.resolve(CORE)), "without the marker nothing is trusted");
    }

    @Test
    void bytesThatDoNotMatchTheJarEntryAreRefused(@TempDir Path root) throws IOException {
        List<EmbeddedLibraryCache.Library> real = jarred(Files.createTempDirectory("jar"), LIBRARY, "hl".getBytes());
        EmbeddedLibraryCache.Library lying = new EmbeddedLibraryCache.Library(CORE, real.get(0).source(),
                new EmbeddedLibraryCache.Identity(real.get(0).identity().crc() ^ 1, LIBRARY.length));
        IOException refused = assertThrows(IOException.class,
                () -> EmbeddedLibraryCache.prepare(root, false, List.of(lying, real.get(1))));
        assertTrue(refused.getMessage().contains("corrupt"), refused.getMessage());
        Path dir = root.resolve(EmbeddedLibraryCache.directoryName(List.of(lying, real.get(1))));
        assertFalse(Files.exists(dir.resolve(CORE)), "unverified bytes must not be left where they would load");
        assertFalse(Files.exists(dir.resolve(EmbeddedLibraryCache.MARKER)));
    }

    @Test
    void aPrivateDirectoryIsAccepted(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertDoesNotThrow(() -> EmbeddedLibraryCache.checkPrivateDirectory(dir));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertDoesNotThrow(() -> EmbeddedLibraryCache.checkPrivateDirectory(dir), "readable by others is fine");
    }

    @Test
    void aWorldWritableDirectoryIsRefused(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException refused = assertThrows(IOException.class, () -> EmbeddedLibraryCache.checkPrivateDirectory(dir));
        assertTrue(refused.getMessage().contains(dir.toString()) && refused.getMessage().contains("writable by group or others"),
                refused.getMessage());
    }

    @Test
    void aGroupWritableDirectoryIsRefused(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IOException.class, () -> EmbeddedLibraryCache.checkPrivateDirectory(dir));
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAPrivateDirectory(@TempDir Path parent) throws IOException {
        Path real = Files.createDirectory(parent.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(parent.resolve("link"), real);
        IOException refused = assertThrows(IOException.class, () -> EmbeddedLibraryCache.checkPrivateDirectory(link));
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
        IOException refused = assertThrows(IOException.class, () -> EmbeddedLibraryCache.checkPrivateDirectory(dir));
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
