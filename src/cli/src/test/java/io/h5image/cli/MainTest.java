package io.h5image.cli;

import io.h5image.InvalidImageException;
import io.h5image.NativeLibraryException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class MainTest {

    @Test
    void findsTheLoadFailureBehindAStaticInitializer() {
        NativeLibraryException cause = new NativeLibraryException("cannot load libhdf5. Tried:\n  - here");
        assertSame(cause, Main.h5Cause(new ExceptionInInitializerError(cause)));
    }

    @Test
    void findsTheLoadFailureBehindASecondTouchOfTheFailedClass() {
        // What the JVM throws the second time: only the text of the first failure survives.
        var first = new ExceptionInInitializerError("Exception " + NativeLibraryException.class.getName()
                + ": cannot load libhdf5 [in thread \"main\"]");
        var second = new NoClassDefFoundError("Could not initialize class io.h5image.internal.Hdf5");
        second.initCause(first);
        assertInstanceOf(NativeLibraryException.class, Main.h5Cause(second));
    }

    @Test
    void otherFailuresAreNotMistakenForH5image() {
        assertNull(Main.h5Cause(new IllegalStateException("a bug")));
        assertNull(Main.h5Cause(new NoClassDefFoundError("picocli/CommandLine")));
        var invalid = new InvalidImageException("not an HDF5 image");
        assertSame(invalid, Main.h5Cause(new RuntimeException(invalid)));
    }

    @Test
    void firstLine() {
        assertEquals("a", Main.firstLine("a\nb"));
        assertEquals("a", Main.firstLine("a"));
    }
}
