package io.h5image.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Median and minimum of repeated System.nanoTime measurements. The demo only reports; numbers to
 * rely on come from the JMH benchmarks in src/bench.
 */
record Timing(String label, long medianNanos, long minNanos) {

    /** One operation to time; it returns something derived from its result (a size) for the sink. */
    record Operation(String label, LongSupplier body) {}

    /** Absorbs every result so the JIT cannot drop the work being timed. */
    private static volatile long sink;

    /**
     * Runs every operation {@code warmup} times untimed, then {@code rounds} rounds in which each
     * operation runs once, timed. Interleaving puts all operations under the same background load
     * at any moment, so their ratios to the floor hold up on a busy machine where separate loops
     * would catch different load phases.
     */
    static List<Timing> measure(List<Operation> operations, int warmup, int rounds) {
        long absorbed = 0;
        for (int i = 0; i < warmup; i++) {
            for (Operation op : operations) absorbed += op.body().getAsLong();
        }
        long[][] samples = new long[operations.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < operations.size(); k++) {
                long start = System.nanoTime();
                absorbed += operations.get(k).body().getAsLong();
                samples[k][round] = System.nanoTime() - start;
            }
        }
        sink += absorbed;
        List<Timing> timings = new ArrayList<>();
        for (int k = 0; k < operations.size(); k++) {
            long[] sorted = samples[k];
            Arrays.sort(sorted);
            int n = sorted.length;
            long median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            timings.add(new Timing(operations.get(k).label(), median, sorted[0]));
        }
        return timings;
    }

    double medianMicros() {
        return medianNanos / 1000.0;
    }

    double minMicros() {
        return minNanos / 1000.0;
    }
}
