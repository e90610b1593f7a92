package io.h5image.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A regular hyperslab of a dataset (HDF5's start, count and stride, one block per step), checked
 * against the dataset's dimensions when made. Over C-order data in memory it is a set of equal
 * runs of bytes: trailing axes taken whole merge into one run, so a slab along the first axis is
 * a single run (a slice, no copy) and any other slab is gathered run by run, in Java.
 */
record Slab(long[] start, long[] count, long[] stride, long[] dims) {

    /** What a read asks for, before the dataset's dimensions are known; a null stride steps by one. */
    record Request(long[] start, long[] count, long[] stride) {}

    /** Checks the slab against {@code dims}; a null {@code stride} steps by one. */
    static Slab of(long[] start, long[] count, long[] stride, long[] dims, String path) {
        int rank = dims.length;
        if (start == null || count == null) throw new NullPointerException("start and count are required");
        if (stride == null) {
            stride = new long[rank];
            Arrays.fill(stride, 1);
        }
        if (start.length != rank || count.length != rank || stride.length != rank) {
            throw new IllegalArgumentException("a slab of dataset '" + path + "' (shape " + Arrays.toString(dims) + ") needs "
                    + rank + " start, count and stride values, one per axis; got " + start.length + ", " + count.length
                    + " and " + stride.length);
        }
        for (int axis = 0; axis < rank; axis++) {
            long first = start[axis];
            long n = count[axis];
            long step = stride[axis];
            if (first < 0 || n < 0 || step < 1) {
                throw new IllegalArgumentException("axis " + axis + " of a slab of dataset '" + path + "': start " + first
                        + ", count " + n + ", stride " + step + " (start and count must be at least 0, stride at least 1)");
            }
            // The last index read, start + (count - 1) * stride, computed without overflow.
            boolean fits = n == 0 ? first <= dims[axis]
                    : first < dims[axis] && (n - 1) <= (dims[axis] - 1 - first) / step;
            if (!fits) {
                throw new IndexOutOfBoundsException("axis " + axis + " of a slab of dataset '" + path + "': start " + first
                        + ", count " + n + ", stride " + step + " reaches past its length " + dims[axis]);
            }
        }
        return new Slab(start.clone(), count.clone(), stride.clone(), dims.clone());
    }

    /**
     * The slab as runs over C-order data of {@code elementBytes}-byte elements: {@code run} bytes
     * each, {@code runs} of them, the first at byte {@code first}.
     */
    record Runs(long first, long run, long runs, int outerAxes, long elementBytes) {}

    Runs runs(long elementBytes) {
        int rank = dims.length;
        long run = elementBytes;
        int merged = rank; // axes merged..rank-1 form one run
        for (int axis = rank - 1; axis >= 0; axis--) {
            if (count[axis] != 1 && stride[axis] != 1) break;
            run *= count[axis];
            merged = axis;
            if (start[axis] != 0 || count[axis] != dims[axis]) break; // a partial axis ends the run
        }
        long runs = 1;
        for (int axis = 0; axis < merged; axis++) runs *= count[axis];
        return new Runs(offset(new long[merged], merged, elementBytes), run, runs, merged, elementBytes);
    }

    /** Copies the slab, as {@code runs} of it, out of {@code data} (C order) into {@code out}, run by run. */
    void gather(Runs runs, MemorySegment data, MemorySegment out) {
        if (runs.run() == 0 || runs.runs() == 0) return;
        int outer = runs.outerAxes();
        long[] index = new long[outer];
        long at = 0;
        long elementBytes = runs.elementBytes();
        for (long r = 0; r < runs.runs(); r++) {
            MemorySegment.copy(data, offset(index, outer, elementBytes), out, at, runs.run());
            at += runs.run();
            for (int axis = outer - 1; axis >= 0 && ++index[axis] == count[axis]; axis--) index[axis] = 0;
        }
    }

    /** Byte offset of the run at {@code index} (steps along the outer axes); merged axes start at their start. */
    private long offset(long[] index, int outer, long elementBytes) {
        long offset = 0;
        long axisBytes = elementBytes;
        for (int axis = dims.length - 1; axis >= 0; axis--) {
            long position = axis < outer ? start[axis] + index[axis] * stride[axis] : start[axis];
            offset += position * axisBytes;
            axisBytes *= dims[axis];
        }
        return offset;
    }

    /** Selects the slab in a copy of {@code space}, for libhdf5 to read; the caller closes it. */
    Handle select(long space, Arena arena, String path) {
        Handle selected = Handle.of(H5Scopy(space), Handle.Kind.DATASPACE, "H5Scopy('" + path + "')");
        try {
            if (dims.length > 0) {
                Hdf5.check(H5Sselect_hyperslab(selected.id(), H5S_SELECT_SET(), arena.allocateFrom(ValueLayout.JAVA_LONG, start),
                        arena.allocateFrom(ValueLayout.JAVA_LONG, stride), arena.allocateFrom(ValueLayout.JAVA_LONG, count),
                        MemorySegment.NULL), "H5Sselect_hyperslab('" + path + "')");
            }
            return selected;
        } catch (RuntimeException e) {
            selected.close();
            throw e;
        }
    }

    /** The memory dataspace the slab is read into: its counts, C order. */
    Handle memorySpace(Arena arena, String path) {
        if (dims.length == 0) return Handle.of(H5Screate(H5S_SCALAR()), Handle.Kind.DATASPACE, "H5Screate(scalar)");
        return Handle.of(H5Screate_simple(dims.length, arena.allocateFrom(ValueLayout.JAVA_LONG, count), MemorySegment.NULL),
                Handle.Kind.DATASPACE, "H5Screate_simple('" + path + "' slab)");
    }
}
