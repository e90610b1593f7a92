package io.h5image.bench;

import io.h5image.H5Image;
import io.h5image.NdArray;
import io.h5image.internal.ImageTemplates;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading with metadata templates on and off, where templates cannot help: 3,000 distinct shapes in
 * turn, and two dtypes whose images have the same size, alternating. Templates on must never be
 * slower than off; the repeated shape is the case they exist for.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class MixedTemplatesBench {

    @Param({"on", "off"})
    public String templates;

    private MemorySegment[] shapes;
    private MemorySegment ints;
    private MemorySegment floats;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        // Written "elsewhere": this JVM keeps no write template of them.
        ImageTemplates.setEnabled(false);
        Arena arena = Arena.ofAuto();
        shapes = new MemorySegment[3000];
        for (int i = 0; i < shapes.length; i++) shapes[i] = H5Image.serialize(new int[i + 1][3], arena);
        ints = H5Image.serialize(new int[1000], arena);
        floats = H5Image.serialize(new float[1000], arena);
        ImageTemplates.setEnabled(templates.equals("on"));
    }

    @Benchmark
    public NdArray mixedShapes() {
        MemorySegment image = shapes[next];
        next = next + 1 == shapes.length ? 0 : next + 1;
        return H5Image.deserialize(image);
    }

    @Benchmark
    public NdArray twoDtypesOneSize() {
        next ^= 1;
        return H5Image.deserialize(next == 0 ? ints : floats);
    }

    @Benchmark
    public NdArray repeatedShape() {
        return H5Image.deserialize(ints);
    }
}
