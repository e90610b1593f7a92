package io.h5image.internal;

import io.h5image.AlreadyClosedException;

import java.lang.foreign.MemorySegment;

/**
 * Lucene's rule for closed memory: never pre-check and hope, but let the access fail and then say
 * what closed. The JDK reports an access to a closed arena as a bare {@link IllegalStateException};
 * where h5image's own code meets one, it becomes an {@link AlreadyClosedException} naming the
 * resource, so one condition has one type.
 */
public final class ClosedScopes {

    private ClosedScopes() {}

    /** Throws {@link AlreadyClosedException} for {@code segment} if its memory is gone. */
    public static void requireAlive(MemorySegment segment, String what) {
        if (!segment.scope().isAlive()) throw closed(what, null);
    }

    /**
     * What to throw for {@code failure}, raised while using {@code segment}: the closed-resource
     * exception if the memory is gone (the JDK's error was about that), else {@code failure} itself.
     */
    public static RuntimeException translate(RuntimeException failure, MemorySegment segment, String what) {
        if (failure instanceof AlreadyClosedException || segment.scope().isAlive()) return failure;
        return closed(what, failure);
    }

    private static AlreadyClosedException closed(String what, RuntimeException cause) {
        return new AlreadyClosedException(what + " is closed: the arena that owned its memory was closed, so the memory"
                + " is gone. Copy what you need (toArray(), or MemorySegment.copy) before closing the arena.", cause);
    }
}
