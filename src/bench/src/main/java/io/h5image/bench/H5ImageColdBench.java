package io.h5image.bench;

import io.h5image.H5Image;
import io.h5image.NdArray;
import io.h5image.internal.ImageTemplates;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * h5image with image templates off: every serialize creates the image through libhdf5 and every
 * deserialize parses it with libhdf5. This is the cost of the first image of each shape, and the
 * like-for-like comparison with the recipe. Each benchmark runs in its own forked JVM, so
 * switching templates off here cannot leak into {@link H5ImageBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
// A fixed, pre-touched heap: the first touch of fresh heap pages would otherwise make byte[]
// results cost milliseconds for the first ~500 images, i.e. most of the warmup.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class H5ImageColdBench {

    @Setup(Level.Trial)
    public void templatesOff() {
        ImageTemplates.setEnabled(false);
    }

    @Benchmark
    public MemorySegment serializeReused(Payloads p) {
        return H5Image.serialize(p.array, p.reusedAllocator);
    }

    @Benchmark
    public NdArray deserialize(Payloads p) {
        return H5Image.deserialize(p.image);
    }
}
