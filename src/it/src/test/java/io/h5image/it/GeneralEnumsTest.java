package io.h5image.it;

import io.h5image.H5File;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Enumerations other than bool, as h5py writes them, read as their base integers: one-byte,
 * big-endian and little-endian bases, contiguous (a view) and chunked (converted by libhdf5), as
 * datasets and as attributes. An enum attribute of any base failed on 1.14.3 before: libhdf5 refuses
 * to change the byte order of an enum that has members, so a foreign-order enum is now rebuilt over
 * a native base with each member's value converted.
 */
class GeneralEnumsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void tools() {
        Tools.requirePython();
    }

    @Test
    void enumsReadAsTheirBaseIntegersLikeH5py() {
        Path file = dir.resolve("enums.h5");
        String script = """
                import h5py, numpy as np, sys
                with h5py.File(sys.argv[1], 'w') as f:
                    for name, base, values in (('u1', 'u1', [1, 0, 200]), ('be16', '>i2', [1, -1, 300]), ('le32', '<i4', [1, -1, 300])):
                        t = h5py.enum_dtype({'A': values[1], 'B': 1, 'C': values[2]}, basetype=base)
                        d = f.create_dataset(name, data=np.array(values, dtype=base), dtype=t)
                        f.create_dataset(name + '_chunked', data=np.array(values, dtype=base), dtype=t, chunks=(2,))
                        d.attrs['a'] = np.array(values[:2], dtype=t)
                        d.attrs['scalar'] = np.array(values[2], dtype=t)
                """;
        Tools.Result written = Tools.run(List.of(Tools.python(), "-c", script, file.toString()), dir);
        assertEquals(0, written.exitCode(), written::describe);
        try (H5File h5 = H5File.open(file)) {
            assertArrayEquals(new short[] {1, 0, 200}, (short[]) h5.dataset("u1").read().toArray());
            assertArrayEquals(new short[] {1, 0, 200}, (short[]) h5.dataset("u1_chunked").read().toArray());
            assertArrayEquals(new short[] {1, 0}, (short[]) h5.dataset("u1").attributes().get("a"));
            for (String name : List.of("be16", "be16_chunked")) {
                assertArrayEquals(new short[] {1, -1, 300}, (short[]) h5.dataset(name).read().toArray(), name);
            }
            assertArrayEquals(new short[] {1, -1}, (short[]) h5.dataset("be16").attributes().get("a"));
            assertEquals((short) 300, h5.dataset("be16").attributes().get("scalar"));
            for (String name : List.of("le32", "le32_chunked")) {
                assertArrayEquals(new int[] {1, -1, 300}, (int[]) h5.dataset(name).read().toArray(), name);
            }
            assertArrayEquals(new int[] {1, -1}, (int[]) h5.dataset("le32").attributes().get("a"));
            assertEquals(300, h5.dataset("le32").attributes().get("scalar"));
        }
    }
}
