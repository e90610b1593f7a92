package io.h5image.internal;

import io.h5image.InvalidImageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What libhdf5 looks up by name in an object of an image opened from bytes, read and checked in
 * Java first: a group's links and an object's attributes, whether kept in the object header
 * (compact) or in a fractal heap indexed by version 2 B-trees (dense). Once an object's index is
 * read, every heap block and B-tree node libhdf5 could load for those lookups has passed its
 * checksum here. That matters: a dense group whose heap failed its checksum inside libhdf5 crashed
 * the JVM ({@code H5G__dense_get_name_by_idx} frees the uninitialized table it was building).
 * <p>
 * Groups in the old format (symbol tables, with no checksums anywhere) are read by
 * {@link SymbolTable}. Links h5image cannot read here (huge heap objects) leave {@link #links()}
 * null, and attributes it cannot read (shared messages) leave {@link #attributes()} null: libhdf5
 * reads those.
 */
final class ObjectIndex {

    private static final int DATASPACE = 0x01;
    private static final int LINK_INFO = 0x02;
    private static final int DATATYPE = 0x03;
    private static final int LINK = 0x06;
    private static final int ATTRIBUTE = 0x0C;
    private static final int SYMBOL_TABLE = 0x11;
    private static final int ATTRIBUTE_INFO = 0x15;
    /** Link name B-tree record: name hash (4), heap ID (7). Creation order: order (8), heap ID (7). */
    private static final int LINK_NAMES = 5;
    private static final int LINK_ORDER = 6;
    /** Attribute name record: heap ID (8), flags (1), creation order (4), hash (4). Creation order: the same without the hash. */
    private static final int ATTRIBUTE_NAMES = 8;
    private static final int ATTRIBUTE_ORDER = 9;

    static final int HARD = 0;
    static final int SOFT = 1;
    static final int EXTERNAL = 64;

    /** One link: {@code address} is the hard link's target (relative), else -1; {@code value} the soft link's path, else null. */
    record Link(String name, byte[] nameBytes, int type, long address, String value, long creationOrder) {}

    /** One attribute: its name, and where its attribute message lies in the image (in the header or the heap). */
    record Attribute(String name, byte[] nameBytes, long at, long size, long creationOrder) {}

    /** By name as libhdf5 orders names ({@code strcmp}: bytes, unsigned). */
    private static final Comparator<byte[]> BY_NAME = Arrays::compareUnsigned;

    private final H5Objects.Kind kind;
    private final List<Link> links;
    private final List<Link> nativeOrder;
    private final Map<String, Link> linksByName;
    private final List<Attribute> attributes;

    private ObjectIndex(H5Objects.Kind kind, Listing links, List<Attribute> attributes) {
        this.kind = kind;
        this.links = links == null ? null : Collections.unmodifiableList(links.listed());
        this.nativeOrder = links == null ? null : Collections.unmodifiableList(links.nativeOrder());
        this.attributes = attributes;
        if (links == null) {
            linksByName = null;
        } else {
            linksByName = new HashMap<>();
            for (Link link : this.links) linksByName.put(key(link.nameBytes()), link);
        }
    }

    /**
     * What the object is, from its messages as libhdf5 tells them apart (a symbol table or link info
     * makes a group; a datatype and a dataspace a dataset; a datatype alone a named datatype); null
     * if none of these.
     */
    H5Objects.Kind kind() {
        return kind;
    }

    /** The links in the order a listing gives them: creation order where the group indexes it, else by name. Null where libhdf5 reads them. */
    List<Link> links() {
        return links;
    }

    /**
     * The links in the order libhdf5 visits them natively ({@code H5_ITER_NATIVE} on the name index):
     * header order for links in the header, the name index's (hash) order for dense storage, name
     * order for a symbol table. Resolving a reference's path walks this order, as libhdf5 does.
     */
    List<Link> nativeOrder() {
        return nativeOrder;
    }

    /** Links as listed ({@link #links()}) and in libhdf5's native order ({@link #nativeOrder()}). */
    private record Listing(List<Link> listed, List<Link> nativeOrder) {}

    /** The link {@code name}; null if there is none. Only where {@link #links()} is not null. */
    Link link(String name) {
        return linksByName.get(key(name.getBytes(StandardCharsets.UTF_8)));
    }

    /** Names are matched as libhdf5 matches them, byte for byte (a name that is not valid UTF-8 must not collide with another). */
    private static String key(byte[] name) {
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    /** The attributes, in creation order where the object indexes it, else by name. Null where they are not readable here. */
    List<Attribute> attributes() {
        return attributes;
    }

    /** The links of a listing by name, whatever order {@link #links()} gives. */
    List<Link> linksByName() {
        List<Link> sorted = new ArrayList<>(links);
        sorted.sort(Comparator.comparing(Link::nameBytes, BY_NAME));
        return sorted;
    }

    /**
     * Reads the index of the object whose header, already {@link ObjectHeaders#verify verified}, is
     * at {@code header} (relative, as libhdf5 reports addresses).
     */
    static ObjectIndex read(ObjectHeaders.Checker checker, long header, String what) {
        Contents contents = new Contents(checker.image(), checker.addresses(), what);
        ObjectHeaders.messages(checker, header, what, contents);
        // A header that makes no group, dataset or datatype is corrupt (libhdf5, left to list one, crashed).
        if (contents.kind() == null) {
            throw new InvalidImageException("the object header of " + what + " holds no message that makes it a group,"
                    + " dataset or datatype: the image is corrupt");
        }
        // As libhdf5 looks links up: through the link info message where there is one, else the symbol table.
        Listing links;
        if (contents.linkInfo == null && contents.symbolTable != null) {
            List<Link> byName = requireUniqueNames(SymbolTable.links(checker.image(), checker.addresses(), contents.symbolTable[0],
                    contents.symbolTable[1], what), what);
            links = new Listing(byName, byName);
        } else {
            links = readable(() -> links(checker, contents.linkInfo, contents.links, what));
        }
        List<Attribute> attributes = contents.sharedAttribute ? null
                : readable(() -> attributes(checker, contents.attributeInfo, contents.attributes, what));
        return new ObjectIndex(contents.kind(), links,
                attributes == null ? null : Collections.unmodifiableList(attributes));
    }

    /** {@code read}'s result, or null where the storage holds objects h5image does not read (left to libhdf5). */
    private static <T> T readable(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (FractalHeap.UnreadableObject e) {
            return null;
        }
    }

    /** What one pass over an object header's messages finds: compact links and attributes, their info messages, and what tells the kind. */
    private static final class Contents implements ObjectHeaders.MessageVisitor {
        final MemorySegment image;
        final Superblock.Addresses addresses;
        final String what;
        final List<Link> links = new ArrayList<>();
        final List<Attribute> attributes = new ArrayList<>();
        Info linkInfo;
        Info attributeInfo;
        /** Where the symbol table message lies: {at, size}; null if there is none. */
        long[] symbolTable;
        boolean sharedAttribute;
        boolean datatype;
        boolean dataspace;

        Contents(MemorySegment image, Superblock.Addresses addresses, String what) {
            this.image = image;
            this.addresses = addresses;
            this.what = what;
        }

        @Override
        public boolean visit(int type, int flags, int order, long at, long size) {
            switch (type) {
                case DATATYPE -> datatype = true;
                case DATASPACE -> dataspace = true;
                case SYMBOL_TABLE -> {
                    if (symbolTable != null) throw corrupt(what, "two symbol table messages");
                    symbolTable = new long[] {at, size};
                }
                case LINK -> links.add(link(image, addresses, at, size, what));
                case LINK_INFO -> {
                    if (linkInfo != null) throw corrupt(what, "two link info messages");
                    linkInfo = Info.read(image, addresses, at, size, 8, what, "link info");
                }
                case ATTRIBUTE -> {
                    if ((flags & ObjectHeaders.SHARED) != 0) sharedAttribute = true; // its message is elsewhere
                    else attributes.add(attribute(image, at, size, order, what));
                }
                case ATTRIBUTE_INFO -> {
                    if (attributeInfo != null) throw corrupt(what, "two attribute info messages");
                    attributeInfo = Info.read(image, addresses, at, size, 2, what, "attribute info");
                }
                default -> { }
            }
            return true;
        }

        /** As libhdf5 tells objects apart, in its order: a group has a symbol table or link info; a dataset a datatype and a dataspace. */
        H5Objects.Kind kind() {
            if (symbolTable != null || linkInfo != null) return H5Objects.Kind.GROUP;
            if (datatype && dataspace) return H5Objects.Kind.DATASET;
            return datatype ? H5Objects.Kind.OTHER : null;
        }
    }

    /**
     * A link info or attribute info message: whether creation order is tracked and indexed, and the
     * addresses (-1 where undefined) of the dense storage's heap, name index and creation order index.
     */
    private record Info(int flags, long heap, long names, long order) {
        boolean tracked() {
            return (flags & 1) != 0;
        }

        boolean indexed() {
            return (flags & 2) != 0;
        }

        boolean dense() {
            return heap >= 0;
        }

        /** Version 0: flags, [maximum creation index of {@code orderBytes}], heap, name index, [creation order index]. */
        static Info read(MemorySegment image, Superblock.Addresses addresses, long at, long size, int orderBytes, String what,
                         String kind) {
            int o = addresses.offsetSize();
            if (size < 2 || image.get(ValueLayout.JAVA_BYTE, at) != 0) throw corrupt(what, "a " + kind + " message of an unknown version");
            int flags = image.get(ValueLayout.JAVA_BYTE, at + 1);
            long p = at + 2 + ((flags & 1) != 0 ? orderBytes : 0);
            boolean indexed = (flags & 2) != 0;
            if (p + (indexed ? 3L : 2L) * o > at + size) throw corrupt(what, "a " + kind + " message running past its end");
            return new Info(flags, Superblock.address(image, p, o), Superblock.address(image, p + o, o),
                    indexed ? Superblock.address(image, p + 2L * o, o) : -1);
        }
    }

    private static Listing links(ObjectHeaders.Checker checker, Info info, List<Link> compact, String what) {
        boolean indexedByOrder = info != null && info.indexed();
        if (info == null || !info.dense()) { // compact: the link messages in the header are all there is
            List<Link> headerOrder = List.copyOf(compact);
            requireUniqueNames(new ArrayList<>(compact), what);
            compact.sort(indexedByOrder ? Comparator.comparingLong(Link::creationOrder)
                    : Comparator.comparing(Link::nameBytes, BY_NAME));
            return new Listing(compact, headerOrder);
        }
        if (!compact.isEmpty()) throw corrupt(what, "links both in its header and in dense storage");
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        FractalHeap heap = FractalHeap.open(image, addresses, info.heap(), what + " (its links' heap)");
        heap.checkHugeObjects();
        if (heap.idLength() != 7) throw corrupt(what, "a link heap with " + heap.idLength() + "-byte IDs, not 7");
        // Each link read once, from the name index (where libhdf5 looks names up), and kept by heap ID.
        Map<Long, Link> byId = new java.util.LinkedHashMap<>(); // in the name index's order: libhdf5's native order
        int[] unreadable = {0};
        BTree2.records(image, addresses, info.names(), LINK_NAMES, 4 + 7, what + " (its link name index)", record -> {
            Link link = heapLink(heap, image, addresses, record + 4, what, unreadable);
            if (link != null && byId.put(LittleEndian.bytes(image, record + 4, 7), link) != null) {
                throw corrupt(what, "a link name index naming one heap object twice");
            }
        });
        if (unreadable[0] > 0) throw new FractalHeap.UnreadableObject(what + " has links h5image does not read: libhdf5 lists them");
        List<Link> hashOrder = List.copyOf(byId.values());
        List<Link> byName = requireUniqueNames(new ArrayList<>(byId.values()), what);
        if (!indexedByOrder) return new Listing(byName, hashOrder);
        // The creation order index must name the same links, each once: lookups go by name, listings by creation order.
        List<Link> byOrder = new ArrayList<>(byName.size());
        java.util.Set<Long> listed = new java.util.HashSet<>();
        BTree2.records(image, addresses, info.order(), LINK_ORDER, 8 + 7, what + " (its link creation order index)", record -> {
            long id = LittleEndian.bytes(image, record + 8, 7);
            Link link = byId.get(id);
            if (link == null || !listed.add(id)) throw corrupt(what, "link indexes by name and by creation order that disagree");
            byOrder.add(link);
        });
        if (byOrder.size() != byName.size()) throw corrupt(what, "link indexes by name and by creation order that disagree");
        return new Listing(byOrder, hashOrder);
    }

    /** {@code links}, sorted by name as libhdf5 compares names; a name twice is corrupt (libhdf5 would find only one). */
    private static List<Link> requireUniqueNames(List<Link> links, String what) {
        links.sort(Comparator.comparing(Link::nameBytes, BY_NAME));
        for (int i = 1; i < links.size(); i++) {
            if (Arrays.equals(links.get(i - 1).nameBytes(), links.get(i).nameBytes())) {
                throw corrupt(what, "two links named '" + links.get(i).name() + "'");
            }
        }
        return links;
    }

    /**
     * The link a heap ID names; null for one kept in a form h5image does not read (a huge object),
     * counted in {@code unreadable} while the rest of the heap is still checked.
     */
    private static Link heapLink(FractalHeap heap, MemorySegment image, Superblock.Addresses addresses, long id, String what,
                                 int[] unreadable) {
        try {
            FractalHeap.HeapObject object = heap.object(image, id);
            return link(image, addresses, object.at(), object.size(), what);
        } catch (FractalHeap.UnreadableObject e) {
            unreadable[0]++;
            return null;
        }
    }

    private static List<Attribute> attributes(ObjectHeaders.Checker checker, Info info, List<Attribute> compact, String what) {
        if (info == null || !info.dense()) {
            // In the header, creation order can be listed wherever it is tracked (the messages carry it).
            boolean tracked = info != null && info.tracked() && compact.stream().allMatch(a -> a.creationOrder() >= 0);
            compact.sort(tracked ? Comparator.comparingLong(Attribute::creationOrder)
                    : Comparator.comparing(Attribute::nameBytes, BY_NAME));
            return compact;
        }
        if (!compact.isEmpty()) throw corrupt(what, "attributes both in its header and in dense storage");
        boolean byOrder = info.tracked(); // as libhdf5 builds the table: creation order whenever it is tracked
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        FractalHeap heap = FractalHeap.open(image, addresses, info.heap(), what + " (its attributes' heap)");
        heap.checkHugeObjects();
        if (heap.idLength() != 8) throw corrupt(what, "an attribute heap with " + heap.idLength() + "-byte IDs, not 8");
        boolean[] leaveToLibhdf5 = {false}; // a shared or huge attribute: libhdf5 reads this object's attributes
        List<Attribute> dense = new ArrayList<>();
        BTree2.records(image, addresses, info.names(), ATTRIBUTE_NAMES, 8 + 1 + 4 + 4, what + " (its attribute name index)", record -> {
            if ((image.get(ValueLayout.JAVA_BYTE, record + 8) & ObjectHeaders.SHARED) != 0) {
                leaveToLibhdf5[0] = true;
                return;
            }
            try {
                FractalHeap.HeapObject object = heap.object(image, record);
                // libhdf5 decodes every one of these to build its attribute table: checked as header messages are.
                HeaderMessages.check(image, addresses, HeaderMessages.ATTRIBUTE, false, object.at(), object.size(), what);
                dense.add(attribute(image, object.at(), object.size(), Integer.toUnsignedLong(image.get(LittleEndian.INT, record + 9)), what));
            } catch (FractalHeap.UnreadableObject e) {
                leaveToLibhdf5[0] = true; // the others are still checked
            }
        });
        if (leaveToLibhdf5[0]) return null;
        if (info.indexed()) {
            long[] counted = {0};
            BTree2.records(image, addresses, info.order(), ATTRIBUTE_ORDER, 8 + 1 + 4, what + " (its attribute creation order index)",
                    record -> counted[0]++);
            if (counted[0] != dense.size()) {
                throw corrupt(what, dense.size() + " attributes by name but " + counted[0] + " by creation order");
            }
        }
        dense.sort(byOrder ? Comparator.comparingLong(Attribute::creationOrder) : Comparator.comparing(Attribute::nameBytes, BY_NAME));
        return dense;
    }

    /** A link message (version 1): flags, [type], [creation order], [character set], name length, name, then the link's target. */
    private static Link link(MemorySegment image, Superblock.Addresses addresses, long at, long size, String what) {
        long end = at + size;
        if (size < 4 || image.get(ValueLayout.JAVA_BYTE, at) != 1) throw corrupt(what, "a link message of an unknown version");
        int flags = image.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
        long p = at + 2;
        int type = HARD;
        if ((flags & 0x08) != 0) type = image.get(ValueLayout.JAVA_BYTE, p++) & 0xff;
        long order = -1;
        if ((flags & 0x04) != 0) {
            if (p + 8 > end) throw corrupt(what, "a link message running past its end");
            order = image.get(LittleEndian.LONG, p);
            p += 8;
        }
        if ((flags & 0x10) != 0) p++; // character set: ASCII or UTF-8, both read as UTF-8
        int width = 1 << (flags & 3);
        if (p + width > end) throw corrupt(what, "a link message running past its end");
        long nameLength = LittleEndian.unsigned(image, p, width);
        p += width;
        if (nameLength < 1 || nameLength > end - p) throw corrupt(what, "a link name of " + nameLength + " bytes in a " + size + "-byte message");
        byte[] name = image.asSlice(p, nameLength).toArray(ValueLayout.JAVA_BYTE);
        p += nameLength;
        String text = new String(name, StandardCharsets.UTF_8);
        if (text.indexOf('\0') >= 0 || text.indexOf('/') >= 0) throw corrupt(what, "a link named '" + text + "'");
        if (type == HARD) {
            if (p + addresses.offsetSize() > end) throw corrupt(what, "link '" + text + "' ending before its address");
            long target = Superblock.address(image, p, addresses.offsetSize());
            if (target < 0) throw corrupt(what, "link '" + text + "' to no address");
            return new Link(text, name, type, target, null, order);
        }
        if (p + 2 > end) throw corrupt(what, "link '" + text + "' ending before its value");
        long valueLength = LittleEndian.unsigned(image, p, 2);
        if (valueLength > end - p - 2) throw corrupt(what, "link '" + text + "' with a value running past its message");
        byte[] bytes = image.asSlice(p + 2, valueLength).toArray(ValueLayout.JAVA_BYTE);
        String value = type == SOFT ? beforeZero(bytes, 0) : type == EXTERNAL ? externalValue(bytes) : null;
        return new Link(text, name, type, -1, value, order);
    }

    /** The text of {@code bytes} from {@code from} to the first zero byte or the end. */
    private static String beforeZero(byte[] bytes, int from) {
        int end = from;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }

    /**
     * An external link's value: version and flags (1), the file name and the object's path, each
     * zero-terminated; kept as the file name, a zero, then the path ({@link #externalFile}, {@link #externalPath}).
     */
    static String externalValue(byte[] bytes) {
        if (bytes.length < 1) return "\0";
        int zero = 1;
        while (zero < bytes.length && bytes[zero] != 0) zero++;
        return beforeZero(bytes, 1) + "\0" + (zero + 1 < bytes.length ? beforeZero(bytes, zero + 1) : "");
    }

    /** The file of an external link's {@code value}; null if unknown. */
    static String externalFile(String value) {
        return value == null ? null : value.substring(0, value.indexOf('\0'));
    }

    /** The object path of an external link's {@code value}; null if unknown. */
    static String externalPath(String value) {
        return value == null ? null : value.substring(value.indexOf('\0') + 1);
    }

    /** An external link's {@code value}, for messages. */
    static String describeExternal(String value) {
        return value == null ? "another file" : "'" + externalFile(value) + "' object '" + externalPath(value) + "'";
    }

    /** The name of an attribute message (versions 1 to 3); the rest is read where the attribute is. */
    private static Attribute attribute(MemorySegment image, long at, long size, long order, String what) {
        if (size < 8) throw corrupt(what, "an attribute message of " + size + " bytes");
        int version = image.get(ValueLayout.JAVA_BYTE, at);
        if (version < 1 || version > 3) throw corrupt(what, "an attribute message of version " + version);
        long nameSize = LittleEndian.unsigned(image, at + 2, 2);
        long p = at + (version == 3 ? 9 : 8);
        if (nameSize < 1 || p + nameSize > at + size) throw corrupt(what, "an attribute name running past its message");
        byte[] name = image.asSlice(p, nameSize - 1).toArray(ValueLayout.JAVA_BYTE);
        if (image.get(ValueLayout.JAVA_BYTE, p + nameSize - 1) != 0) throw corrupt(what, "an attribute name without its terminating zero");
        for (byte b : name) if (b == 0) throw corrupt(what, "an attribute name with a zero byte inside");
        return new Attribute(new String(name, StandardCharsets.UTF_8), name, at, size, order);
    }

    private static InvalidImageException corrupt(String what, String why) {
        return new InvalidImageException(what + " has " + why + ": the image is corrupt");
    }
}
