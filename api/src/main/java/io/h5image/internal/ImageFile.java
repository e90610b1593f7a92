package io.h5image.internal;

import io.h5image.H5LibraryException;
import io.h5image.InvalidImageException;
import io.h5image.bindings.H5L_elink_traverse_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

import static io.h5image.bindings.hdf5_h.*;

/**
 * An image opened by libhdf5 in place ({@code H5LTopen_file_image(DONT_COPY | DONT_RELEASE)}:
 * libhdf5 reads the caller's memory and never frees it), with external links refused. An image
 * comes from elsewhere: following a link to another file would read the local disk (any file the
 * image names, even a FIFO that blocks forever). Callers hold the lock.
 */
final class ImageFile implements AutoCloseable {

    /** Made on first use, under the lock: an upcall stub is a restricted method, and denied native access must surface from Hdf5. */
    private static final class Callbacks {
        static final MemorySegment REFUSE_EXTERNAL_LINKS = H5L_elink_traverse_t.allocate(ImageFile::refuse, Hdf5.GLOBAL);
    }
    /** The link the callback refused on this thread, for the error message. */
    private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();
    private static final AtomicLong DIAGNOSE_NAMES = new AtomicLong();

    private final Handle file;
    private final Handle datasetAccess;
    private final Handle linkAccess;

    private ImageFile(Handle file, Handle datasetAccess, Handle linkAccess) {
        this.file = file;
        this.datasetAccess = datasetAccess;
        this.linkAccess = linkAccess;
    }

    /** Opens {@code nativeImage}, or throws {@link InvalidImageException} with libhdf5's reason. */
    static ImageFile open(MemorySegment nativeImage) {
        long id = H5LTopen_file_image(nativeImage, nativeImage.byteSize(), H5LT_FILE_IMAGE_DONT_COPY() | H5LT_FILE_IMAGE_DONT_RELEASE());
        if (id < 0) {
            Hdf5.takeErrorStack();
            H5LibraryException cause = diagnose(nativeImage);
            throw new InvalidImageException("cannot open the " + nativeImage.byteSize() + "-byte image: "
                    + (cause.errorStack().isEmpty() ? "libhdf5 gave no reason" : cause.errorStack().getLast().summary())
                    + " (truncated or corrupt?)", cause);
        }
        Handle file = Handle.of(id, Handle.Kind.FILE, "H5LTopen_file_image");
        Handle dapl = null;
        try {
            dapl = refusingExternalLinks(H5P_CLS_DATASET_ACCESS_ID_g(), "dataset access");
            return new ImageFile(file, dapl, refusingExternalLinks(H5P_CLS_LINK_ACCESS_ID_g(), "link access"));
        } catch (RuntimeException e) {
            if (dapl != null) dapl.close();
            file.close();
            throw e;
        }
    }

    private static Handle refusingExternalLinks(long propertyClass, String what) {
        Handle list = Handle.of(H5Pcreate(propertyClass), Handle.Kind.PROPERTY_LIST, "H5Pcreate(" + what + ")");
        try {
            Hdf5.check(H5Pset_elink_cb(list.id(), Callbacks.REFUSE_EXTERNAL_LINKS, MemorySegment.NULL), "H5Pset_elink_cb");
            return list;
        } catch (RuntimeException e) {
            list.close();
            throw e;
        }
    }

    long id() {
        return file.id();
    }

    /** The dataset at {@code path}; a path through an external link is refused. */
    Handle openDataset(String path, Arena arena) {
        REFUSED.remove();
        long id = H5Dopen2(file.id(), arena.allocateFrom(path), datasetAccess.id());
        if (id < 0) {
            String refused = REFUSED.get();
            if (refused != null) {
                REFUSED.remove();
                Hdf5.takeErrorStack();
                throw new InvalidImageException("refused: dataset path '" + path + "' crosses an external link to " + refused
                        + "; h5image reads only data inside the image");
            }
        }
        return Handle.of(id, Handle.Kind.DATASET, "open dataset '" + path + "' (H5Dopen2)");
    }

    /** The object {@code name} in {@code group}, or null when it cannot be opened (a dangling or external link). */
    Handle openObjectOrNull(long group, MemorySegment name) {
        long id = H5Oopen(group, name, linkAccess.id());
        if (id < 0) {
            REFUSED.remove();
            Hdf5.takeErrorStack();
            return null;
        }
        return Handle.of(id, Handle.Kind.OBJECT, "H5Oopen");
    }

    /** An upcall: records which link and refuses it (never throws). */
    private static int refuse(MemorySegment parentFile, MemorySegment parentGroup, MemorySegment childFile,
                              MemorySegment childObject, MemorySegment accessFlags, long fapl, MemorySegment data) {
        try {
            REFUSED.set("'" + Hdf5.string(childFile) + "' object '" + Hdf5.string(childObject) + "'");
        } catch (Throwable ignored) {
            // the refusal is what matters
        }
        return -1;
    }

    /**
     * H5LTopen_file_image cleans up after a failure with API calls that clear HDF5's error stack,
     * so the reason is lost. Opening a copy through the core driver's own file-image property
     * fails the same way and keeps the stack. Only on the failure path, where the copy is cheap.
     */
    private static H5LibraryException diagnose(MemorySegment image) {
        try (Arena arena = Arena.ofConfined();
             Handle fapl = Handle.of(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(file access)")) {
            Hdf5.check(H5Pset_fapl_core(fapl.id(), 65536, false), "H5Pset_fapl_core");
            Hdf5.check(H5Pset_file_image(fapl.id(), image, image.byteSize()), "H5Pset_file_image");
            long file = H5Fopen(arena.allocateFrom("h5image-diagnose-" + DIAGNOSE_NAMES.incrementAndGet()), H5F_ACC_RDONLY(), fapl.id());
            if (file >= 0) {
                H5Fclose(file);
                return new H5LibraryException("H5LTopen_file_image", java.util.List.of());
            }
            return Hdf5.failure("H5Fopen(image)");
        }
    }

    /** {@code image} itself when native; else a native copy in {@code arena} (libhdf5 keeps the pointer across calls). */
    static MemorySegment nativeImage(MemorySegment image, Arena arena) {
        if (image.isNative()) return image;
        MemorySegment copy = arena.allocate(image.byteSize(), CoreDriverMemory.ALIGNMENT);
        MemorySegment.copy(image, 0, copy, 0, image.byteSize());
        return copy;
    }

    @Override
    public void close() {
        linkAccess.close();
        datasetAccess.close();
        file.close();
    }
}
