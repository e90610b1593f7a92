package io.h5image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A selection of a dataset's elements, as a region reference stores it: everything, nothing,
 * a list of points, or hyperslab blocks. Coordinates are C-order element indices.
 */
public sealed interface Selection permits Selection.All, Selection.None, Selection.Points, Selection.Blocks {

    /** {@return the rank of the coordinates (0 for {@link All} and {@link None}, which have none)} */
    int rank();

    /** Every element. */
    record All() implements Selection {
        @Override
        public int rank() {
            return 0;
        }
    }

    /** No element. */
    record None() implements Selection {
        @Override
        public int rank() {
            return 0;
        }
    }

    /**
     * Single elements, in the order they were selected.
     *
     * @param coordinates one {@code long[rank]} per point
     */
    record Points(List<long[]> coordinates) implements Selection {
        /** Copies the coordinates. */
        public Points {
            coordinates = deepCopy(coordinates);
        }

        /** {@return the coordinates of each point (copies)} */
        @Override
        public List<long[]> coordinates() {
            return deepCopy(coordinates);
        }

        @Override
        public int rank() {
            return coordinates.isEmpty() ? 0 : coordinates.getFirst().length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Points p && sameCoordinates(p.coordinates, coordinates);
        }

        @Override
        public int hashCode() {
            return coordinates.stream().mapToInt(Arrays::hashCode).reduce(1, (a, b) -> 31 * a + b);
        }

        @Override
        public String toString() {
            return "Points" + coordinates.stream().map(Arrays::toString).toList();
        }
    }

    /**
     * A hyperslab as blocks: each block is the box between two corners, both included (as
     * libhdf5's {@code H5Sget_select_hyper_blocklist} gives them). A regular hyperslab (start,
     * stride, count, block) is expanded into its blocks, in C order.
     *
     * @param starts the first corner of each block
     * @param ends   the last corner of each block
     */
    record Blocks(List<long[]> starts, List<long[]> ends) implements Selection {
        /** Copies the corners and checks that they pair up. */
        public Blocks {
            if (starts.size() != ends.size()) throw new IllegalArgumentException(starts.size() + " starts but " + ends.size() + " ends");
            starts = deepCopy(starts);
            ends = deepCopy(ends);
        }

        /** {@return the first corner of each block (copies)} */
        @Override
        public List<long[]> starts() {
            return deepCopy(starts);
        }

        /** {@return the last corner of each block (copies)} */
        @Override
        public List<long[]> ends() {
            return deepCopy(ends);
        }

        @Override
        public int rank() {
            return starts.isEmpty() ? 0 : starts.getFirst().length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Blocks b && sameCoordinates(b.starts, starts) && sameCoordinates(b.ends, ends);
        }

        @Override
        public int hashCode() {
            return starts.stream().mapToInt(Arrays::hashCode).reduce(ends.size(), (a, b) -> 31 * a + b);
        }

        @Override
        public String toString() {
            List<String> blocks = new ArrayList<>();
            for (int i = 0; i < starts.size(); i++) blocks.add(Arrays.toString(starts.get(i)) + "-" + Arrays.toString(ends.get(i)));
            return "Blocks" + blocks;
        }
    }

    private static List<long[]> deepCopy(List<long[]> coordinates) {
        List<long[]> copy = new ArrayList<>(coordinates.size());
        for (long[] c : coordinates) copy.add(c.clone());
        return java.util.Collections.unmodifiableList(copy);
    }

    private static boolean sameCoordinates(List<long[]> a, List<long[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }
}
