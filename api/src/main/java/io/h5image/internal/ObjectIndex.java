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
 * Groups in the old format (symbol tables, no checksums anywhere) have no {@link #links()} here:
 * callers list those through libhdf5. Attributes h5image cannot read here (shared messages) leave
 * {@link #attributes()} null the same way.
 */
final class ObjectIndex {

    private static final int LINK_INFO = 0x02;
    private static final int DATATYPE = 0x03;
    private static final int LAYOUT = 0x08;
    private static final int GROUP_INFO = 0x0A;
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
    private final Map<String, Link> linksByName;
    private final List<Attribute> attributes;

    private ObjectIndex(H5Objects.Kind kind, List<Link> links, List<Attribute> attributes) {
        this.kind = kind;
        this.links = links;
        this.attributes = attributes;
        if (links == null) {
            linksByName = null;
        } else {
            linksByName = new HashMap<>();
            for (Link link : links) linksByName.put(link.name(), link);
        }
    }

    /**
     * What the object is, from its messages as libhdf5 tells them apart (a layout makes a dataset;
     * link, link info, group info or symbol table messages a group; a datatype alone a named
     * datatype); null if none of these.
     */
    H5Objects.Kind kind() {
        return kind;
    }

    /** The links in the order a listing gives them: creation order where the group indexes it, else by name. Null for an old-format group. */
    List<Link> links() {
        return links;
    }

    /** The link {@code name}; null if there is none. Only where {@link #links()} is not null. */
    Link link(String name) {
        return linksByName.get(name);
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
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        List<Link> compactLinks = new ArrayList<>();
        List<Attribute> compactAttributes = new ArrayList<>();
        long[] linkInfo = null;
        long[] attributeInfo = null;
        boolean symbolTable = false;
        boolean sharedAttribute = false;
        List<long[]> found = new ArrayList<>();
        boolean[] seen = new boolean[3]; // layout, group message, datatype
        boolean known = ObjectHeaders.messages(checker, header, what, (type, flags, order, at, size) -> {
            if (type == LAYOUT) seen[0] = true;
            if (type == GROUP_INFO || type == LINK_INFO || type == LINK || type == SYMBOL_TABLE) seen[1] = true;
            if (type == DATATYPE) seen[2] = true;
            if (type == LINK || type == ATTRIBUTE || type == LINK_INFO || type == ATTRIBUTE_INFO || type == SYMBOL_TABLE) {
                found.add(new long[] {type, flags, at, size, order});
            }
            return true;
        });
        if (!known) return new ObjectIndex(null, null, null);
        H5Objects.Kind kind = seen[0] ? H5Objects.Kind.DATASET : seen[1] ? H5Objects.Kind.GROUP
                : seen[2] ? H5Objects.Kind.OTHER : null;
        for (long[] message : found) {
            int type = (int) message[0];
            boolean shared = (message[1] & ObjectHeaders.SHARED) != 0;
            long at = message[2];
            long size = message[3];
            switch (type) {
                case LINK -> compactLinks.add(link(image, addresses, at, size, what));
                case ATTRIBUTE -> {
                    if (shared) sharedAttribute = true;
                    else compactAttributes.add(attribute(image, at, size, message[4], what));
                }
                case LINK_INFO -> linkInfo = info(image, addresses, at, size, 8, what, "link info");
                case ATTRIBUTE_INFO -> attributeInfo = info(image, addresses, at, size, 2, what, "attribute info");
                default -> symbolTable = true;
            }
        }
        List<Link> links = symbolTable ? null : links(checker, linkInfo, compactLinks, what);
        List<Attribute> attributes = sharedAttribute ? null : attributes(checker, attributeInfo, compactAttributes, what);
        return new ObjectIndex(kind, links == null ? null : Collections.unmodifiableList(links),
                attributes == null ? null : Collections.unmodifiableList(attributes));
    }

    /**
     * A link info or attribute info message: flags, then (if creation order is tracked) the maximum
     * creation index of {@code orderBytes}, the heap's address, the name index's, and (if creation
     * order is indexed) the creation order index's. Returns {flags, heap, names, order}, -1 where undefined.
     */
    private static long[] info(MemorySegment image, Superblock.Addresses addresses, long at, long size, int orderBytes,
                               String what, String kind) {
        int o = addresses.offsetSize();
        if (size < 2 || image.get(ValueLayout.JAVA_BYTE, at) != 0) throw corrupt(what, "a " + kind + " message of an unknown version");
        int flags = image.get(ValueLayout.JAVA_BYTE, at + 1);
        long p = at + 2 + ((flags & 1) != 0 ? orderBytes : 0);
        boolean indexed = (flags & 2) != 0;
        if (p + (indexed ? 3L : 2L) * o > at + size) throw corrupt(what, "a " + kind + " message running past its end");
        long heap = Superblock.address(image, p, o);
        long names = Superblock.address(image, p + o, o);
        long order = indexed ? Superblock.address(image, p + 2L * o, o) : -1;
        return new long[] {flags, heap, names, order};
    }

    private static List<Link> links(ObjectHeaders.Checker checker, long[] info, List<Link> compact, String what) {
        boolean indexedByOrder = info != null && (info[0] & 2) != 0;
        if (info == null || info[1] < 0) { // compact: the link messages in the header are all there is
            compact.sort(indexedByOrder ? Comparator.comparingLong(Link::creationOrder)
                    : Comparator.comparing(Link::nameBytes, BY_NAME));
            return compact;
        }
        if (!compact.isEmpty()) throw corrupt(what, "links both in its header and in dense storage");
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        FractalHeap heap = FractalHeap.open(image, addresses, info[1], what + " (its links' heap)");
        if (heap.idLength() != 7) throw corrupt(what, "a link heap with " + heap.idLength() + "-byte IDs, not 7");
        List<Link> byName = new ArrayList<>();
        BTree2.records(image, addresses, info[2], LINK_NAMES, 4 + 7, what + " (its link name index)",
                record -> byName.add(heapLink(heap, image, addresses, record + 4, what)));
        if (!indexedByOrder) {
            byName.sort(Comparator.comparing(Link::nameBytes, BY_NAME));
            return byName;
        }
        List<Link> byOrder = new ArrayList<>(byName.size());
        BTree2.records(image, addresses, info[3], LINK_ORDER, 8 + 7, what + " (its link creation order index)",
                record -> byOrder.add(heapLink(heap, image, addresses, record + 8, what)));
        if (byOrder.size() != byName.size()) {
            throw corrupt(what, byName.size() + " links by name but " + byOrder.size() + " by creation order");
        }
        return byOrder;
    }

    private static Link heapLink(FractalHeap heap, MemorySegment image, Superblock.Addresses addresses, long id, String what) {
        FractalHeap.HeapObject object = heap.object(image, id);
        return link(image, addresses, object.at(), object.size(), what);
    }

    private static List<Attribute> attributes(ObjectHeaders.Checker checker, long[] info, List<Attribute> compact, String what) {
        if (info == null || info[1] < 0) {
            // In the header, creation order can be listed wherever it is tracked (the messages carry it).
            boolean tracked = info != null && (info[0] & 1) != 0 && compact.stream().allMatch(a -> a.creationOrder() >= 0);
            compact.sort(tracked ? Comparator.comparingLong(Attribute::creationOrder)
                    : Comparator.comparing(Attribute::nameBytes, BY_NAME));
            return compact;
        }
        if (!compact.isEmpty()) throw corrupt(what, "attributes both in its header and in dense storage");
        boolean indexedByOrder = (info[0] & 2) != 0;
        MemorySegment image = checker.image();
        Superblock.Addresses addresses = checker.addresses();
        FractalHeap heap = FractalHeap.open(image, addresses, info[1], what + " (its attributes' heap)");
        if (heap.idLength() != 8) throw corrupt(what, "an attribute heap with " + heap.idLength() + "-byte IDs, not 8");
        boolean[] shared = {false};
        List<Attribute> dense = new ArrayList<>();
        BTree2.records(image, addresses, info[2], ATTRIBUTE_NAMES, 8 + 1 + 4 + 4, what + " (its attribute name index)", record -> {
            if ((image.get(ValueLayout.JAVA_BYTE, record + 8) & 1) != 0) {
                shared[0] = true;
                return;
            }
            FractalHeap.HeapObject object = heap.object(image, record);
            dense.add(attribute(image, object.at(), object.size(), Integer.toUnsignedLong(image.get(LittleEndian.INT, record + 9)), what));
        });
        if (shared[0]) return null;
        if (indexedByOrder) {
            long[] counted = {0};
            BTree2.records(image, addresses, info[3], ATTRIBUTE_ORDER, 8 + 1 + 4, what + " (its attribute creation order index)",
                    record -> counted[0]++);
            if (counted[0] != dense.size()) {
                throw corrupt(what, dense.size() + " attributes by name but " + counted[0] + " by creation order");
            }
            dense.sort(Comparator.comparingLong(Attribute::creationOrder));
        } else {
            dense.sort(Comparator.comparing(Attribute::nameBytes, BY_NAME));
        }
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
        String value = type == SOFT ? new String(image.asSlice(p + 2, valueLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8) : null;
        if (value != null && value.indexOf('\0') >= 0) value = value.substring(0, value.indexOf('\0'));
        return new Link(text, name, type, -1, value, order);
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
        return new Attribute(new String(name, StandardCharsets.UTF_8), name, at, size, order);
    }

    private static InvalidImageException corrupt(String what, String why) {
        return new InvalidImageException(what + " has " + why + ": the image is corrupt");
    }
}
