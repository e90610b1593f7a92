package io.h5image.bench;

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
 * What h5image is measured against: the floor (nothing can serialize without copying the payload
 * once) and the Julia recipe. Fresh-memory variants are here because page faults, not HDF5, are
 * the larger cost of a new buffer (DESIGN.md, "Measured floors").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
// A fixed, pre-touched heap: the first touch of fresh heap pages would otherwise make byte[]
// results cost milliseconds for the first ~500 images, i.e. most of the warmup.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class Baselines {

    /** The floor: the payload copied once into a buffer whose pages are already mapped. */
    @Benchmark
    public MemorySegment floorCopy(Payloads p) {
        return Payloads.copyRows(p.rows, p.reused);
    }

    /** The same copy into memory that is new each time (allocate, zero, fault in, free). */
    @Benchmark
    public byte floorCopyFresh(Payloads p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = Payloads.copyRows(p.rows, arena.allocate(p.payloadBytes, 64));
            return target.get(ValueLayout.JAVA_BYTE, p.payloadBytes - 1);
        }
    }

    /** The recipe, its image copied into a reused buffer (the C figure's "warm allocator" case). */
    @Benchmark
    public MemorySegment recipeSerialize(Payloads p) {
        return JuliaRecipe.serialize(p.nativePayload, p.dims, p.reusedAllocator);
    }

    /** The recipe, its image copied into fresh memory, as Julia's {@code Vector{UInt8}(undef, n)} is. */
    @Benchmark
    public byte recipeSerializeFresh(Payloads p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = JuliaRecipe.serialize(p.nativePayload, p.dims, arena);
            return image.get(ValueLayout.JAVA_BYTE, image.byteSize() - 1);
        }
    }

    @Benchmark
    public JuliaRecipe.View recipeDeserialize(Payloads p) {
        return JuliaRecipe.deserialize(p.recipeImage);
    }

    /**
     * The recipe reading an h5image image (superblock v2+, checksummed headers): splits the gap
     * between h5image's cold deserialize and the recipe into file format and h5image's own calls.
     */
    @Benchmark
    public JuliaRecipe.View recipeDeserializeH5Image(Payloads p) {
        return JuliaRecipe.deserialize(p.image);
    }
}
