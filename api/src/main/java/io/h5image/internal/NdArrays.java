package io.h5image.internal;

import io.h5image.DType;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Makes {@link NdArray}s that are views (its public factory only wraps caller memory). NdArray hands
 * its constructor over when its class initializes, the JDK's own "shared secrets" pattern, so the
 * constructor stays out of the public API.
 */
public final class NdArrays {

    /** NdArray's constructor. */
    public interface Factory {
        NdArray make(MemorySegment segment, DType dtype, long[] shape, ByteOrder order, boolean view);
    }

    private static volatile Factory factory;

    private NdArrays() {}

    /** Called once, by NdArray's static initializer. */
    public static void install(Factory made) {
        factory = made;
    }

    static NdArray of(ImageReader.Result read) {
        Factory make = factory;
        if (make == null) {
            try {
                Class.forName(NdArray.class.getName(), true, NdArray.class.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new IllegalStateException(impossible);
            }
            make = factory;
        }
        return make.make(read.segment(), read.dtype(), read.shape(), read.order(), read.view());
    }
}
