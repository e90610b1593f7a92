/**
 * JMH benchmarks of h5image, reported as ratios to floors measured in the same run.
 * <ul>
 * <li>{@link io.h5image.bench.Baselines}: the floor (one copy of the payload into a buffer that is
 * already touched) and the Julia recipe that h5image grew out of, re-done through the same
 * jextract bindings, so both sides pay the same downcall costs.</li>
 * <li>{@link io.h5image.bench.H5ImageBench}: h5image as a caller uses it, image templates on.</li>
 * <li>{@link io.h5image.bench.H5ImageColdBench}: the same with templates off, so every call goes
 * through libhdf5; this is what the first image of a shape costs.</li>
 * <li>{@link io.h5image.bench.Report}: turns JMH's JSON into the Markdown table.</li>
 * </ul>
 * Run everything with {@code bin/bench} ({@code --quick} for a smoke run).
 */
package io.h5image.bench;
