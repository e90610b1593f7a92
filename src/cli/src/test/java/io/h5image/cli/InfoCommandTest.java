package io.h5image.cli;

import io.h5image.H5Image;
import io.h5image.LibraryInfo;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @Test
    void namesVersionPathsSourceAndHowToChoose() {
        LibraryInfo library = H5Image.library();
        Run run = Run.of("info");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*version\\s+\\d+\\.\\d+\\.\\d+\n.*"), run::toString);
        assertTrue(run.out().contains(library.version()), run::toString);
        assertTrue(run.out().contains(library.hdf5().toString()), run::toString);
        assertTrue(run.out().contains(library.hdf5Hl().toString()), run::toString);
        assertTrue(run.out().contains("source       " + library.source().name().toLowerCase(Locale.ROOT)), run::toString);
        assertTrue(run.out().contains("thread-safe  " + (library.threadSafe() ? "yes" : "no")), run::toString);
        assertTrue(run.out().contains(LibraryInfo.howToChoose()), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void noCommandPrintsUsageAndIsBadUsage() {
        Run run = Run.of();
        assertEquals(Main.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("a command is missing") && run.err().contains("Commands:")
                && run.err().contains("inspect"), run::toString);
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run run = Run.of("frobnicate");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("frobnicate"), run::toString);
    }
}
