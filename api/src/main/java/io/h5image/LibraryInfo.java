package io.h5image;

import java.nio.file.Path;

/**
 * The libhdf5 that h5image bound in this JVM.
 *
 * @param version     "major.minor.release" as {@code H5get_libversion} reports it
 * @param hdf5        the absolute path of the libhdf5 that was loaded
 * @param hdf5Hl      the absolute path of the libhdf5_hl that was loaded
 * @param source      why this library was chosen
 * @param threadSafe  what {@code H5is_library_threadsafe} says (h5image serializes its calls either way:
 *                    the thread-safe build does not cover libhdf5_hl)
 */
public record LibraryInfo(String version, Path hdf5, Path hdf5Hl, Source source, boolean threadSafe) {

    /** The system property that chooses the library; the environment variable {@value #ENV} does the same. */
    public static final String PROPERTY = "h5image.hdf5";
    /** The environment variable that chooses the library when {@value #PROPERTY} is not set. */
    public static final String ENV = "H5IMAGE_HDF5";

    /** Where the bound library came from. */
    public enum Source {
        /** libhdf5 1.14.3 from io.h5image:h5image-libhdf5 (class or module path), extracted to a per-user cache. */
        EMBEDDED,
        /** The operating system's libhdf5, chosen with {@code system}. */
        SYSTEM,
        /** A directory named by the setting. */
        EXPLICIT
    }

    /** {@return one line on how to choose another library} */
    public static String howToChoose() {
        return "choose with -D" + PROPERTY + "=<embedded|system|/dir/with/libhdf5> or " + ENV
                + "=<embedded|system|/dir/with/libhdf5> (default: embedded 1.14.3)";
    }
}
