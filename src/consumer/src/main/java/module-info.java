/** A user's application: requiring io.h5image is all it takes. */
module app {
    requires io.h5image;
}
