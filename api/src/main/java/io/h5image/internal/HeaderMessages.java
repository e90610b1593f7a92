package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The header messages libhdf5 decodes when it opens an object or one of its attributes, checked in
 * Java first (HDF5 file format spec, "Header Message" formats): datatype, dataspace, fill value
 * (old and new), data layout, filter pipeline, attribute, and comment. Every length a message gives
 * for what follows must fit inside the message.
 * <p>
 * Why: libhdf5 trusts these lengths. An enumeration whose size field was mutated from 1 to
 * 8,781,825 bytes made 1.10.8 copy that many bytes from a 40-byte message and crash the JVM
 * ({@code memcpy} in {@code H5O_dtype_decode}); version 1 object headers, h5py's default, carry no
 * checksum that would catch it. Where a message is valid, these checks change nothing.
 */
final class HeaderMessages {
    private HeaderMessages() {}

    static final int DATASPACE = 0x01;
    static final int DATATYPE = 0x03;
    static final int FILL_VALUE_OLD = 0x04;
    static final int FILL_VALUE = 0x05;
    static final int EXTERNAL_FILES = 0x07;
    static final int LAYOUT = 0x08;
    static final int FILTER_PIPELINE = 0x0B;
    static final int ATTRIBUTE = 0x0C;
    static final int COMMENT = 0x0D;

    /** libhdf5's H5S_MAX_RANK. */
    private static final int MAX_RANK = 32;
    /** Datatypes nest (compound members, array and sequence bases) no deeper than this. */
    private static final int MAX_NESTING = 64;
    /** libhdf5's H5Z_MAX_NFILTERS. */
    private static final int MAX_FILTERS = 32;

    /** Where a message lies, for errors: the object and the message. */
    private record Where(String object, String message) {}

    /**
     * Checks the message of {@code type} whose body is the {@code size} bytes at {@code at}; other
     * types pass. {@code shared}: the body refers to a message kept elsewhere (checked where it is).
     */
    static void check(MemorySegment image, Superblock.Addresses addresses, int type, boolean shared, long at, long size,
                      String object) {
        if (shared) return;
        long end = at + size;
        switch (type) {
            case DATATYPE -> datatype(image, at, end, 0, new Where(object, "its datatype"));
            case DATASPACE -> dataspace(image, addresses, at, end, new Where(object, "its dataspace"));
            case FILL_VALUE_OLD -> {
                Where where = new Where(object, "its fill value");
                need(image, at, 4, end, where);
                need(image, at + 4, Integer.toUnsignedLong(image.get(LittleEndian.INT, at)), end, where);
            }
            case FILL_VALUE -> fillValue(image, at, end, new Where(object, "its fill value"));
            case LAYOUT -> layout(image, addresses, at, end, new Where(object, "its data layout"));
            case FILTER_PIPELINE -> pipeline(image, at, end, new Where(object, "its filter pipeline"));
            case ATTRIBUTE -> attribute(image, addresses, at, end, new Where(object, "an attribute"));
            case COMMENT -> terminated(image, at, end, new Where(object, "its comment"));
            // libhdf5 decodes the list on open (slot counts unchecked, names from a local heap) and
            // then reads any local file it names: refused before it sees one.
            case EXTERNAL_FILES -> throw new InvalidImageException("refused: " + object + " keeps its data in external file(s);"
                    + " h5image reads only data inside the image");
            default -> { }
        }
    }

    /**
     * A datatype (recursively: compound members, enumeration, sequence and array bases) at {@code at};
     * returns where it ends. Class and version (1), class bits (3), size (4), then the class's properties.
     */
    private static long datatype(MemorySegment image, long at, long end, int depth, Where where) {
        if (depth > MAX_NESTING) throw corrupt(where, "nests types deeper than " + MAX_NESTING);
        need(image, at, 8, end, where);
        int classAndVersion = image.get(ValueLayout.JAVA_BYTE, at) & 0xff;
        int typeClass = classAndVersion & 0x0f;
        int version = classAndVersion >>> 4;
        if (version < 1 || version > 5) throw corrupt(where, "a datatype of version " + version);
        long bits = LittleEndian.bytes(image, at + 1, 3);
        long size = Integer.toUnsignedLong(image.get(LittleEndian.INT, at + 4));
        long p = at + 8;
        switch (typeClass) {
            case 0, 4 -> { // fixed-point, bitfield: bit offset (2), precision (2)
                need(image, p, 4, end, where);
                bitsWithin(image, p, size, where);
                return p + 4;
            }
            case 1 -> { // floating-point: bit offset, precision (2 each), exponent and mantissa places and sizes (1 each), bias (4)
                need(image, p, 12, end, where);
                bitsWithin(image, p, size, where);
                long precision = LittleEndian.unsigned(image, p + 2, 2);
                int exponentAt = image.get(ValueLayout.JAVA_BYTE, p + 4) & 0xff;
                int exponentSize = image.get(ValueLayout.JAVA_BYTE, p + 5) & 0xff;
                int mantissaAt = image.get(ValueLayout.JAVA_BYTE, p + 6) & 0xff;
                int mantissaSize = image.get(ValueLayout.JAVA_BYTE, p + 7) & 0xff;
                long bitOffset = LittleEndian.unsigned(image, p, 2);
                if (exponentAt + exponentSize > bitOffset + precision || mantissaAt + mantissaSize > bitOffset + precision) {
                    throw corrupt(where, "a float whose exponent or mantissa lies outside its " + precision + " bits");
                }
                return p + 12;
            }
            case 2 -> { // time: precision (2)
                need(image, p, 2, end, where);
                return p + 2;
            }
            case 3, 7 -> { // string, reference: no properties
                if (typeClass == 3 && size == 0) throw corrupt(where, "a string type of 0 bytes");
                return p;
            }
            case 5 -> { // opaque: a tag, its padded length in the class bits (libhdf5 terminates it itself)
                long tag = bits & 0xff;
                need(image, p, tag, end, where);
                return p + tag;
            }
            case 6 -> {
                return compound(image, p, end, bits & 0xffff, size, version, depth, where);
            }
            case 8 -> { // enumeration: base type, names, then the values (members times the base's size)
                long members = bits & 0xffff;
                long base = p;
                p = datatype(image, p, end, depth + 1, where);
                long baseSize = Integer.toUnsignedLong(image.get(LittleEndian.INT, base + 4));
                if (baseSize != size) throw corrupt(where, "an enumeration of " + size + " bytes over a base type of " + baseSize);
                for (long i = 0; i < members; i++) p = name(image, p, end, version < 3, where);
                need(image, p, members * size, end, where);
                return p + members * size;
            }
            case 9 -> { // variable-length: its base type
                return datatype(image, p, end, depth + 1, where);
            }
            case 10 -> { // array: rank (1), [reserved (3), version 2], dimensions (4 each), [permutation (4 each), version 2], base
                need(image, p, 1, end, where);
                int rank = image.get(ValueLayout.JAVA_BYTE, p) & 0xff;
                if (rank < 1 || rank > MAX_RANK) throw corrupt(where, "an array type of rank " + rank);
                p += version < 3 ? 4 : 1;
                need(image, p, 4L * rank, end, where);
                long elements = 1;
                for (int i = 0; i < rank; i++) {
                    long dimension = Integer.toUnsignedLong(image.get(LittleEndian.INT, p + 4L * i));
                    if (dimension == 0) throw corrupt(where, "an array type with a dimension of 0");
                    elements = Math.multiplyHigh(elements, dimension) != 0 ? Long.MAX_VALUE : elements * dimension;
                }
                p += 4L * rank * (version < 3 ? 2 : 1);
                long base = p;
                p = datatype(image, p, end, depth + 1, where);
                long baseSize = Integer.toUnsignedLong(image.get(LittleEndian.INT, base + 4));
                if (elements > size || elements * baseSize != size) {
                    throw corrupt(where, "an array type of " + size + " bytes holding " + elements + " elements of " + baseSize);
                }
                return p;
            }
            default -> throw corrupt(where, "a datatype of class " + typeClass);
        }
    }

    /** Bit offset and precision (2 bytes each, at {@code p}) inside a type of {@code size} bytes. */
    private static void bitsWithin(MemorySegment image, long p, long size, Where where) {
        long offset = LittleEndian.unsigned(image, p, 2);
        long precision = LittleEndian.unsigned(image, p + 2, 2);
        if (size == 0 || offset + precision > 8 * size) {
            throw corrupt(where, "a number of " + size + " bytes with " + precision + " bits at bit " + offset);
        }
    }

    /**
     * Compound members: name, byte offset (4 bytes in versions 1 and 2, else as many as the
     * compound's size needs), in version 1 a rank and dimensions, then the member's type, which
     * must lie inside the compound.
     */
    private static long compound(MemorySegment image, long p, long end, long members, long size, int version, int depth,
                                 Where where) {
        if (members == 0) throw corrupt(where, "a compound type with no members");
        int offsetBytes = version < 3 ? 4 : Math.max(1, (64 - Long.numberOfLeadingZeros(Math.max(1, size)) + 7) / 8);
        for (long i = 0; i < members; i++) {
            p = name(image, p, end, version < 3, where);
            need(image, p, offsetBytes, end, where);
            long offset = LittleEndian.bytes(image, p, offsetBytes);
            p += offsetBytes;
            if (version == 1) {
                need(image, p, 28, end, where); // rank (1), reserved (3), permutation (4), reserved (4), dimensions (4 x 4)
                p += 28;
            }
            long member = p;
            p = datatype(image, p, end, depth + 1, where);
            long memberSize = Integer.toUnsignedLong(image.get(LittleEndian.INT, member + 4));
            if (offset > size || memberSize > size - offset) {
                throw corrupt(where, "a compound member of " + memberSize + " bytes at byte " + offset + " of a " + size + "-byte compound");
            }
        }
        return p;
    }

    /** A zero-terminated name; padded to a multiple of 8 bytes where {@code padded}. Returns where what follows starts. */
    private static long name(MemorySegment image, long p, long end, boolean padded, Where where) {
        long zero = terminated(image, p, end, where);
        long length = zero + 1 - p;
        long next = p + (padded ? (length + 7) / 8 * 8 : length);
        need(image, p, next - p, end, where);
        return next;
    }

    /** The position of the zero that ends the string at {@code p}, which must come before {@code end}. */
    private static long terminated(MemorySegment image, long p, long end, Where where) {
        for (long i = p; i < end; i++) {
            if (image.get(ValueLayout.JAVA_BYTE, i) == 0) return i;
        }
        throw corrupt(where, "a name or text with no terminating zero");
    }

    /**
     * The data of a compact layout message at {@code at} (checked when its header was: {@link
     * #layout}); null for another layout class.
     */
    static MemorySegment compactData(MemorySegment image, long at) {
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        if (version >= 3) {
            if (image.get(ValueLayout.JAVA_BYTE, at + 1) != 0) return null;
            return image.asSlice(at + 4, LittleEndian.unsigned(image, at + 2, 2));
        }
        if (image.get(ValueLayout.JAVA_BYTE, at + 2) != 0) return null;
        long size = at + 8 + 4L * (image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff);
        return image.asSlice(size + 4, Integer.toUnsignedLong(image.get(LittleEndian.INT, size)));
    }

    /** Dataspace, versions 1 and 2: rank, flags (maximum dimensions present), then dimensions and maximum dimensions (L each). */
    private static long dataspace(MemorySegment image, Superblock.Addresses addresses, long at, long end, Where where) {
        need(image, at, 4, end, where);
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        int flags = image.get(ValueLayout.JAVA_BYTE, at + 2) & 0xff;
        if (version < 1 || version > 2) throw corrupt(where, "a dataspace of version " + version);
        if (rank > MAX_RANK) throw corrupt(where, "a dataspace of rank " + rank);
        long p = at + (version == 1 ? 8 : 4);
        int arrays = 1 + ((flags & 1) != 0 ? 1 : 0) + (version == 1 && (flags & 2) != 0 ? 1 : 0);
        long bytes = (long) arrays * rank * addresses.lengthSize();
        need(image, p, bytes, end, where);
        return p + bytes;
    }

    /** The number of elements of the dataspace at {@code at} (checked), saturating; 0 for a null dataspace. */
    private static long elements(MemorySegment image, Superblock.Addresses addresses, long at) {
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        if (version == 2 && image.get(ValueLayout.JAVA_BYTE, at + 3) == 2) return 0; // null
        long p = at + (version == 1 ? 8 : 4);
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long dimension = LittleEndian.unsigned(image, p + (long) i * addresses.lengthSize(), addresses.lengthSize());
            if (dimension < 0) return Long.MAX_VALUE;
            count = dimension != 0 && Math.multiplyHigh(count, dimension) != 0 ? Long.MAX_VALUE : count * dimension;
            if (count < 0) return Long.MAX_VALUE;
        }
        return count;
    }

    /**
     * Fill value, versions 1 to 3: where the message says a value is defined, a size (4, signed:
     * negative for none) and that many bytes.
     */
    private static void fillValue(MemorySegment image, long at, long end, Where where) {
        need(image, at, 2, end, where);
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        long p;
        boolean defined;
        if (version == 1 || version == 2) {
            need(image, at, 4, end, where);
            defined = image.get(ValueLayout.JAVA_BYTE, at + 3) != 0;
            p = at + 4;
        } else if (version == 3) {
            defined = (image.get(ValueLayout.JAVA_BYTE, at + 1) & 0x20) != 0;
            p = at + 2;
        } else {
            throw corrupt(where, "a fill value message of version " + version);
        }
        if (!defined) return;
        need(image, p, 4, end, where);
        // Versions 1 and 2 store a signed size (negative: no value); version 3 an unsigned one, which
        // libhdf5 copies whatever it is.
        long size = version == 3 ? Integer.toUnsignedLong(image.get(LittleEndian.INT, p)) : image.get(LittleEndian.INT, p);
        if (size > 0) need(image, p + 4, size, end, where);
    }

    /** Data layout, versions 1 to 4: every field the class and version call for. */
    private static void layout(MemorySegment image, Superblock.Addresses addresses, long at, long end, Where where) {
        int o = addresses.offsetSize();
        int l = addresses.lengthSize();
        need(image, at, 2, end, where);
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        if (version == 1 || version == 2) {
            need(image, at, 8, end, where);
            int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
            int layoutClass = image.get(ValueLayout.JAVA_BYTE, at + 2);
            if (rank > MAX_RANK + 1) throw corrupt(where, "a layout of rank " + rank);
            long p = at + 8 + (layoutClass == 0 ? 0 : o) + 4L * rank; // a chunked one's element size is its last dimension
            need(image, at, p - at, end, where);
            if (layoutClass == 0) {
                need(image, p, 4, end, where);
                need(image, p + 4, Integer.toUnsignedLong(image.get(LittleEndian.INT, p)), end, where);
            }
            return;
        }
        if (version != 3 && version != 4) throw corrupt(where, "a layout message of version " + version);
        int layoutClass = image.get(ValueLayout.JAVA_BYTE, at + 1);
        long p = at + 2;
        switch (layoutClass) {
            case 0 -> { // compact: size (2), data
                need(image, p, 2, end, where);
                need(image, p + 2, LittleEndian.unsigned(image, p, 2), end, where);
            }
            case 1 -> need(image, p, o + l, end, where); // contiguous: address, size
            case 2 -> {
                if (version == 3) { // rank (1), address, dimensions (4 each, the last the element size)
                    need(image, p, 1, end, where);
                    int rank = image.get(ValueLayout.JAVA_BYTE, p) & 0xff;
                    if (rank < 2 || rank > MAX_RANK + 1) throw corrupt(where, "a chunked layout of rank " + rank);
                    need(image, p, 1 + o + 4L * rank, end, where);
                } else {
                    chunkedV4(image, p, end, o, l, where);
                }
            }
            case 3 -> need(image, p, o + 4, end, where); // virtual: global heap address and index
            default -> throw corrupt(where, "a layout of class " + layoutClass);
        }
    }

    /** Version 4 chunked: flags, rank, dimension width, dimensions, the chunk index type and its fields, the index address. */
    private static void chunkedV4(MemorySegment image, long p, long end, int o, int l, Where where) {
        need(image, p, 3, end, where);
        int flags = image.get(ValueLayout.JAVA_BYTE, p) & 0xff;
        int rank = image.get(ValueLayout.JAVA_BYTE, p + 1) & 0xff;
        int width = image.get(ValueLayout.JAVA_BYTE, p + 2) & 0xff;
        if (rank < 2 || rank > MAX_RANK + 1 || width < 1 || width > 8) {
            throw corrupt(where, "a chunked layout of rank " + rank + " with " + width + "-byte dimensions");
        }
        p += 3 + (long) rank * width;
        need(image, p - 1, 2, end, where);
        int index = image.get(ValueLayout.JAVA_BYTE, p) & 0xff;
        p += 1;
        long fields = switch (index) {
            case 1 -> (flags & 2) != 0 ? l + 4 : 0; // single chunk: its filtered size and filter mask
            case 2 -> 0;                            // implicit
            case 3 -> 1;                            // fixed array: page bits
            case 4 -> 5;                            // extensible array: five parameters
            case 5 -> 6;                            // version 2 B-tree: node size (4), split and merge percents
            default -> throw corrupt(where, "a chunk index of type " + index);
        };
        need(image, p, fields + o, end, where);
    }

    /** Filter pipeline, versions 1 and 2: each filter's identifier, name, flags and client data must fit. */
    private static void pipeline(MemorySegment image, long at, long end, Where where) {
        need(image, at, 2, end, where);
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        int filters = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        if (version != 1 && version != 2) throw corrupt(where, "a filter pipeline of version " + version);
        if (filters > MAX_FILTERS) throw corrupt(where, filters + " filters");
        long p = at + (version == 1 ? 8 : 2);
        for (int i = 0; i < filters; i++) {
            need(image, p, 2, end, where);
            int id = (int) LittleEndian.unsigned(image, p, 2);
            boolean named = version == 1 || id >= 256;
            need(image, p, named ? 8 : 6, end, where);
            long nameLength = named ? LittleEndian.unsigned(image, p + 2, 2) : 0;
            long values = LittleEndian.unsigned(image, p + (named ? 6 : 4), 2);
            p += named ? 8 : 6;
            need(image, p, nameLength, end, where);
            if (nameLength > 0) terminated(image, p, p + nameLength, where);
            p += nameLength;
            long data = 4 * values + (version == 1 && values % 2 == 1 ? 4 : 0);
            need(image, p, data, end, where);
            p += data;
        }
    }

    /**
     * Attribute, versions 1 to 3: name, datatype and dataspace (each of the size given; padded to
     * 8 bytes in version 1), then the data, which must hold every element.
     */
    private static void attribute(MemorySegment image, Superblock.Addresses addresses, long at, long end, Where where) {
        need(image, at, 8, end, where);
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        if (version < 1 || version > 3) throw corrupt(where, "an attribute message of version " + version);
        int flags = version >= 2 ? image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff : 0;
        long nameSize = LittleEndian.unsigned(image, at + 2, 2);
        long typeSize = LittleEndian.unsigned(image, at + 4, 2);
        long spaceSize = LittleEndian.unsigned(image, at + 6, 2);
        long p = at + (version == 3 ? 9 : 8);
        long name = p;
        p += version == 1 ? pad8(nameSize) : nameSize;
        long type = p;
        p += version == 1 ? pad8(typeSize) : typeSize;
        long space = p;
        p += version == 1 ? pad8(spaceSize) : spaceSize;
        need(image, at, p - at, end, where);
        if (nameSize == 0) throw corrupt(where, "a name of 0 bytes");
        terminated(image, name, name + nameSize, where);
        Where typeWhere = new Where(where.object(), "an attribute's datatype");
        boolean sharedType = (flags & 1) != 0;
        if (!sharedType && datatype(image, type, type + typeSize, 0, typeWhere) > type + typeSize) {
            throw corrupt(typeWhere, "runs past its end");
        }
        if ((flags & 2) != 0) return; // a shared dataspace: its size is checked where it is kept
        dataspace(image, addresses, space, space + spaceSize, new Where(where.object(), "an attribute's dataspace"));
        if (sharedType) return;
        long elementSize = Integer.toUnsignedLong(image.get(LittleEndian.INT, type + 4));
        long elements = elements(image, addresses, space);
        if (elements != 0 && (elementSize != 0 && elements > (end - p) / elementSize)) {
            throw corrupt(where, "data of " + elements + " elements of " + elementSize + " bytes in " + (end - p) + " bytes");
        }
    }

    /**
     * What one header's messages say about its data, for the checks across messages: libhdf5 1.10.8
     * copies a compact dataset's elements times its type's size from the compact data whatever the
     * layout says it holds (a fuzzed h5py file with 0 bytes of compact data for three strings
     * crashed it), a contiguous dataset's size must be what libhdf5 made it, and unwritten data is
     * filled from a fill value of the type's size.
     */
    static final class Dataset {
        /** Where each message's body lies in the image; -1 for none. */
        private long dataspace = -1;
        private long datatype = -1;
        private long layout = -1;
        private final java.util.List<Long> fills = new java.util.ArrayList<>();
        private final java.util.List<Long> oldFills = new java.util.ArrayList<>();
        private boolean sharedSpace;

        /** A message kept in this header (not shared). */
        void message(int type, long at) {
            // libhdf5 reads the first message of a type: a later one must not be what is compared.
            switch (type) {
                case DATASPACE -> dataspace = dataspace < 0 ? at : dataspace;
                case DATATYPE -> datatype = datatype < 0 ? at : datatype;
                case LAYOUT -> layout = layout < 0 ? at : layout;
                case FILL_VALUE_OLD -> oldFills.add(at);
                case FILL_VALUE -> fills.add(at);
                default -> { }
            }
        }

        /** The datatype kept in a committed datatype's header, at {@code at} (-1 if unknown). */
        void committedDatatype(long at) {
            if (datatype < 0) datatype = at;
        }

        /** The dataspace is kept elsewhere: nothing to compare with. */
        void sharedDataspace() {
            sharedSpace = true;
        }

        void checkSizes(MemorySegment image, Superblock.Addresses addresses, String object) {
            if (dataspace < 0 || datatype < 0 || sharedSpace) return;
            long typeSize = Integer.toUnsignedLong(image.get(LittleEndian.INT, datatype + 4));
            long elements = elements(image, addresses, dataspace);
            long bytes = elements != 0 && elements > Long.MAX_VALUE / Math.max(1, typeSize) ? Long.MAX_VALUE : elements * typeSize;
            long compact = layout < 0 ? -1 : compactSize(image, layout);
            if (compact >= 0 && compact != bytes) {
                throw corrupt(new Where(object, "its data layout"), "compact data of " + compact + " bytes for " + elements
                        + " elements of " + typeSize + " bytes");
            }
            // libhdf5 sets a contiguous dataset's size to exactly this when it creates it; a mutated
            // size sent strings whose Java decode then declined into libhdf5's global heap code, which hung.
            long contiguous = layout < 0 ? -1 : contiguousSize(image, addresses, layout);
            if (contiguous >= 0 && contiguous != bytes) {
                throw corrupt(new Where(object, "its data layout"), "contiguous data of " + contiguous + " bytes for " + elements
                        + " elements of " + typeSize + " bytes");
            }
            for (int i = 0; i < fills.size() + oldFills.size(); i++) {
                boolean old = i >= fills.size();
                long value = fillSize(image, old ? oldFills.get(i - fills.size()) : fills.get(i), old);
                if (value > 0 && value != typeSize) {
                    throw corrupt(new Where(object, "its fill value"), "a value of " + value + " bytes for elements of " + typeSize);
                }
            }
        }

        /** The data size of a compact layout (versions 1 to 4); -1 for another layout. */
        private static long compactSize(MemorySegment image, long at) {
            int version = image.get(ValueLayout.JAVA_BYTE, at);
            if (version >= 3) {
                return image.get(ValueLayout.JAVA_BYTE, at + 1) == 0 ? LittleEndian.unsigned(image, at + 2, 2) : -1;
            }
            if (image.get(ValueLayout.JAVA_BYTE, at + 2) != 0) return -1;
            int rank = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
            return Integer.toUnsignedLong(image.get(LittleEndian.INT, at + 8 + 4L * rank));
        }

        /** The data size of a contiguous layout (versions 3 and 4 give one); -1 otherwise. */
        private static long contiguousSize(MemorySegment image, Superblock.Addresses addresses, long at) {
            int version = image.get(ValueLayout.JAVA_BYTE, at);
            if (version < 3 || image.get(ValueLayout.JAVA_BYTE, at + 1) != 1) return -1;
            long size = LittleEndian.unsigned(image, at + 2 + addresses.offsetSize(), addresses.lengthSize());
            return size < 0 ? Long.MAX_VALUE : size;
        }

        /** The size of the fill value where one is defined; -1 otherwise. */
        private static long fillSize(MemorySegment image, long at, boolean old) {
            if (old) return Integer.toUnsignedLong(image.get(LittleEndian.INT, at));
            int version = image.get(ValueLayout.JAVA_BYTE, at);
            if (version == 3) {
                return (image.get(ValueLayout.JAVA_BYTE, at + 1) & 0x20) != 0 ? Integer.toUnsignedLong(image.get(LittleEndian.INT, at + 2)) : -1;
            }
            return image.get(ValueLayout.JAVA_BYTE, at + 3) != 0 ? image.get(LittleEndian.INT, at + 4) : -1;
        }
    }

    private static long pad8(long n) {
        return (n + 7) / 8 * 8;
    }

    /** {@code count} bytes from {@code p} must end by {@code end}. */
    private static void need(MemorySegment image, long p, long count, long end, Where where) {
        if (count < 0 || p > end || count > end - p) throw corrupt(where, "runs past its end");
    }

    private static InvalidImageException corrupt(Where where, String why) {
        return new InvalidImageException("the object header of " + where.object() + ": " + where.message() + " "
                + (why.startsWith("runs") ? why : "holds " + why) + ": the image is corrupt");
    }
}
