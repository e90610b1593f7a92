package io.h5image;

/**
 * A Java value h5image cannot store was passed in (a {@code String} to {@link H5Image#serialize},
 * a {@code char[]}, an {@code Object[]}): a caller's mistake, so an {@link IllegalArgumentException}.
 * Contrast {@link UnsupportedTypeException}, for HDF5 data in an image that h5image cannot read.
 */
public class UnsupportedValueException extends IllegalArgumentException {

    private final transient Class<?> valueType;

    /**
     * Names the refused value's type.
     *
     * @param message   what was passed and what h5image takes instead
     * @param valueType the class of the value that was refused
     */
    public UnsupportedValueException(String message, Class<?> valueType) {
        super(message);
        this.valueType = valueType;
    }

    /** {@return the class of the value that was refused} */
    public Class<?> valueType() {
        return valueType;
    }
}
