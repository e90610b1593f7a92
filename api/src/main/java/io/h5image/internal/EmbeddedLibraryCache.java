package io.h5image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * Puts the embedded libhdf5 pair into a per-user cache directory the dynamic linker can load from.
 * <p>
 * <b>Why a warm start reads almost nothing.</b> Each library is identified by the CRC-32 and size
 * its jar entry records in the jar's central directory, read without inflating anything. A
 * directory {@code hdf5-1.14.3-<crc><crc>} holds the pair, and a marker file naming both
 * identities is written only after both files were extracted and their bytes checked against
 * those identities. A warm start checks that the directory is private, reads the ~80-byte marker
 * and stats the two files. That is sound because nobody but this user (or root) can change a
 * private directory after the marker was written, files land there only by atomic rename, and the
 * marker is the last thing written; a CRC names a library version, it is not asked to resist
 * tampering, which the directory permissions already exclude.
 */
final class EmbeddedLibraryCache {

    /** Written last, after both libraries were verified; its text names what was verified. */
    static final String MARKER = "verified";

    /** What identifies one library: the CRC-32 and size of its bytes. */
    record Identity(long crc, long size) {
        String describe(String name) {
            return name + " " + size + " " + String.format("%08x", crc) + "\n";
        }
    }

    /** One embedded library: its file name in the cache and where its bytes come from. */
    record Library(String name, URL source, Identity identity) {}

    private EmbeddedLibraryCache() {}

    /**
     * The identity of the resource at {@code url}: from the jar's central directory when it is a jar
     * entry (nothing inflated), else by reading it once (exploded classes in a build, a jlink image).
     */
    static Identity identify(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            jar.setUseCaches(false); // a JarFile of our own, closed here, not one the JDK keeps open
            try (JarFile file = jar.getJarFile()) {
                JarEntry entry = file.getJarEntry(jar.getEntryName());
                if (entry != null && entry.getCrc() != -1 && entry.getSize() != -1) {
                    return new Identity(entry.getCrc(), entry.getSize());
                }
            }
        }
        try (InputStream in = url.openStream()) {
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0; size += n) crc.update(buffer, 0, n);
            return new Identity(crc.getValue(), size);
        }
    }

    /** The cache directory name for this pair: the version plus both CRCs. */
    static String directoryName(List<Library> libraries) {
        StringBuilder name = new StringBuilder("hdf5-1.14.3-");
        for (Library library : libraries) name.append(String.format("%08x", library.identity().crc()));
        return name.toString();
    }

    /**
     * The directory under {@code root} holding {@code libraries}, verified: reused as it is when its
     * marker says so, else (re)extracted first. Throws with a full sentence when {@code root} cannot
     * be used.
     */
    static Path prepare(Path root, boolean rootMustBePrivate, List<Library> libraries) throws IOException {
        if (rootMustBePrivate) {
            createPrivateDirectory(root);
        } else {
            Files.createDirectories(root);
        }
        Path dir = root.resolve(directoryName(libraries));
        createPrivateDirectory(dir);
        String expected = markerText(libraries);
        if (isVerified(dir, libraries, expected)) return dir;
        for (Library library : libraries) extract(dir, library);
        writeAtomically(dir, MARKER, expected.getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    static String markerText(List<Library> libraries) {
        StringBuilder text = new StringBuilder();
        for (Library library : libraries) text.append(library.identity().describe(library.name()));
        return text.toString();
    }

    /** The warm path: one small read and a few stats, no library bytes. */
    static boolean isVerified(Path dir, List<Library> libraries, String expected) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!isRegularFile(marker) || Files.size(marker) != expected.length()) return false;
        if (!expected.equals(Files.readString(marker, StandardCharsets.UTF_8))) return false;
        for (Library library : libraries) {
            Path file = dir.resolve(library.name());
            // A size check is free and catches a file truncated by accident (disk full, a user's cp).
            if (!isRegularFile(file) || Files.size(file) != library.identity().size()) return false;
        }
        return true;
    }

    private static boolean isRegularFile(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
        } catch (IOException missing) {
            return false;
        }
    }

    /** Copies one library out of the jar, checking the bytes against the jar entry's CRC and size. */
    static void extract(Path dir, Library library) throws IOException {
        Path temp = Files.createTempFile(dir, library.name(), ".part");
        try {
            CRC32 crc = new CRC32();
            long size = 0;
            try (InputStream in = library.source().openStream(); OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; size += n) {
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            Identity read = new Identity(crc.getValue(), size);
            if (!read.equals(library.identity())) {
                throw new IOException("the bytes of " + library.source() + " (" + read + ") do not match what its jar"
                        + " entry records (" + library.identity() + "): the jar is corrupt; download it again");
            }
            moveAtomically(temp, dir.resolve(library.name()));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(dir, name, ".part");
        try {
            Files.write(temp, bytes);
            moveAtomically(temp, dir.resolve(name));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The target appears whole or not at all, so JVMs starting at once never see half a file. */
    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Creates {@code dir} as rwx------ unless it exists, then insists it is private. java.io.tmpdir is
     * shared, so anyone can pre-create h5image-&lt;user&gt; (or a symbolic link by that name) and plant a
     * library in it that this JVM would then load.
     */
    static void createPrivateDirectory(Path dir) throws IOException {
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
}
