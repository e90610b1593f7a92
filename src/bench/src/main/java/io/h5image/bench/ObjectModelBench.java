package io.h5image.bench;

import io.h5image.Dataset;
import io.h5image.H5File;
import io.h5image.RecordView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The object model: a file of many small datasets with attributes, built and walked (against h5py
 * doing the same, timed by bin/bench-model in the same command), and records written and read
 * against the floor of one copy of their packed bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g"})
public class ObjectModelBench {

    /** Three fields, 20 bytes packed. */
    public record Point(double x, double y, int id) {}

    static final int DATASETS = 1000;

    @Param({"1000", "1000000"})
    public int records;

    private byte[] thousand;
    private List<Point> points;
    private Arena arena;
    private MemorySegment packed;
    private MemorySegment destination;
    private SegmentAllocator reused;
    private H5File recordFile;
    private MemorySegment recordImage;

    @Setup(Level.Trial)
    public void setUp() {
        thousand = buildThousand();
        points = new ArrayList<>(records);
        for (int i = 0; i < records; i++) points.add(new Point(i * 0.5, -i, i));
        arena = Arena.ofShared();
        packed = arena.allocate(20L * records, 64);
        for (int i = 0; i < records; i++) {
            packed.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 20L * i, i * 0.5);
            packed.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 20L * i + 8, -i);
            packed.set(ValueLayout.JAVA_INT_UNALIGNED, 20L * i + 16, i);
        }
        destination = arena.allocate(20L * records + (1 << 20), 64);
        destination.fill((byte) 1);
        reused = SegmentAllocator.prefixAllocator(destination);
        recordImage = writeRecords();
        MemorySegment kept = arena.allocate(recordImage.byteSize(), 64);
        MemorySegment.copy(recordImage, 0, kept, 0, recordImage.byteSize());
        recordFile = H5File.open(kept);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        recordFile.close();
        arena.close();
    }

    /** 1,000 datasets of 10 doubles, each with a string and a float attribute, into an image. */
    @Benchmark
    public byte[] buildThousand() {
        try (H5File file = H5File.create()) {
            double[] values = new double[10];
            for (int i = 0; i < DATASETS; i++) {
                Dataset d = file.createDataset("d" + i, values);
                d.attributes().put("units", "m");
                d.attributes().put("scale", 1.5);
            }
            return file.toBytes();
        }
    }

    /** Open that image, list it, read every attribute. */
    @Benchmark
    public void walkThousand(Blackhole sink) {
        try (H5File file = H5File.open(thousand)) {
            for (String name : file.names()) {
                var attributes = file.dataset(name).attributes();
                for (String attribute : attributes.names()) sink.consume(attributes.get(attribute));
            }
        }
    }

    /** The floor for writing records: one copy of their packed bytes into reused memory. */
    @Benchmark
    public MemorySegment recordsFloorCopy() {
        MemorySegment.copy(packed, 0, destination, 0, packed.byteSize());
        return destination;
    }

    /** Records into a new file, the image into reused memory. */
    @Benchmark
    public MemorySegment recordsWrite() {
        return writeRecords();
    }

    private MemorySegment writeRecords() {
        try (H5File file = H5File.create()) {
            file.createDataset("points", points);
            return file.toImage(SegmentAllocator.prefixAllocator(destination));
        }
    }

    @Benchmark
    public List<Point> recordsRead() {
        return recordFile.dataset("points").readRecords(Point.class);
    }

    /** O(1) in the record count: the view is the image itself. */
    @Benchmark
    public RecordView recordsView() {
        return recordFile.dataset("points").recordView();
    }
}
