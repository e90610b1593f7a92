package io.h5image;

/**
 * Something h5image hands out was used after the memory or file behind it was closed: for example
 * an {@link NdArray} view whose image's arena is closed. It is an {@link IllegalStateException},
 * like the JDK's own error for a closed arena, so one {@code catch} covers both; h5image translates
 * the JDK's error into this one wherever its own code meets it.
 */
public class AlreadyClosedException extends IllegalStateException {

    /**
     * Says what closed.
     *
     * @param message what was closed and what to do instead
     */
    public AlreadyClosedException(String message) {
        super(message);
    }

    /**
     * Translates the JDK's exception for the same condition.
     *
     * @param message what was closed and what to do instead
     * @param cause   the JDK's own closed-scope exception, when this translates one
     */
    public AlreadyClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
