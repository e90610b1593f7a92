package io.h5image.internal;

import io.h5image.InvalidImageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link HeaderMessages} on messages built byte by byte after the file format spec: each valid one
 * passes, each one cut short by any number of bytes is refused, and the mutations that crashed
 * libhdf5 1.10.8 (an enumeration's size, its base type's size) are named.
 */
class HeaderMessagesTest {

    private static final Superblock.Addresses ADDRESSES = new Superblock.Addresses(0, 8, 8, -1, -1);

    /** A little-endian message under construction. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int... values) {
            for (int v : values) out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v & 0xff, v >>> 8 & 0xff);
        }

        Bytes u32(long v) {
            return u16((int) (v & 0xffff)).u16((int) (v >>> 16 & 0xffff));
        }

        Bytes u64(long v) {
            return u32(v & 0xffffffffL).u32(v >>> 32);
        }

        /** Zero-terminated, then zeros up to a multiple of {@code pad} bytes. */
        Bytes name(String s, int pad) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            out.writeBytes(b);
            int length = b.length + 1;
            for (int i = 0; i < (length + pad - 1) / pad * pad - b.length; i++) out.write(0);
            return this;
        }

        Bytes then(Bytes other) {
            out.writeBytes(other.bytes());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static Bytes bytes() {
        return new Bytes();
    }

    private static Bytes int8() {
        return bytes().u8(0x10, 0x08, 0, 0).u32(1).u16(0).u16(8);
    }

    private static Bytes int32() {
        return bytes().u8(0x10, 0x08, 0, 0).u32(4).u16(0).u16(32);
    }

    private static Bytes float64() {
        return bytes().u8(0x11, 0x20, 0x3f, 0).u32(8).u16(0).u16(64).u8(52, 11, 0, 52).u32(1023);
    }

    /** h5py's bool, version 1: an enumeration of two members over int8, names padded to 8, then the values. */
    private static Bytes bool(long enumSize, long baseSize) {
        return bytes().u8(0x18, 2, 0, 0).u32(enumSize)
                .u8(0x10, 0x08, 0, 0).u32(baseSize).u16(0).u16(8)
                .name("FALSE", 8).name("TRUE", 8).u8(0, 1);
    }

    /** Version 3 compound of 16 bytes: x (float64 at 0), a (array of two int32 at {@code aAt}); offsets in one byte. */
    private static Bytes compound(int aAt) {
        return bytes().u8(0x36, 2, 0, 0).u32(16)
                .name("x", 1).u8(0).then(float64())
                .name("a", 1).u8(aAt).u8(0x3a, 0, 0, 0).u32(8).u8(1).u32(2).then(int32());
    }

    private static final Map<String, Object[]> VALID = new LinkedHashMap<>();

    static {
        VALID.put("bool enumeration", new Object[] {HeaderMessages.DATATYPE, bool(1, 1)});
        VALID.put("compound with an array member", new Object[] {HeaderMessages.DATATYPE, compound(8)});
        VALID.put("variable-length string", new Object[] {HeaderMessages.DATATYPE,
                bytes().u8(0x19, 0x11, 0, 0).u32(16).u8(0x10, 0, 0, 0).u32(1).u16(0).u16(8)});
        VALID.put("opaque with an 8-byte tag", new Object[] {HeaderMessages.DATATYPE,
                bytes().u8(0x15, 8, 0, 0).u32(4).name("tagtag", 8)});
        VALID.put("dataspace v1 with maximum dimensions", new Object[] {HeaderMessages.DATASPACE,
                bytes().u8(1, 2, 1, 0).u32(0).u64(3).u64(4).u64(-1).u64(4)});
        VALID.put("dataspace v2", new Object[] {HeaderMessages.DATASPACE, bytes().u8(2, 1, 0, 1).u64(7)});
        VALID.put("old fill value", new Object[] {HeaderMessages.FILL_VALUE_OLD, bytes().u32(2).u8(1, 2)});
        VALID.put("fill value v2", new Object[] {HeaderMessages.FILL_VALUE, bytes().u8(2, 2, 2, 1).u32(4).u32(99)});
        VALID.put("fill value v3", new Object[] {HeaderMessages.FILL_VALUE, bytes().u8(3, 0x20).u32(2).u8(5, 6)});
        VALID.put("compact layout v3", new Object[] {HeaderMessages.LAYOUT, bytes().u8(3, 0).u16(3).u8(1, 2, 3)});
        VALID.put("contiguous layout v3", new Object[] {HeaderMessages.LAYOUT, bytes().u8(3, 1).u64(2048).u64(80)});
        VALID.put("chunked layout v3", new Object[] {HeaderMessages.LAYOUT, bytes().u8(3, 2, 3).u64(4096).u32(5).u32(20).u32(8)});
        VALID.put("chunked layout v1, the element size its last dimension", new Object[] {HeaderMessages.LAYOUT,
                bytes().u8(1, 2, 2, 0, 0, 0, 0, 0).u64(4096).u32(10).u32(8)});
        VALID.put("chunked layout v4, fixed array", new Object[] {HeaderMessages.LAYOUT,
                bytes().u8(4, 2, 0, 2, 2).u16(5).u16(8).u8(3, 10).u64(4096)});
        VALID.put("filter pipeline v1", new Object[] {HeaderMessages.FILTER_PIPELINE,
                bytes().u8(1, 1, 0, 0).u32(0).u16(1).u16(8).u16(0).u16(1).name("deflate", 8).u32(4).u32(0)});
        VALID.put("filter pipeline v2", new Object[] {HeaderMessages.FILTER_PIPELINE,
                bytes().u8(2, 2).u16(2).u16(0).u16(1).u32(8).u16(32015).u16(5).u16(1).u16(1).name("zstd", 1).u32(3)});
        VALID.put("attribute v1, a 1-byte string", new Object[] {HeaderMessages.ATTRIBUTE,
                bytes().u8(1, 0).u16(6).u16(8).u16(8).name("units", 8).u8(0x13, 0, 0, 0).u32(1).u8(1, 0, 0, 0).u32(0).u8('C')});
        VALID.put("attribute v3, three float64", new Object[] {HeaderMessages.ATTRIBUTE,
                bytes().u8(3, 0).u16(2).u16(20).u16(12).u8(0).name("s", 1).then(float64()).u8(2, 1, 0, 1).u64(3)
                        .u64(1).u64(2).u64(3)});
        VALID.put("comment", new Object[] {HeaderMessages.COMMENT, bytes().name("made by h5py", 1)});
    }

    private static void check(int type, byte[] message, long size) {
        MemorySegment image = MemorySegment.ofArray(new byte[message.length + 64]);
        MemorySegment.copy(MemorySegment.ofArray(message), 0, image, 16, message.length);
        HeaderMessages.check(image, ADDRESSES, type, false, 16, size, "'/x'");
    }

    @Test
    void validMessagesPassAndEveryTruncationIsRefused() {
        for (var entry : VALID.entrySet()) {
            int type = (int) entry.getValue()[0];
            byte[] message = ((Bytes) entry.getValue()[1]).bytes();
            assertDoesNotThrow(() -> check(type, message, message.length), entry.getKey());
            for (int size = 0; size < message.length; size++) {
                int cut = size;
                InvalidImageException e = assertThrows(InvalidImageException.class, () -> check(type, message, cut),
                        entry.getKey() + " cut to " + cut + " of " + message.length + " bytes");
                assertTrue(e.getMessage().startsWith("the object header of '/x': ") && e.getMessage().endsWith(": the image is corrupt"),
                        e.getMessage());
            }
        }
    }

    /** The fuzzed h5py files that crashed 1.10.8 in {@code H5O_dtype_decode}: one byte of a size field each. */
    @Test
    void enumerationSizesThatCrashedLibhdf5AreRefused() {
        byte[] enumSize = bool(0x860001, 1).bytes();
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> check(HeaderMessages.DATATYPE, enumSize, enumSize.length + 2));
        assertEquals("the object header of '/x': its datatype holds an enumeration of 8781825 bytes over a base type of 1:"
                + " the image is corrupt", e.getMessage());
        byte[] baseSize = bool(1, 0x04000001).bytes();
        e = assertThrows(InvalidImageException.class, () -> check(HeaderMessages.DATATYPE, baseSize, baseSize.length + 2));
        assertTrue(e.getMessage().contains("a number of 67108865 bytes") || e.getMessage().contains("base type of 67108865"), e.getMessage());
    }

    @Test
    void inconsistentMessagesAreNamed() {
        Map<String, Object[]> bad = new LinkedHashMap<>();
        bad.put("a compound member of 8 bytes at byte 12 of a 16-byte compound",
                new Object[] {HeaderMessages.DATATYPE, compound(12)});
        bad.put("data of 1000 elements of 1 bytes in 1 bytes", new Object[] {HeaderMessages.ATTRIBUTE,
                bytes().u8(1, 0).u16(2).u16(8).u16(16).name("n", 8).u8(0x13, 0, 0, 0).u32(1).u8(1, 1, 0, 0).u32(0).u64(1000).u8('C')});
        bad.put("a name or text with no terminating zero", new Object[] {HeaderMessages.FILTER_PIPELINE,
                bytes().u8(1, 1, 0, 0).u32(0).u16(1).u16(8).u16(0).u16(0).u8('d', 'e', 'f', 'l', 'a', 't', 'e', 'x')});
        bad.put("a dataspace of rank 33", new Object[] {HeaderMessages.DATASPACE, bytes().u8(2, 33, 0, 1)});
        bad.put("an array type of 8 bytes holding 3 elements of 4", new Object[] {HeaderMessages.DATATYPE,
                bytes().u8(0x3a, 0, 0, 0).u32(8).u8(1).u32(3).then(int32())});
        bad.put("a fill value of 2^31 bytes (version 3 sizes are unsigned)", new Object[] {HeaderMessages.FILL_VALUE,
                bytes().u8(3, 0x20).u32(0x80000000L).u8(1, 2)});
        bad.put("refused: '/x' keeps its data in external file(s)", new Object[] {HeaderMessages.EXTERNAL_FILES,
                bytes().u8(1, 0, 0, 0).u16(1).u16(1).u64(0)});
        bad.put("a datatype of class 11", new Object[] {HeaderMessages.DATATYPE, bytes().u8(0x1b, 0, 0, 0).u32(4)});
        for (var entry : bad.entrySet()) {
            byte[] message = ((Bytes) entry.getValue()[1]).bytes();
            InvalidImageException e = assertThrows(InvalidImageException.class,
                    () -> check((int) entry.getValue()[0], message, message.length), entry.getKey());
            String expected = entry.getKey().startsWith("a fill value of 2^31") ? "runs past its end" : entry.getKey();
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    /** Compact and contiguous data must hold every element (1.10.8 copied elements times size from 0 bytes), a fill value one element. */
    @Test
    void compactDataAndFillValuesMustFitTheDataset() {
        byte[] space = bytes().u8(2, 1, 0, 1).u64(3).bytes();
        byte[] type = bytes().u8(0x19, 0x11, 0, 0).u32(16).u8(0x10, 0, 0, 0).u32(1).u16(0).u16(8).bytes();
        byte[] compact = bytes().u8(3, 0).u16(0).bytes();
        byte[] fill = bytes().u8(2, 2, 2, 1).u32(4).u32(0).bytes();
        MemorySegment image = MemorySegment.ofArray(new byte[256]);
        long at = 0;
        long[] where = new long[4];
        byte[][] parts = {space, type, compact, fill};
        for (int i = 0; i < 4; i++) {
            MemorySegment.copy(MemorySegment.ofArray(parts[i]), 0, image, at, parts[i].length);
            where[i] = at;
            at += parts[i].length;
        }
        HeaderMessages.Dataset dataset = new HeaderMessages.Dataset();
        dataset.message(HeaderMessages.DATASPACE, where[0]);
        dataset.message(HeaderMessages.DATATYPE, where[1]);
        dataset.message(HeaderMessages.LAYOUT, where[2]);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> dataset.checkSizes(image, ADDRESSES, "'/labels'"));
        assertEquals("the object header of '/labels': its data layout holds compact data of 0 bytes for 3 elements of 16 bytes:"
                + " the image is corrupt", e.getMessage());
        HeaderMessages.Dataset filled = new HeaderMessages.Dataset();
        filled.message(HeaderMessages.DATASPACE, where[0]);
        filled.message(HeaderMessages.DATATYPE, where[1]);
        filled.message(HeaderMessages.FILL_VALUE, where[3]);
        e = assertThrows(InvalidImageException.class, () -> filled.checkSizes(image, ADDRESSES, "'/labels'"));
        assertTrue(e.getMessage().contains("its fill value holds a value of 4 bytes for elements of 16"), e.getMessage());
        for (long size : new long[] {48, 0xe500000030L}) {
            byte[] contiguous = bytes().u8(3, 1).u64(2480).u64(size).bytes();
            MemorySegment.copy(MemorySegment.ofArray(contiguous), 0, image, 200, contiguous.length);
            HeaderMessages.Dataset stored = new HeaderMessages.Dataset();
            stored.message(HeaderMessages.DATASPACE, where[0]);
            stored.message(HeaderMessages.DATATYPE, where[1]);
            stored.message(HeaderMessages.LAYOUT, 200);
            if (size == 48) {
                assertDoesNotThrow(() -> stored.checkSizes(image, ADDRESSES, "'/labels'"));
            } else {
                e = assertThrows(InvalidImageException.class, () -> stored.checkSizes(image, ADDRESSES, "'/labels'"));
                assertTrue(e.getMessage().contains("contiguous data of " + size + " bytes for 3 elements of 16 bytes"), e.getMessage());
            }
        }
    }
}
