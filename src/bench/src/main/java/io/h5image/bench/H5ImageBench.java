package io.h5image.bench;

import io.h5image.H5Image;
import io.h5image.NdArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * h5image through its public API, as a caller sees it: image templates are on (the default), so
 * after the first image of a shape no call reaches libhdf5. {@link H5ImageColdBench} is the
 * other half.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
// A fixed, pre-touched heap: the first touch of fresh heap pages would otherwise make byte[]
// results cost milliseconds for the first ~500 images, i.e. most of the warmup.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class H5ImageBench {

    /** The fast path the API offers: the image lands in the caller's reused buffer. */
    @Benchmark
    public MemorySegment serializeReused(Payloads p) {
        return H5Image.serialize(p.array, p.reusedAllocator);
    }

    /**
     * Fresh memory per image, freed at once. A confined arena, not {@code serialize(array)}'s
     * automatic one: an automatic arena frees only after a GC, and this loop makes native garbage
     * faster than heap garbage, so the process would grow by gigabytes between collections.
     */
    @Benchmark
    public byte serializeFresh(Payloads p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = H5Image.serialize(p.array, arena);
            return image.get(ValueLayout.JAVA_BYTE, image.byteSize() - 1);
        }
    }

    @Benchmark
    public byte[] serializeToBytes(Payloads p) {
        return H5Image.serializeToBytes(p.array);
    }

    @Benchmark
    public NdArray deserialize(Payloads p) {
        return H5Image.deserialize(p.image);
    }
}
