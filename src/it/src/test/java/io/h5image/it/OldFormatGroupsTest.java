package io.h5image.it;

import io.h5image.H5File;
import io.h5image.InvalidImageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Groups in h5py's default layout (symbol tables: a version 1 B-tree, symbol nodes and a local heap
 * of names, with no checksum anywhere), which libhdf5 still lists for h5image. The file is the
 * {@code h5py-default.h5} resource that make_fuzz_seed.py wrote. A corrupt name offset makes
 * libhdf5 return a name no link can have (the fuzzer found an empty one); that must be an
 * {@link InvalidImageException}, not an {@code IllegalArgumentException} from path handling.
 */
class OldFormatGroupsTest {

    private static byte[] file() throws IOException {
        try (InputStream in = OldFormatGroupsTest.class.getResourceAsStream("h5py-default.h5")) {
            assertNotNull(in, "test resource h5py-default.h5");
            return in.readAllBytes();
        }
    }

    @Test
    void readsSymbolTableGroups() throws IOException {
        try (H5File h5 = H5File.open(file())) {
            assertEquals(List.of("a", "fixed", "flags", "labels", "many", "run", "soft"), h5.names());
            assertArrayEquals(new double[] {21.5, 22.0, -1e300}, (double[]) h5.dataset("soft").read().toArray());
            assertEquals("C", h5.group("run").attributes().get("units"));
            assertEquals(12, h5.group("many").names().size());
            assertArrayEquals(new int[] {0, 1, 2}, (int[]) h5.dataset("a/b/c/d").read().toArray());
        }
    }

    @Test
    void anImpossibleLinkNameIsACorruptImage() throws IOException {
        byte[] bytes = file();
        int node = rootSymbolNode(bytes);
        // The first entry's link name offset (8 bytes after the node's 8-byte prefix) to 0: the
        // local heap's empty string.
        for (int i = 0; i < 8; i++) bytes[node + 8 + i] = 0;
        try (H5File h5 = H5File.open(bytes)) {
            InvalidImageException e = assertThrows(InvalidImageException.class, h5::names);
            assertTrue(e.getMessage().contains("which no link can have"), e.getMessage());
        }
    }

    /** The symbol node (SNOD) with the root's 7 entries. */
    private static int rootSymbolNode(byte[] b) {
        for (int i = 0; i + 8 <= b.length; i++) {
            if (b[i] == 'S' && b[i + 1] == 'N' && b[i + 2] == 'O' && b[i + 3] == 'D' && (b[i + 6] & 0xff) == 7 && b[i + 7] == 0) {
                return i;
            }
        }
        throw new AssertionError("no symbol node with 7 entries in h5py-default.h5");
    }
}
