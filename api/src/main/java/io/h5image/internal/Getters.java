package io.h5image.internal;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Record accessors as generated lambdas: a loop that calls one through a field the JIT can inline,
 * where a {@link MethodHandle} held in a field (not a constant) costs an indirect call and boxing
 * per element. Made with {@link LambdaMetafactory} (no bytecode library); when the JDK refuses
 * (a record whose package is not exported to io.h5image), a plain method-handle call stands in.
 */
final class Getters {
    private Getters() {}

    interface OfDouble { double get(Object record); }
    interface OfFloat { float get(Object record); }
    interface OfLong { long get(Object record); }
    interface OfInt { int get(Object record); }
    interface OfShort { short get(Object record); }
    interface OfByte { byte get(Object record); }
    interface OfBoolean { boolean get(Object record); }

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /** A getter of the interface for primitive {@code kind}, calling {@code accessor}. */
    static Object of(MethodHandle accessor, Class<?> kind, Class<?> recordType) {
        Class<?> face = kind == double.class ? OfDouble.class : kind == float.class ? OfFloat.class
                : kind == long.class ? OfLong.class : kind == int.class ? OfInt.class : kind == short.class ? OfShort.class
                : kind == byte.class ? OfByte.class : OfBoolean.class;
        try {
            Getters.class.getModule().addReads(recordType.getModule());
            CallSite site = LambdaMetafactory.metafactory(LOOKUP, "get", MethodType.methodType(face),
                    MethodType.methodType(kind, Object.class), accessor, MethodType.methodType(kind, recordType));
            return site.getTarget().invoke();
        } catch (Throwable refused) {
            return fallback(accessor, kind);
        }
    }

    private static Object fallback(MethodHandle accessor, Class<?> kind) {
        MethodHandle generic = accessor.asType(MethodType.methodType(kind, Object.class));
        if (kind == double.class) return (OfDouble) r -> invoke(() -> (double) generic.invokeExact(r));
        if (kind == float.class) return (OfFloat) r -> invoke(() -> (float) generic.invokeExact(r));
        if (kind == long.class) return (OfLong) r -> invoke(() -> (long) generic.invokeExact(r));
        if (kind == int.class) return (OfInt) r -> invoke(() -> (int) generic.invokeExact(r));
        if (kind == short.class) return (OfShort) r -> invoke(() -> (short) generic.invokeExact(r));
        if (kind == byte.class) return (OfByte) r -> invoke(() -> (byte) generic.invokeExact(r));
        return (OfBoolean) r -> invoke(() -> (boolean) generic.invokeExact(r));
    }

    private interface Call<T> { T call() throws Throwable; }

    private static <T> T invoke(Call<T> call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
