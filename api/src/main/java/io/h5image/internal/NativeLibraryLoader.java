package io.h5image.internal;

import io.h5image.LibraryInfo;
import io.h5image.LibraryInfo.Source;
import io.h5image.NativeLibraryException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** The advice every failure ends with. */
    static final String FIX = "Fix: put org.bytedeco:hdf5:1.14.3-1.5.10:linux-x86_64 on the class path (embedded default),"
            + " or install the system library (Debian: apt-get install libhdf5-103-1 libhdf5-hl-100) and set "
            + LibraryInfo.PROPERTY + "=system, or point " + LibraryInfo.PROPERTY + " / " + LibraryInfo.ENV
            + " at a directory holding a working libhdf5 and libhdf5_hl.";

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
                    + "\n" + FIX);
        }
        // libhdf5 first: libhdf5_hl's DT_NEEDED then resolves to it by soname instead of searching.
        systemLoad(chosen.hdf5(), chosen.source());
        systemLoad(chosen.hdf5Hl(), chosen.source());
        return chosen;
    }

    /**
     * A file that is not a loadable library (truncated, wrong architecture, missing dependency) makes
     * {@link System#load} throw an {@link UnsatisfiedLinkError}; Hdf5's static initializer only catches
     * {@link NativeLibraryException}, so the error would escape as a bare ExceptionInInitializerError.
     */
    private static void systemLoad(Path file, Source source) {
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new NativeLibraryException("cannot load libhdf5: " + file + " (" + source.name().toLowerCase(Locale.ROOT)
                    + ") was found but the dynamic linker refused it: " + e.getMessage() + "\n" + FIX, e);
        }
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
            String hashDir = "hdf5-1.14.3-" + contentHash(coreBytes, hlBytes);
            for (Path root : cacheRoots()) {
                try {
                    Path dir = root.resolve(hashDir);
                    if (root.equals(tempRoot())) {
                        createPrivateDirectory(root);
                    } else {
                        Files.createDirectories(root);
                    }
                    createPrivateDirectory(dir);
                    return new Loaded(install(dir, EMBEDDED_HDF5, coreBytes), install(dir, EMBEDDED_HDF5_HL, hlBytes),
                            Source.EMBEDDED);
                } catch (IOException e) {
                    // Our refusals are plain IOExceptions with a full sentence; the JDK's (AccessDenied, ...) need their type.
                    tried.add("embedded: cannot use the cache under " + root + ": "
                            + (e.getClass() == IOException.class ? e.getMessage() : e.toString()));
                }
            }
            return null;
        } catch (IOException e) {
            tried.add("embedded: reading the libraries from the class path failed: " + e);
            return null;
        }
    }

    /**
     * Content-addressed and atomic: the file appears whole or not at all, so JVMs starting at once
     * either see a finished copy or each rename an identical one over it.
     */
    static Path install(Path dir, String name, byte[] bytes) throws IOException {
        Path target = dir.resolve(name);
        // Same size is not same content: a truncated-and-padded or tampered copy must not be loaded.
        // The bytes are already in memory, so a full compare costs one read of a few MB.
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length
                && Arrays.equals(Files.readAllBytes(target), bytes)) {
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

    /** $XDG_CACHE_HOME/h5image, else ~/.cache/h5image; then a per-user directory under java.io.tmpdir. */
    private static List<Path> cacheRoots() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return List.of(base.resolve("h5image"), tempRoot());
    }

    private static Path tempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "h5image-" + System.getProperty("user.name").toLowerCase(Locale.ROOT));
    }

    /**
     * Creates {@code dir} as rwx------ unless it exists, then insists it is private. java.io.tmpdir is
     * shared, so anyone can pre-create h5image-&lt;user&gt; (or a symbolic link by that name) and plant a
     * library in it that this JVM would then load.
     */
    private static void createPrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            // made earlier, or by another JVM (or someone else: the check below decides)
        }
        checkPrivateDirectory(dir);
    }

    /**
     * Throws unless {@code dir} is a real directory (not a symbolic link, which its owner could re-point
     * after this check), owned by the current user and not writable by group or others.
     */
    static void checkPrivateDirectory(Path dir) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            throw new IOException(dir + " has no POSIX owner and permissions to check", e);
        }
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory" + (attributes.isSymbolicLink() ? " but a symbolic link" : "")
                    + "; refusing it (remove it to let h5image create it)");
        }
        String user = System.getProperty("user.name");
        String owner = attributes.owner().getName();
        if (!owner.equals(user)) {
            throw new IOException(dir + " is owned by " + owner + ", not by the current user " + user
                    + "; refusing it, since its owner could plant a library there");
        }
        if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by group or others ("
                    + PosixFilePermissions.toString(attributes.permissions())
                    + "); refusing it, since they could plant a library there (chmod go-w it, or remove it)");
        }
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
