package io.h5image.internal;

import io.h5image.LibraryInfo;
import io.h5image.LibraryInfo.Source;
import io.h5image.NativeLibraryException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Decides which libhdf5 + libhdf5_hl this JVM binds, and loads them with {@link System#load} so the
 * generated bindings (which use {@code SymbolLookup.loaderLookup()}) find their symbols there.
 * Order: the explicit setting ({@value LibraryInfo#PROPERTY} / {@value LibraryInfo#ENV}), else the
 * embedded 1.14.3, else a failure that lists everything tried.
 */
final class NativeLibraryLoader {

    /** Where org.bytedeco:hdf5:1.14.3-1.5.10:linux-x86_64 keeps its libraries. */
    static final String EMBEDDED_RESOURCE_DIR = "org/bytedeco/hdf5/linux-x86_64/";
    static final String EMBEDDED_HDF5 = "libhdf5.so.310";
    static final String EMBEDDED_HDF5_HL = "libhdf5_hl.so.310";

    /** Debian first (its serial build), then the usual places. */
    static final List<String> SYSTEM_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu/hdf5/serial", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/lib", "/usr/local/hdf5/lib", "/opt/hdf5/lib");

    /** Name pairs (core, high-level) to look for in a directory, most specific first. */
    static final List<String[]> NAME_PAIRS = List.of(
            new String[] {"libhdf5_serial.so.103", "libhdf5_serial_hl.so.100"},
            new String[] {"libhdf5.so.310", "libhdf5_hl.so.310"},
            new String[] {"libhdf5.so", "libhdf5_hl.so"},
            new String[] {"libhdf5_serial.so", "libhdf5_serial_hl.so"});

    /** What was loaded; the version and thread-safety are filled in by {@link Hdf5} after {@code H5open}. */
    record Loaded(Path hdf5, Path hdf5Hl, Source source) {}

    private NativeLibraryLoader() {}

    static Loaded load() {
        String setting = System.getProperty(LibraryInfo.PROPERTY);
        String origin = "-D" + LibraryInfo.PROPERTY;
        if (setting == null || setting.isBlank()) {
            setting = System.getenv(LibraryInfo.ENV);
            origin = LibraryInfo.ENV;
        }
        List<String> tried = new ArrayList<>();
        Loaded chosen = null;
        if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("embedded")) {
            chosen = embedded(tried);
        } else if (setting.trim().equalsIgnoreCase("system")) {
            chosen = system(tried);
        } else {
            chosen = inDirectory(Path.of(setting.trim()), Source.EXPLICIT, tried);
            if (chosen == null) {
                tried.add(origin + "=" + setting + ": no libhdf5 + libhdf5_hl pair in that directory (looked for "
                        + namesTried() + ")");
            }
        }
        if (chosen == null) {
            throw new NativeLibraryException("cannot load libhdf5. Tried:\n  - " + String.join("\n  - ", tried)
                    + "\nFix: put org.bytedeco:hdf5:1.14.3-1.5.10:linux-x86_64 on the class path (embedded default),"
                    + " or install the system library (Debian: apt-get install libhdf5-103-1 libhdf5-hl-100) and set "
                    + LibraryInfo.PROPERTY + "=system, or point " + LibraryInfo.PROPERTY + " / " + LibraryInfo.ENV
                    + " at a directory holding libhdf5 and libhdf5_hl.");
        }
        // libhdf5 first: libhdf5_hl's DT_NEEDED then resolves to it by soname instead of searching.
        System.load(chosen.hdf5().toString());
        System.load(chosen.hdf5Hl().toString());
        return chosen;
    }

    private static String namesTried() {
        StringBuilder names = new StringBuilder();
        for (String[] pair : NAME_PAIRS) {
            names.append(names.isEmpty() ? "" : ", ").append(pair[0]).append(" + ").append(pair[1]);
        }
        return names.toString();
    }

    static Loaded inDirectory(Path dir, Source source, List<String> tried) {
        for (String[] pair : NAME_PAIRS) {
            Path core = dir.resolve(pair[0]);
            Path hl = dir.resolve(pair[1]);
            if (Files.isRegularFile(core) && Files.isRegularFile(hl)) {
                return new Loaded(core.toAbsolutePath(), hl.toAbsolutePath(), source);
            }
        }
        return null;
    }

    private static Loaded system(List<String> tried) {
        List<String> dirs = new ArrayList<>(SYSTEM_DIRS);
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        if (ldPath != null) {
            for (String entry : ldPath.split(":")) {
                if (!entry.isBlank()) dirs.add(entry);
            }
        }
        for (String dir : dirs) {
            Loaded found = inDirectory(Path.of(dir), Source.SYSTEM, tried);
            if (found != null) return found;
        }
        tried.add("system: no libhdf5 + libhdf5_hl pair (" + namesTried() + ") in " + String.join(", ", dirs));
        return null;
    }

    private static Loaded embedded(List<String> tried) {
        ClassLoader loader = NativeLibraryLoader.class.getClassLoader();
        try (InputStream core = loader.getResourceAsStream(EMBEDDED_RESOURCE_DIR + EMBEDDED_HDF5);
             InputStream hl = loader.getResourceAsStream(EMBEDDED_RESOURCE_DIR + EMBEDDED_HDF5_HL)) {
            if (core == null || hl == null) {
                tried.add("embedded: " + EMBEDDED_RESOURCE_DIR + EMBEDDED_HDF5
                        + " is not on the class path (the org.bytedeco:hdf5:1.14.3-1.5.10:linux-x86_64 jar is missing)");
                return null;
            }
            byte[] coreBytes = core.readAllBytes();
            byte[] hlBytes = hl.readAllBytes();
            Path dir = cacheRoot(tried).resolve("hdf5-1.14.3-" + contentHash(coreBytes, hlBytes));
            Files.createDirectories(dir);
            return new Loaded(install(dir, EMBEDDED_HDF5, coreBytes), install(dir, EMBEDDED_HDF5_HL, hlBytes),
                    Source.EMBEDDED);
        } catch (IOException e) {
            tried.add("embedded: extracting to the cache failed: " + e);
            return null;
        }
    }

    /**
     * Content-addressed and atomic: the file appears whole or not at all, so JVMs starting at once
     * either see a finished copy or each rename an identical one over it.
     */
    private static Path install(Path dir, String name, byte[] bytes) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
            return target;
        }
        Path temp = Files.createTempFile(dir, name, ".part");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** $XDG_CACHE_HOME/h5image, else ~/.cache/h5image, else a per-user directory under java.io.tmpdir. */
    private static Path cacheRoot(List<String> tried) throws IOException {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path root = base.resolve("h5image");
        try {
            Files.createDirectories(root);
            if (Files.isWritable(root)) return root;
        } catch (IOException e) {
            tried.add("cache " + root + " not writable (" + e.getMessage() + "), using java.io.tmpdir");
        }
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"),
                "h5image-" + System.getProperty("user.name").toLowerCase(Locale.ROOT));
        if (!Files.isDirectory(fallback)) {
            try {
                Files.createDirectory(fallback, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another JVM made it first
            }
        }
        return fallback;
    }

    private static String contentHash(byte[] first, byte[] second) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(first);
            sha.update(second);
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
