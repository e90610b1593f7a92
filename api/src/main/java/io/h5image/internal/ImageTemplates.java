package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Both caches are small LRUs of one instance ({@link #DEFAULT} for {@code H5Image}); images whose
 * metadata is large are not remembered. Reads are keyed by image size and then compared whole, with
 * room for several templates per size, and a read miss never pays for libhdf5 work unless the same
 * key has missed before.
 */
public final class ImageTemplates {

    private static final int ENTRIES = 64;
    private static final int MAX_METADATA_BYTES = 64 * 1024;

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

    /** The templates {@code H5Image} uses; tests and benchmarks may switch them off. */
    static final ImageTemplates DEFAULT = new ImageTemplates(!"false".equals(System.getProperty("h5image.templates")));

    /** Read templates of one image size: two dtypes or shapes can give the same size, and must not evict each other. */
    private static final int PER_SIZE = 4;
    /** A read miss builds a template only when its key has missed this often: a one-off shape never pays libhdf5. */
    private static final int MISSES_BEFORE_BUILDING = 2;

    private volatile boolean enabled;
    private final Map<WriteKey, Template> writes = lru(ENTRIES);
    /** By image size, then compared whole: the size is only the cheapest thing that tells templates apart. */
    private final Map<Long, List<Known>> reads = lru(ENTRIES);
    private final Map<WriteKey, Integer> misses = lru(4 * ENTRIES);

    ImageTemplates(boolean enabled) {
        this.enabled = enabled;
    }

    private static <K, V> Map<K, V> lru(int entries) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > entries;
            }
        };
    }

    /** Turns the default templates on or off (off: every call goes through libhdf5; for benchmarks and tests). */
    public static void setEnabled(boolean on) {
        DEFAULT.enabled = on;
        DEFAULT.reset();
    }

    public static boolean enabled() {
        return DEFAULT.enabled;
    }

    public static void clear() {
        DEFAULT.reset();
    }

    void reset() {
        synchronized (this) {
            writes.clear();
            reads.clear();
            misses.clear();
        }
    }

    Template forWrite(WriteKey key) {
        if (!enabled) return null;
        synchronized (this) {
            return writes.get(key);
        }
    }

    void rememberWrite(WriteKey key, Template template) {
        if (!enabled || template.head().length + template.tail().length > MAX_METADATA_BYTES) return;
        synchronized (this) {
            writes.put(key, template);
        }
    }

    /** The h5image image {@code image} is, if it is one seen before (same size, same bytes outside the payload). */
    Known forRead(MemorySegment image) {
        if (!enabled) return null;
        List<Known> candidates;
        synchronized (this) {
            candidates = reads.get(image.byteSize());
        }
        if (candidates == null) return null;
        for (Known known : candidates) {
            if (known.template().matches(image)) return known;
        }
        return null;
    }

    /**
     * After libhdf5 read dataset {@code data} of {@code image} as {@code key} at {@code offset}:
     * remember it only if the image is exactly what h5image's writer makes for that key. The
     * writer's template is used if this process already made it; otherwise it is made (through
     * libhdf5) only once the key has missed before, so a stream of one-off shapes costs nothing extra.
     */
    void rememberRead(MemorySegment image, WriteKey key, long offset) {
        if (!enabled) return;
        Template template = forWrite(key);
        if (template == null) {
            synchronized (this) {
                int missed = misses.merge(key, 1, Integer::sum);
                if (missed < MISSES_BEFORE_BUILDING) return;
                misses.remove(key);
            }
            try {
                template = ImageWriter.template(key);
            } catch (RuntimeException cannotWriteThisKey) {
                return; // then no image of this key is h5image's own
            }
        }
        if (template.payloadOffset() == offset && template.matches(image)) {
            Known known = new Known(key, template);
            synchronized (this) {
                List<Known> same = new ArrayList<>(reads.getOrDefault(image.byteSize(), List.of()));
                same.removeIf(k -> k.key().equals(key));
                same.addFirst(known);
                if (same.size() > PER_SIZE) same.removeLast();
                reads.put(image.byteSize(), List.copyOf(same));
            }
        }
    }
}
