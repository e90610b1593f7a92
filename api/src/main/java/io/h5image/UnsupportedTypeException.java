package io.h5image;

/** A dataset or Java value has a type h5image cannot map (strings, compounds, Object[], ...). */
public class UnsupportedTypeException extends H5Exception {
    public UnsupportedTypeException(String message) {
        super(message);
    }
}
