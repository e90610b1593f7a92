package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the metadata h5image's writer produced around the payload of contiguous images, so the
 * next image of the same shape needs no libhdf5 call at all.
 * <ul>
 * <li>Writing: h5image images are deterministic and their metadata does not depend on the element
 * values, so template + payload is byte for byte what libhdf5 would write (tested).</li>
 * <li>Reading: an image with the same length and the same bytes outside the payload as one of these
 * templates <em>is</em> an h5image image of that dtype and shape, so its payload is viewed without
 * parsing. Only templates h5image's own writer made are trusted: a foreign image could put its
 * "payload" over its own metadata, and then equal bytes outside it would prove nothing.</li>
 * </ul>
 * Both caches are small LRUs; images whose metadata is large are not remembered.
 */
public final class ImageTemplates {

    private static final int ENTRIES = 64;
    private static final int MAX_METADATA_BYTES = 64 * 1024;
    private static volatile boolean enabled = !"false".equals(System.getProperty("h5image.templates"));

    /** Everything of an image but its payload, which sits between head and tail. */
    record Template(byte[] head, byte[] tail, long payloadSize) {
        long imageSize() {
            return head.length + payloadSize + tail.length;
        }

        long payloadOffset() {
            return head.length;
        }

        /** True when {@code image} has this template's length and the same bytes outside the payload. */
        boolean matches(MemorySegment image) {
            long tailAt = head.length + payloadSize;
            return image.byteSize() == imageSize()
                    && MemorySegment.mismatch(image, 0, head.length, MemorySegment.ofArray(head), 0, head.length) == -1
                    && MemorySegment.mismatch(image, tailAt, image.byteSize(), MemorySegment.ofArray(tail), 0, tail.length) == -1;
        }
    }

    /** A write template is for one dtype, stored byte order and shape, with default options. */
    record WriteKey(DType dtype, ByteOrder order, long[] shape) {
        WriteKey {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WriteKey k && k.dtype == dtype && k.order.equals(order) && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return (dtype.hashCode() * 31 + order.hashCode()) * 31 + Arrays.hashCode(shape);
        }
    }

    /** An image known to be h5image's own: its dataset {@code data} is {@code key}'s at the template's offset. */
    record Known(WriteKey key, Template template) {}

    private static final Map<WriteKey, Template> WRITES = lru();
    /** By image size: the size is the cheapest thing that tells templates apart. */
    private static final Map<Long, Known> READS = lru();

    private ImageTemplates() {}

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > ENTRIES;
            }
        };
    }

    /** Turns both caches on or off (off: every call goes through libhdf5; for benchmarks and tests). */
    public static void setEnabled(boolean on) {
        enabled = on;
        clear();
    }

    public static boolean enabled() {
        return enabled;
    }

    public static void clear() {
        synchronized (WRITES) {
            WRITES.clear();
        }
        synchronized (READS) {
            READS.clear();
        }
    }

    static Template forWrite(WriteKey key) {
        if (!enabled) return null;
        synchronized (WRITES) {
            return WRITES.get(key);
        }
    }

    static void rememberWrite(WriteKey key, Template template) {
        if (!enabled || template.head().length + template.tail().length > MAX_METADATA_BYTES) return;
        synchronized (WRITES) {
            WRITES.put(key, template);
        }
    }

    /** The h5image image {@code image} is, if it is one seen before (same size, same bytes outside the payload). */
    static Known forRead(MemorySegment image) {
        if (!enabled) return null;
        Known known;
        synchronized (READS) {
            known = READS.get(image.byteSize());
        }
        return known != null && known.template().matches(image) ? known : null;
    }

    /**
     * After libhdf5 read dataset {@code data} of {@code image} as {@code key} at {@code offset}:
     * remember it only if the image is exactly what h5image's writer makes for that key.
     */
    static void rememberRead(MemorySegment image, WriteKey key, long offset) {
        if (!enabled) return;
        Template template;
        try {
            template = ImageWriter.template(key);
        } catch (RuntimeException cannotWriteThisKey) {
            return; // then no image of this key is h5image's own
        }
        if (template.payloadOffset() == offset && template.matches(image)) {
            synchronized (READS) {
                READS.put(image.byteSize(), new Known(key, template));
            }
        }
    }
}
