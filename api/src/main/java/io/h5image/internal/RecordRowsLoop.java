package io.h5image.internal;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * The loop of a {@link RecordRows.Writer}. Never loaded as itself: {@link RecordRows#writer}
 * defines a hidden copy of this class per record type, with that type's row handle as class data,
 * so {@link #ROW} is a constant the JIT inlines into the loop.
 */
final class RecordRowsLoop implements RecordRows.Writer {

    private static final MethodHandle ROW;
    private static final Class<?> TYPE;

    static {
        try {
            MethodHandles.Lookup self = MethodHandles.lookup();
            ROW = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, MethodHandle.class, 0);
            TYPE = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, Class.class, 1);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void write(List<?> records, MemorySegment out, long at, long stride) {
        for (int i = 0, n = records.size(); i < n; i++, at += stride) {
            Object record = records.get(i);
            if (record == null) throw new IllegalArgumentException("record [" + i + "] is null");
            if (record.getClass() != TYPE) {
                throw new IllegalArgumentException("record [" + i + "] is a " + record.getClass().getName()
                        + "; the records of one dataset must all be " + TYPE.getName());
            }
            try {
                ROW.invokeExact(record, out, at);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("record [" + i + "]: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("reading record [" + i + "] of " + TYPE.getName() + " failed", e);
            }
        }
    }
}
