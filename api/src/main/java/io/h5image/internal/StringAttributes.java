package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Variable-length string attributes of an image opened from bytes, read in Java: the attribute
 * message found in its object's header, its heap references decoded by {@link GlobalHeap}. libhdf5
 * crashed ({@code free} of a bad pointer) and hung ({@code H5HG__protect}) reading such attributes
 * from corrupt images in our fuzzing; here every size and offset is checked first.
 * <p>
 * Only attributes stored in the header itself (compact storage) are found this way; an attribute
 * in dense storage (a fractal heap, used past 8 attributes on a version 2 header) is not, and the
 * caller reads that one through libhdf5.
 */
final class StringAttributes {
    private StringAttributes() {}

    private static final int ATTRIBUTE = 0x0C;
    private static final int VARIABLE_LENGTH = 9;
    /** The attribute's message, in a form this reader does not take apart (shared parts, newer versions): libhdf5 reads it. */
    private static final String[] LEAVE_TO_LIBHDF5 = new String[0];

    /**
     * The strings of attribute {@code name} of the object whose header, already checked, is at
     * {@code header} (as libhdf5 reports addresses); null if the attribute is not in the header.
     */
    static String[] read(ObjectHeaders.Checker checker, long header, String name, long limit, String where) {
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        String[][] found = new String[1][];
        ObjectHeaders.messages(checker, header, where, (type, at, size) -> {
            if (type != ATTRIBUTE) return true;
            found[0] = decode(checker.heap(), image, at, size, wanted, addresses.lengthSize(), limit, where);
            return found[0] == null;
        });
        return found[0] == LEAVE_TO_LIBHDF5 ? null : found[0];
    }

    /** The strings of one attribute message if it is the one named {@code wanted}; null if it is another. */
    private static String[] decode(GlobalHeap heap, MemorySegment image, long at, long size, byte[] wanted, int lengthSize,
                                   long limit, String where) {
        if (size < 8) throw corrupt(where, "an attribute message of " + size + " bytes");
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        if (version < 1 || version > 3) return LEAVE_TO_LIBHDF5;
        int flags = version == 1 ? 0 : image.get(ValueLayout.JAVA_BYTE, at + 1);
        long nameSize = LittleEndian.unsigned(image, at + 2, 2);
        long typeSize = LittleEndian.unsigned(image, at + 4, 2);
        long spaceSize = LittleEndian.unsigned(image, at + 6, 2);
        long p = at + (version == 3 ? 9 : 8);
        long end = at + size;
        if (nameSize < 1 || p + nameSize > end) throw corrupt(where, "an attribute name running past its message");
        if (nameSize - 1 != wanted.length
                || !Arrays.equals(image.asSlice(p, wanted.length).toArray(ValueLayout.JAVA_BYTE), wanted)) {
            return null;
        }
        p += version == 1 ? pad8(nameSize) : nameSize;
        if ((flags & 3) != 0) return LEAVE_TO_LIBHDF5; // a shared (committed) datatype or dataspace
        long typeAt = p;
        p += version == 1 ? pad8(typeSize) : typeSize;
        long spaceAt = p;
        p += version == 1 ? pad8(spaceSize) : spaceSize;
        if (typeSize < 8 || spaceSize < 4 || p > end) throw corrupt(where, "a datatype or dataspace running past its message");
        int typeClass = image.get(ValueLayout.JAVA_BYTE, typeAt) & 0x0f;
        int classBits = image.get(ValueLayout.JAVA_BYTE, typeAt + 1) & 0x0f;
        if (typeClass != VARIABLE_LENGTH || classBits != 1) throw unsupported(where, "a stored type that is not a variable-length string");
        Charset charset = (image.get(ValueLayout.JAVA_BYTE, typeAt + 2) & 0x0f) == 1 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
        long count = count(image, spaceAt, spaceSize, lengthSize, where);
        if (count < 0) return LEAVE_TO_LIBHDF5;
        long reference = heap.referenceSize();
        if (count > (end - p) / reference) throw corrupt(where, count + " strings in " + (end - p) + " bytes of data");
        if (count > Integer.MAX_VALUE - 8) throw corrupt(where, count + " strings, more than a Java array holds");
        return heap.strings(p, count, charset, limit, where);
    }

    /** The elements of a dataspace message: 1 for a scalar, 0 for null, else the product of the dimensions; -1 for a version it does not know. */
    private static long count(MemorySegment image, long at, long size, int lengthSize, String where) {
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        long dims;
        if (version == 1) {
            dims = at + 8;
        } else if (version == 2) {
            int kind = image.get(ValueLayout.JAVA_BYTE, at + 3);
            if (kind == 0) return 1;
            if (kind == 2) return 0;
            dims = at + 4;
        } else {
            return -1;
        }
        if (rank > 32 || dims + (long) rank * lengthSize > at + size) throw corrupt(where, "a dataspace of rank " + rank + " running past its message");
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long d = LittleEndian.unsigned(image, dims + (long) i * lengthSize, lengthSize);
            if (d < 0 || d != 0 && count > Long.MAX_VALUE / d) throw corrupt(where, "a dataspace with more elements than a long holds");
            count *= d;
        }
        return count;
    }

    private static long pad8(long n) {
        return (n + 7) & ~7L;
    }

    private static InvalidImageException corrupt(String where, String what) {
        return new InvalidImageException(where + " has " + what + ": the image is corrupt");
    }

    private static InvalidImageException unsupported(String where, String what) {
        // libhdf5 said this attribute is a variable-length string; its message says otherwise.
        return new InvalidImageException(where + " is a variable-length string to libhdf5 but its message holds " + what
                + ": the image is corrupt or uses a layout h5image does not read");
    }
}
