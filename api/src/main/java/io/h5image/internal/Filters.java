package io.h5image.internal;

import io.h5image.MissingFilterException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A dataset's filter pipeline, checked before libhdf5 decodes: a filter libhdf5 lacks is named up
 * front from the pipeline's own record (its identifier, and the name the writer stored), never
 * guessed from the message of a failed read. Callers hold the lock.
 */
final class Filters {
    private Filters() {}

    /** Registered identifiers the ecosystem uses (https://github.com/HDFGroup/hdf5_plugins). */
    private static final Map<Integer, String> KNOWN = Map.ofEntries(
            Map.entry(1, "deflate (zlib)"), Map.entry(2, "shuffle"), Map.entry(3, "fletcher32"), Map.entry(4, "szip"),
            Map.entry(5, "nbit"), Map.entry(6, "scaleoffset"), Map.entry(307, "bzip2"), Map.entry(32000, "LZF"),
            Map.entry(32001, "Blosc"), Map.entry(32004, "LZ4"), Map.entry(32008, "Bitshuffle"), Map.entry(32013, "ZFP"),
            Map.entry(32015, "Zstandard"), Map.entry(32026, "Blosc2"));

    /** Throws {@link MissingFilterException} for the first filter of {@code dcpl} that libhdf5 does not have. */
    static void requireAvailable(long dcpl, String path) {
        int count = Hdf5.check(H5Pget_nfilters(dcpl), "H5Pget_nfilters('" + path + "')");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment valueCount = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_INT, 8);
            MemorySegment name = arena.allocate(256);
            MemorySegment config = arena.allocate(ValueLayout.JAVA_INT);
            for (int i = 0; i < count; i++) {
                valueCount.set(ValueLayout.JAVA_LONG, 0, 8);
                name.fill((byte) 0);
                int id = Hdf5.check(H5Pget_filter2(dcpl, i, flags, valueCount, values, name.byteSize() - 1, name, config),
                        "H5Pget_filter2('" + path + "')");
                int available = H5Zfilter_avail(id);
                if (available < 0) Hdf5.takeErrorStack();
                if (available <= 0) {
                    String stored = name.getString(0).strip();
                    throw new MissingFilterException(id, "dataset '" + path + "' needs " + describe(id)
                            + (stored.isEmpty() ? "" : ", recorded as \"" + stored + "\"")
                            + ", which this libhdf5 does not have");
                }
            }
        }
    }

    /** {@return "filter N (its name)", or "filter N" for an identifier the ecosystem does not register} */
    static String describe(int id) {
        String known = KNOWN.get(id);
        return "filter " + id + (known != null ? " (" + known + ")" : "");
    }
}
