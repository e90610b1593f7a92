package io.h5image;

/** The memory an {@link NdArray} views was released: the arena that owned the image is closed. */
public class ImageClosedException extends H5Exception {
    public ImageClosedException(String message) {
        super(message);
    }
}
