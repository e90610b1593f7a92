package io.h5image.it;

import io.h5image.H5File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A JVM that exits with files still open must exit cleanly. libhdf5's own exit handler used to close
 * them on the JVM's exit thread, through the file-image callbacks (Java upcalls), and the JVM died
 * with "Could not attach thread for upcall"; h5image now tells libhdf5 not to close at exit.
 */
class OpenAtExitTest {

    @TempDir
    static Path dir;

    @Test
    void exitingWithFilesOpenDoesNotCrash() {
        Tools.Result result = Tools.run(Tools.javaCommand(Child.class), dir, Map.of("MALLOC_PERTURB_", "165"));
        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.stdout().contains(Child.LEFT_OPEN), result::describe);
        assertFalse(result.stdout().contains("fatal error") || result.stderr().contains("fatal error"), result::describe);
    }

    /** Leaves a file being written and a file read from bytes open, then returns from main. */
    public static final class Child {
        static final String LEFT_OPEN = "left two files open";

        public static void main(String[] args) {
            H5File written = H5File.create();
            written.createDataset("x", new double[] {1, 2});
            H5File read = H5File.open(written.toBytes());
            if (read.names().size() != 1) throw new AssertionError(read.names());
            System.out.println(LEFT_OPEN);
        }
    }
}
