package io.h5image.it;

import io.h5image.DatasetInfo;
import io.h5image.H5Image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Images h5image writes for the interop matrix, saved as files for the external tools. */
final class OurImages {

    record Written(Path file, byte[] bytes, DatasetInfo info) {}

    private OurImages() {}

    /**
     * Serializes every sample into {@code dir}. Plain contiguous samples take
     * {@code serializeToBytes(array)}, the call most users make; the rest take the general
     * {@code serialize(array, options, allocator)} into a confined arena that is closed at once,
     * so the file must hold everything and nothing may still point into freed memory.
     */
    static Map<Sample, Written> write(Path dir) {
        Map<Sample, Written> written = new LinkedHashMap<>();
        Sample.all().forEach(sample -> {
            byte[] bytes;
            if (sample.storage() == Sample.Storage.CONTIGUOUS) {
                bytes = H5Image.serializeToBytes(sample.input());
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    bytes = H5Image.serialize(sample.input(), sample.options(), arena).toArray(ValueLayout.JAVA_BYTE);
                }
            }
            List<DatasetInfo> datasets = H5Image.inspect(MemorySegment.ofArray(bytes));
            if (datasets.size() != 1 || !datasets.getFirst().path().equals("data")) {
                throw new AssertionError(sample + ": an image from serialize must hold exactly dataset 'data', inspect found "
                        + datasets);
            }
            DatasetInfo info = datasets.getFirst();
            Path file = dir.resolve(sample.id() + ".h5");
            try {
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written.put(sample, new Written(file, bytes, info));
        });
        return written;
    }
}
