package io.h5image.cli;

import io.h5image.H5Image;
import io.h5image.LibraryInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code h5image info}: which libhdf5 this JVM bound, and how to pick another. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Shows the libhdf5 in use and how to choose another.",
                "%nPrints its version, the paths of libhdf5 and libhdf5_hl, where it came from (embedded, system "
                        + "or an explicit directory), whether it is thread-safe, and the setting that picks another."})
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryInfo library = H5Image.library();
        PrintWriter out = spec.commandLine().getOut();
        Table table = Table.plain(2);
        table.row("version", library.version());
        table.row("libhdf5", library.hdf5().toString());
        table.row("libhdf5_hl", library.hdf5Hl().toString());
        table.row("source", describe(library.source()));
        // h5image locks either way: a thread-safe libhdf5 still leaves libhdf5_hl unprotected.
        table.row("thread-safe", (library.threadSafe() ? "yes" : "no")
                + " (h5image makes every libhdf5 call under one lock; reading a view needs none)");
        table.print(out);
        out.println(LibraryInfo.howToChoose());
        out.flush();
        return Main.OK;
    }

    /** The source, plus the setting that chose it: a surprising library is explained by the setting. */
    static String describe(LibraryInfo.Source source) {
        String name = source.name().toLowerCase(Locale.ROOT);
        String property = System.getProperty(LibraryInfo.PROPERTY);
        String setting = property != null && !property.isBlank() ? "-D" + LibraryInfo.PROPERTY + "=" + property
                : System.getenv(LibraryInfo.ENV) != null && !System.getenv(LibraryInfo.ENV).isBlank()
                ? LibraryInfo.ENV + "=" + System.getenv(LibraryInfo.ENV) : null;
        return switch (source) {
            case EMBEDDED -> name + " (io.h5image:h5image-libhdf5, extracted to a per-user cache"
                    + (setting != null ? "; " + setting : "; the default") + ")";
            case SYSTEM, EXPLICIT -> name + (setting != null ? " (" + setting + ")" : "");
        };
    }
}
