package io.h5image;

import java.util.List;

/**
 * A libhdf5 call failed. The message names the h5image operation and carries HDF5's own error
 * stack (the API call first, the innermost cause last), so the failure can be understood without HDF5's stderr output.
 */
public class H5LibraryException extends H5Exception {
    /** The h5image operation that failed. */
    private final String operation;
    /** HDF5's error stack (records are not serializable: a deserialized copy keeps the message only). */
    private final transient List<H5ErrorRecord> stack;

    /**
     * Creates the exception from the captured error stack.
     *
     * @param operation the h5image operation that failed
     * @param stack     HDF5's error stack at the failure, outermost call first
     */
    public H5LibraryException(String operation, List<H5ErrorRecord> stack) {
        super(describe(operation, stack));
        this.operation = operation;
        this.stack = List.copyOf(stack);
    }

    /** {@return the h5image operation that failed, for example {@code H5Dopen2(dataset "data")}} */
    public String operation() {
        return operation;
    }

    /** {@return HDF5's error stack at the failure, outermost call first} */
    public List<H5ErrorRecord> errorStack() {
        return stack == null ? List.of() : stack;
    }

    static String describe(String operation, List<H5ErrorRecord> stack) {
        StringBuilder text = new StringBuilder(operation).append(" failed");
        if (stack.isEmpty()) {
            return text.append(" (libhdf5 left no error stack)").toString();
        }
        text.append(": ").append(stack.getLast().summary());
        text.append("\n  HDF5 error stack:");
        for (H5ErrorRecord record : stack) {
            text.append("\n    ").append(record);
        }
        return text.toString();
    }
}
