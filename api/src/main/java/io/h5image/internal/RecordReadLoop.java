package io.h5image.internal;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop of a {@link RecordRows.Reader}. Never loaded as itself: {@link RecordRows#reader}
 * defines a hidden copy of this class per record type, with that type's read handle as class
 * data, so {@link #READ} is a constant the JIT inlines into the loop (no boxing, no argument array).
 */
final class RecordReadLoop implements RecordRows.Reader {

    private static final MethodHandle READ;

    static {
        try {
            READ = MethodHandles.classDataAt(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, MethodHandle.class, 0);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public List<Object> read(MemorySegment in, int count, long stride) {
        List<Object> out = new ArrayList<>(count);
        long at = 0;
        for (int i = 0; i < count; i++, at += stride) {
            try {
                out.add((Object) READ.invokeExact(in, at));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("making record [" + i + "] failed", e);
            }
        }
        return out;
    }
}
