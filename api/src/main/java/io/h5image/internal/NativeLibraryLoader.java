package io.h5image.internal;

import io.h5image.LibraryInfo;
import io.h5image.LibraryInfo.Source;
import io.h5image.NativeLibraryException;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides which libhdf5 + libhdf5_hl this JVM binds, and loads them with {@link System#load} so the
 * generated bindings (which use {@code SymbolLookup.loaderLookup()}) find their symbols there.
 * Order: the explicit setting ({@value LibraryInfo#PROPERTY} / {@value LibraryInfo#ENV}), else the
 * embedded 1.14.3, else a failure that lists everything tried.
 */
final class NativeLibraryLoader {

    /** Where io.h5image:h5image-libhdf5 (module io.h5image.libhdf5) keeps its libraries. */
    static final String EMBEDDED_RESOURCE_DIR = "io/h5image/libhdf5/linux-x86_64/";
    /** The system property that chooses the cache directory; {@value #CACHE_ENV} does the same. */
    static final String CACHE_PROPERTY = "h5image.cacheDir";
    static final String CACHE_ENV = "H5IMAGE_CACHE_DIR";
    /** The embedded artifact, as a user would name it in a build file. */
    static final String EMBEDDED_ARTIFACT = "io.h5image:h5image-libhdf5";
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
    static final String FIX = "Fix: put " + EMBEDDED_ARTIFACT + " on the class or module path (the embedded default; a"
            + " dependency on io.h5image:h5image brings it), set -D" + CACHE_PROPERTY + " / " + CACHE_ENV
            + " to a private directory on a filesystem that allows executables if the cache was the problem,"
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
        if (chosen.source() != Source.EMBEDDED) {
            // libhdf5 first: libhdf5_hl's DT_NEEDED then resolves to it by soname instead of searching.
            systemLoad(chosen.hdf5(), chosen.source());
            systemLoad(chosen.hdf5Hl(), chosen.source());
        }
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

    /**
     * Extracts the embedded pair into the first usable cache directory and loads it from there. A
     * candidate that fails, to be created or to be loaded from (a {@code noexec} mount gives "failed
     * to map segment from shared object"), is recorded and the next one is tried.
     */
    private static Loaded embedded(List<String> tried) {
        List<EmbeddedLibraryCache.Library> libraries;
        try {
            libraries = embeddedLibraries();
        } catch (IOException e) {
            tried.add("embedded: reading " + EMBEDDED_RESOURCE_DIR + " failed: " + e);
            return null;
        }
        if (libraries == null) {
            tried.add("embedded: " + EMBEDDED_RESOURCE_DIR + EMBEDDED_HDF5 + " is not on the class or module path (the "
                    + EMBEDDED_ARTIFACT + " jar is missing)");
            return null;
        }
        for (CacheRoot root : cacheRoots()) {
            Path dir;
            try {
                dir = EmbeddedLibraryCache.prepare(root.path(), root.mustBePrivate(), libraries);
            } catch (IOException e) {
                // Our refusals are plain IOExceptions with a full sentence; the JDK's (AccessDenied, ...) need their type.
                tried.add("embedded: cannot use the cache " + root.path() + " (" + root.origin() + "): "
                        + (e.getClass() == IOException.class ? e.getMessage() : e.toString()));
                continue;
            }
            Path core = dir.resolve(EMBEDDED_HDF5);
            try {
                System.load(core.toString());
            } catch (UnsatisfiedLinkError e) {
                tried.add("embedded: cannot load from the cache " + dir + " (" + root.origin() + "): " + e.getMessage()
                        + (String.valueOf(e.getMessage()).contains("failed to map segment")
                                ? " (is that filesystem mounted noexec?)" : ""));
                continue;
            }
            // libhdf5 is in the process now, from this directory: its partner must come from the same one.
            Path hl = dir.resolve(EMBEDDED_HDF5_HL);
            systemLoad(hl, Source.EMBEDDED);
            return new Loaded(core, hl, Source.EMBEDDED);
        }
        return null;
    }

    /** The two embedded libraries with their identities, or null when the artifact is absent. */
    private static List<EmbeddedLibraryCache.Library> embeddedLibraries() throws IOException {
        ClassLoader loader = NativeLibraryLoader.class.getClassLoader();
        List<EmbeddedLibraryCache.Library> libraries = new ArrayList<>();
        for (String name : List.of(EMBEDDED_HDF5, EMBEDDED_HDF5_HL)) {
            // Not a package path (the hyphen), so a named module's resource is found here too.
            URL url = loader.getResource(EMBEDDED_RESOURCE_DIR + name);
            if (url == null) return null;
            libraries.add(new EmbeddedLibraryCache.Library(name, url, EmbeddedLibraryCache.identify(url)));
        }
        return libraries;
    }

    /** A candidate cache directory and why it is one. */
    record CacheRoot(Path path, String origin, boolean mustBePrivate) {}

    /**
     * The setting ({@value #CACHE_PROPERTY} / {@value #CACHE_ENV}) alone when given, like the library
     * setting: a directory chosen on purpose is not silently replaced by another. Otherwise
     * $XDG_CACHE_HOME/h5image (else ~/.cache/h5image), then a per-user directory under java.io.tmpdir.
     */
    static List<CacheRoot> cacheRoots() {
        String setting = System.getProperty(CACHE_PROPERTY);
        String origin = "-D" + CACHE_PROPERTY;
        if (setting == null || setting.isBlank()) {
            setting = System.getenv(CACHE_ENV);
            origin = CACHE_ENV;
        }
        if (setting != null && !setting.isBlank()) {
            return List.of(new CacheRoot(Path.of(setting.trim()).toAbsolutePath(), origin, false));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path temp = Path.of(System.getProperty("java.io.tmpdir"),
                "h5image-" + System.getProperty("user.name").toLowerCase(Locale.ROOT));
        return List.of(new CacheRoot(base.resolve("h5image"), "the user cache", false),
                new CacheRoot(temp, "the temp directory", true));
    }
}
