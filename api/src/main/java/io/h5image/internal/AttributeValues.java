package io.h5image.internal;

import io.h5image.DType;
import io.h5image.InvalidImageException;
import io.h5image.NdArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Attribute values of an image opened from bytes, read in Java from the attribute's message (in its
 * object's header, or in the object's checked attribute heap; {@link ObjectIndex} finds it):
 * variable-length strings, their heap references decoded by {@link GlobalHeap}, and the standard
 * integers and IEEE floats. libhdf5 crashed ({@code free} of a bad pointer) and hung
 * ({@code H5HG__protect}) reading string attributes from corrupt images in our fuzzing; here every
 * size and offset is checked first. Reading numbers here also spares the seven libhdf5 calls an
 * attribute read takes there (open, type, space, read, closes), most of the cost of walking a file.
 * <p>
 * Any other type, or a message in a form this reader does not take apart (shared datatypes,
 * versions it does not know), is left to libhdf5: the caller reads it there.
 */
final class AttributeValues {
    private AttributeValues() {}

    private static final int FIXED_POINT = 0;
    private static final int FLOATING_POINT = 1;
    private static final int VARIABLE_LENGTH = 9;

    /**
     * The value of {@code attribute}, as {@link StoredValues#attribute} gives it (a String or String[], a
     * boxed number or a primitive array); null where libhdf5 should read it.
     */
    static Object read(ObjectHeaders.Checker checker, ObjectIndex.Attribute attribute, long limit, String where) {
        MemorySegment image = checker.image();
        long at = attribute.at();
        long size = attribute.size();
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int flags = version == 1 ? 0 : image.get(ValueLayout.JAVA_BYTE, at + 1);
        if ((flags & 3) != 0) return null; // a shared (committed) datatype or dataspace
        long nameSize = LittleEndian.unsigned(image, at + 2, 2);
        long typeSize = LittleEndian.unsigned(image, at + 4, 2);
        long spaceSize = LittleEndian.unsigned(image, at + 6, 2);
        long p = at + (version == 3 ? 9 : 8); // ObjectIndex checked the version and the name
        p += version == 1 ? pad8(nameSize) : nameSize;
        long typeAt = p;
        p += version == 1 ? pad8(typeSize) : typeSize;
        long spaceAt = p;
        p += version == 1 ? pad8(spaceSize) : spaceSize;
        long end = at + size;
        if (typeSize < 8 || spaceSize < 4 || p > end) throw corrupt(where, "a datatype or dataspace running past its message");
        long[] shape = shape(image, spaceAt, spaceSize, checker.addresses().lengthSize(), where);
        if (shape == null) return null;
        long count = 1;
        for (long d : shape) count = Math.multiplyHigh(count, d) != 0 ? -1 : count * d;
        if (count < 0) throw corrupt(where, "a dataspace with more elements than a long holds");
        int typeClass = image.get(ValueLayout.JAVA_BYTE, typeAt) & 0x0f;
        if (typeClass == VARIABLE_LENGTH) {
            return strings(checker.heap(), image, typeAt, p, end, count, shape, limit, where);
        }
        Standard standard = standard(image, typeAt, typeSize, typeClass);
        if (standard == null) return null;
        long bytes = count > Long.MAX_VALUE / standard.dtype().size() ? -1 : count * standard.dtype().size();
        if (bytes < 0 || bytes > end - p) throw corrupt(where, count + " values of " + standard.dtype().size() + " bytes in "
                + (end - p) + " bytes of data");
        if (bytes > limit) {
            throw new InvalidImageException(where + " would decode to " + bytes + " bytes, over the limit of " + limit
                    + " bytes; raise -Dh5image.maxDecodedBytes to read it");
        }
        Shapes.requireJavaArrays(shape, limit, where);
        return NdArray.of(image.asSlice(p, bytes), standard.dtype(), standard.order(), shape).toArray();
    }

    /**
     * The data of {@code attribute} as its message stores it (the file's form: a variable-length
     * part or reference is a heap reference or an address), after its name, datatype and dataspace
     * (each field's size is in the message, whether it holds the type or space or a shared message's
     * address).
     */
    static MemorySegment data(ObjectHeaders.Checker checker, ObjectIndex.Attribute attribute, String where) {
        MemorySegment image = checker.image();
        long at = attribute.at();
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        long nameSize = LittleEndian.unsigned(image, at + 2, 2);
        long typeSize = LittleEndian.unsigned(image, at + 4, 2);
        long spaceSize = LittleEndian.unsigned(image, at + 6, 2);
        long p = at + (version == 3 ? 9 : 8);
        p += version == 1 ? pad8(nameSize) + pad8(typeSize) + pad8(spaceSize) : nameSize + typeSize + spaceSize;
        long end = at + attribute.size();
        if (p > end) throw corrupt(where, "a datatype or dataspace running past its message");
        return image.asSlice(p, end - p);
    }

    private static Object strings(GlobalHeap heap, MemorySegment image, long typeAt, long data, long end, long count, long[] shape,
                                  long limit, String where) {
        int classBits = image.get(ValueLayout.JAVA_BYTE, typeAt + 1) & 0x0f;
        if (classBits != 1 || shape.length > 1) return null; // a sequence, not a string; or strings of a shape the general decoder gives
        Charset charset = (image.get(ValueLayout.JAVA_BYTE, typeAt + 2) & 0x0f) == 1 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
        long reference = heap.referenceSize();
        if (count > (end - data) / reference) throw corrupt(where, count + " strings in " + (end - data) + " bytes of data");
        if (count > Integer.MAX_VALUE - 8) throw corrupt(where, count + " strings, more than a Java array holds");
        String[] strings = heap.strings(data, count, charset, limit, where);
        return shape.length == 0 && strings.length == 1 ? strings[0] : strings;
    }

    /** A type h5image maps to a {@link DType}, and its byte order. */
    private record Standard(DType dtype, ByteOrder order) {}

    /**
     * The standard integer or IEEE float a datatype message describes (as TypeMap.classify accepts
     * them from libhdf5: full precision, no offset or padding bits); null for anything else.
     */
    private static Standard standard(MemorySegment image, long at, long typeSize, int typeClass) {
        int version = (image.get(ValueLayout.JAVA_BYTE, at) >> 4) & 0x0f;
        int bits = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        int bits2 = image.get(ValueLayout.JAVA_BYTE, at + 2) & 0xff;
        long size = LittleEndian.unsigned(image, at + 4, 4);
        ByteOrder order = (bits & 1) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (version < 1 || version > 4 || image.get(ValueLayout.JAVA_BYTE, at + 3) != 0) return null;
        if (typeClass == FIXED_POINT) {
            if ((bits & 0x06) != 0 || bits2 != 0 || typeSize < 12) return null; // padding bits set
            long offset = LittleEndian.unsigned(image, at + 8, 2);
            long precision = LittleEndian.unsigned(image, at + 10, 2);
            if (offset != 0 || precision != 8 * size) return null;
            boolean signed = (bits & 0x08) != 0;
            for (DType dtype : DType.values()) {
                if (dtype != DType.BOOL && !dtype.isFloatingPoint() && dtype.size() == size && dtype.isUnsigned() != signed) {
                    return new Standard(dtype, order);
                }
            }
            return null;
        }
        if (typeClass == FLOATING_POINT) {
            // Byte order bit 0 with bit 6 clear (bit 6 set is VAX order), no padding, mantissa normalized with an implied 1.
            if ((bits & 0x4e) != 0 || (bits & 0x30) != 0x20 || typeSize < 20) return null;
            long offset = LittleEndian.unsigned(image, at + 8, 2);
            long precision = LittleEndian.unsigned(image, at + 10, 2);
            int exponentAt = image.get(ValueLayout.JAVA_BYTE, at + 12) & 0xff;
            int exponentSize = image.get(ValueLayout.JAVA_BYTE, at + 13) & 0xff;
            int mantissaAt = image.get(ValueLayout.JAVA_BYTE, at + 14) & 0xff;
            int mantissaSize = image.get(ValueLayout.JAVA_BYTE, at + 15) & 0xff;
            long bias = LittleEndian.unsigned(image, at + 16, 4);
            if (offset != 0 || mantissaAt != 0 || bits2 != (size == 4 ? 31 : 63)) return null; // sign bit position
            if (size == 4 && precision == 32 && exponentAt == 23 && exponentSize == 8 && mantissaSize == 23 && bias == 127) {
                return new Standard(DType.FLOAT32, order);
            }
            if (size == 8 && precision == 64 && exponentAt == 52 && exponentSize == 11 && mantissaSize == 52 && bias == 1023) {
                return new Standard(DType.FLOAT64, order);
            }
        }
        return null;
    }

    /** The dimensions of a dataspace message: none for a scalar; null for a null dataspace or a version it does not know. */
    private static long[] shape(MemorySegment image, long at, long size, int lengthSize, String where) {
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        long dims;
        if (version == 1) {
            dims = at + 8;
        } else if (version == 2) {
            int kind = image.get(ValueLayout.JAVA_BYTE, at + 3);
            if (kind == 0) return new long[0];
            if (kind != 1) return null;
            dims = at + 4;
        } else {
            return null;
        }
        if (rank > 32 || dims + (long) rank * lengthSize > at + size) throw corrupt(where, "a dataspace of rank " + rank + " running past its message");
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = LittleEndian.unsigned(image, dims + (long) i * lengthSize, lengthSize);
            if (shape[i] < 0) throw corrupt(where, "a dimension of more elements than a long holds");
        }
        return shape;
    }

    private static long pad8(long n) {
        return (n + 7) & ~7L;
    }

    private static InvalidImageException corrupt(String where, String what) {
        return new InvalidImageException(where + " has " + what + ": the image is corrupt");
    }
}
