package io.h5image.bench;

import io.h5image.H5File;
import io.h5image.NdArray;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a file on disk by mapping it costs its metadata, not its size: open a 10 GiB h5py file,
 * read its 10 GiB contiguous dataset as a view, read one element of it, close; and the same for a
 * file of 8 KiB of data. bin/bench-mapped makes both files with h5py and reports the ratio.
 * Each call maps and unmaps the whole file, so the page cache holds only what is read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class MappedFileBench {

    /** The directory holding big.h5 and small.h5 (made by make_mapped_files.py). */
    @Param("")
    public String dir;

    @Benchmark
    public double openTenGiBAndView() {
        return openAndView("big.h5");
    }

    @Benchmark
    public double openEightKiBAndView() {
        return openAndView("small.h5");
    }

    private double openAndView(String name) {
        try (H5File file = H5File.open(Path.of(dir, name))) {
            NdArray data = file.dataset("big").read();
            if (!data.isView()) throw new IllegalStateException(name + ": not a view");
            return data.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, data.size() - 1);
        }
    }
}
