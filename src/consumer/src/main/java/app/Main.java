package app;

import io.h5image.H5File;
import io.h5image.H5Image;
import io.h5image.NativeLibraryException;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * A round trip, as the README's first example, and records through an H5File (a type made for the
 * user's record, from the user's module): exit 0 and "round trip OK" when the values come back.
 */
public final class Main {
    public record Point(double x, double y, int id) {}

    public static void main(String[] args) {
        try {
            double[][] values = {{1.5, 2.5, 3.5}, {4.5, 5.5, 6.5}};
            MemorySegment image = H5Image.serialize(values);
            NdArray back = H5Image.deserialize(image);
            List<Point> points = List.of(new Point(1, 2, 3), new Point(4, 5, 6));
            byte[] file;
            try (H5File out = H5File.create()) {
                out.createDataset("points", points);
                file = out.toBytes();
            }
            List<Point> pointsBack;
            try (H5File in = H5File.open(file)) {
                pointsBack = in.dataset("points").readRecords(Point.class);
            }
            boolean equal = Arrays.deepEquals(values, (double[][]) back.toArray()) && points.equals(pointsBack);
            System.out.println((equal ? "round trip OK: " : "round trip WRONG: ") + back + " via libhdf5 "
                    + H5Image.library().version() + " (" + (Main.class.getModule().isNamed() ? "module path" : "class path") + ")");
            System.exit(equal ? 0 : 1);
        } catch (NativeLibraryException e) {
            System.out.println("NativeLibraryException: " + e.getMessage());
            System.exit(3);
        }
    }
}
