package io.h5image.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;

/**
 * Keeps a caller's memory from being freed while libhdf5 reads it.
 * <p>
 * libhdf5 keeps the raw address of an image it opened in place and reads it on later calls that
 * are not handed the segment, so the JDK cannot see those reads: a shared arena closed on another
 * thread meanwhile would have libhdf5 read freed memory (this was reproduced: it surfaced as "wrong
 * B-tree signature"). The JDK does protect a segment that is an <em>argument</em> of a downcall: its
 * arena cannot close until the call returns ("Session is acquired by 1 clients"). So the work runs
 * inside a downcall that takes the segment: C's {@code bsearch} over one element, which calls its
 * comparator exactly once, and the comparator is an upcall that does the work. For the duration,
 * closing the arena fails on the closing thread; before and after, a closed arena fails here with
 * the JDK's {@link IllegalStateException}, and a confined arena used from another thread with its
 * {@link WrongThreadException}, so libhdf5 never touches freed or foreign memory.
 * <p>
 * Cost: one downcall and one upcall, about 40 ns. Memory h5image owns (mapped files, native copies
 * of {@code byte[]} images, images it writes) needs no pin: it is only freed under the global lock.
 */
final class Pin {

    /** The work of the innermost pinned call on this thread, and what came of it. */
    private static final class Task {
        Supplier<?> work;
        Object result;
        Throwable failure;
    }

    private static final ThreadLocal<Task> CURRENT = ThreadLocal.withInitial(Task::new);

    /** Made on first use, after Hdf5 has loaded: downcall handles and upcall stubs are restricted methods. */
    private static final class Native {
        static final MethodHandle BSEARCH;
        static final MemorySegment COMPARE;
        static final MemorySegment ONE_ELEMENT = Arena.global().allocate(1);

        static {
            Linker linker = Linker.nativeLinker();
            BSEARCH = linker.downcallHandle(linker.defaultLookup().find("bsearch").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            try {
                MethodHandle compare = MethodHandles.lookup().findStatic(Pin.class, "compare",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
                COMPARE = linker.upcallStub(compare, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS), Arena.global());
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private Pin() {}

    /**
     * Runs {@code work} while {@code memory}'s arena cannot be closed. Throws the JDK's
     * {@link IllegalStateException} if it is already closed, {@link WrongThreadException} if it is
     * confined to another thread, and whatever {@code work} throws.
     */
    @SuppressWarnings("unchecked")
    static <T> T pinned(MemorySegment memory, Supplier<T> work) {
        if (!memory.isNative() || memory.scope() == Arena.global().scope()) return work.get();
        Task task = CURRENT.get();
        Supplier<?> outerWork = task.work;
        task.work = work;
        task.result = null;
        task.failure = null;
        try {
            MemorySegment ignored = (MemorySegment) Native.BSEARCH.invokeExact(memory, Native.ONE_ELEMENT, 1L, 1L,
                    Native.COMPARE);
        } catch (Throwable e) {
            task.work = outerWork;
            throw sneaky(e); // the JDK's refusal to pass the segment: closed, or confined elsewhere
        }
        Throwable failure = task.failure;
        Object result = task.result;
        task.work = outerWork;
        task.result = null;
        task.failure = null;
        if (failure != null) throw sneaky(failure);
        return (T) result;
    }

    /** The upcall: must never throw (that would end the JVM), so what the work throws is kept for later. */
    private static int compare(MemorySegment key, MemorySegment element) {
        Task task = CURRENT.get();
        try {
            task.result = task.work.get();
        } catch (Throwable e) {
            task.failure = e;
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
