package io.h5image.internal;

import io.h5image.DType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the metadata around the payload of contiguous images, so that the next image of the
 * same shape needs no libhdf5 call at all.
 * <ul>
 * <li>Writing: h5image images are deterministic and their metadata does not depend on the
 * element values, so metadata + payload copy is byte for byte what libhdf5 would write.</li>
 * <li>Reading: libhdf5's view of an image depends only on the bytes outside the payload. If
 * they equal those of an image already parsed (same length, same bytes), so does the answer.</li>
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

        static Template of(MemorySegment image, long offset, long payloadSize) {
            long metadata = image.byteSize() - payloadSize;
            if (metadata > MAX_METADATA_BYTES) return null;
            return new Template(image.asSlice(0, offset).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    image.asSlice(offset + payloadSize).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), payloadSize);
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
        @Override
        public boolean equals(Object o) {
            return o instanceof WriteKey k && k.dtype == dtype && k.order.equals(order) && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return (dtype.hashCode() * 31 + order.hashCode()) * 31 + Arrays.hashCode(shape);
        }
    }

    /** What a parsed image said about one dataset, valid for any image that matches {@link #template}. */
    record ReadResult(Template template, DType dtype, long[] shape, ByteOrder order) {}

    record ReadKey(long imageSize, String path) {}

    private static final Map<WriteKey, Template> WRITES = lru();
    private static final Map<ReadKey, ReadResult> READS = lru();

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

    static void rememberWrite(WriteKey key, MemorySegment image, long offset, long payloadSize) {
        Template template = enabled ? Template.of(image, offset, payloadSize) : null;
        if (template == null) return;
        synchronized (WRITES) {
            WRITES.put(key, template);
        }
    }

    static ReadResult forRead(MemorySegment image, String path) {
        if (!enabled) return null;
        ReadResult known;
        synchronized (READS) {
            known = READS.get(new ReadKey(image.byteSize(), path));
        }
        return known != null && known.template().matches(image) ? known : null;
    }

    static void rememberRead(MemorySegment image, String path, long offset, DType dtype, long[] shape, ByteOrder order) {
        if (!enabled) return;
        Template template = Template.of(image, offset, dtype.size() * product(shape));
        if (template == null) return;
        synchronized (READS) {
            READS.put(new ReadKey(image.byteSize(), path), new ReadResult(template, dtype, shape.clone(), order));
        }
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
