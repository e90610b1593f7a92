package app;

import io.h5image.H5Image;
import io.h5image.NativeLibraryException;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** A round trip, as the README's first example: exit 0 and "round trip OK" when the values come back. */
public final class Main {
    public static void main(String[] args) {
        try {
            double[][] values = {{1.5, 2.5, 3.5}, {4.5, 5.5, 6.5}};
            MemorySegment image = H5Image.serialize(values);
            NdArray back = H5Image.deserialize(image);
            boolean equal = Arrays.deepEquals(values, (double[][]) back.toArray());
            System.out.println((equal ? "round trip OK: " : "round trip WRONG: ") + back + " via libhdf5 "
                    + H5Image.library().version() + " (" + (Main.class.getModule().isNamed() ? "module path" : "class path") + ")");
            System.exit(equal ? 0 : 1);
        } catch (NativeLibraryException e) {
            System.out.println("NativeLibraryException: " + e.getMessage());
            System.exit(3);
        }
    }
}
