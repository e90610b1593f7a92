/** A user's application: requiring io.h5image is all it takes, and exporting the package of its records to it. */
module app {
    requires io.h5image;
    exports app to io.h5image;
}
