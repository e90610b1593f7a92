package io.h5image.internal;

import io.h5image.H5Reference;
import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;

/**
 * Stored references to what they name, in Java, from the image's bytes: an object reference is
 * the target's header address, named by its path ({@link ObjectPaths}); a region reference names a
 * global heap object holding the dataset's address and its serialized selection ({@link
 * RegionSelections}). No reference reaches libhdf5, whose dereferencing would load whatever header
 * a crafted address names.
 */
final class ReferenceResolver {

    private final ObjectHeaders.Checker checker;

    ReferenceResolver(ObjectHeaders.Checker checker) {
        this.checker = checker;
    }

    /** The object at header {@code address} (relative); null for a null reference (address 0 or undefined). */
    H5Reference.ToObject object(long address, String where) {
        if (address == 0 || address == -1) return null;
        return new H5Reference.ToObject(path(address, where));
    }

    /** The region a region reference's heap object describes; null for a null reference (no heap object). */
    H5Reference.ToRegion region(MemorySegment heapObject, String where) {
        if (heapObject == null) return null;
        int offsetSize = checker.addresses().offsetSize();
        if (heapObject.byteSize() < offsetSize) {
            throw new InvalidImageException(where + " holds a region reference of " + heapObject.byteSize() + " bytes, too short"
                    + " for a dataset address: the image is corrupt");
        }
        long address = LittleEndian.unsigned(heapObject, 0, offsetSize);
        return new H5Reference.ToRegion(path(address, where),
                RegionSelections.parse(heapObject.asSlice(offsetSize), where + " region reference"));
    }

    private String path(long address, String where) {
        String path = checker.paths().path(address);
        if (path == null) {
            throw new InvalidImageException(where + " refers to the object at address " + Long.toUnsignedString(address)
                    + ", which no hard link of the file reaches: the reference is dangling or the image is corrupt");
        }
        return path;
    }
}
