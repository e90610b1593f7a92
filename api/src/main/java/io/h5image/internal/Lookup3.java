package io.h5image.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The checksum of HDF5's metadata: Bob Jenkins' lookup3 {@code hashlittle} with an initial value
 * of 0 (HDF5 file format spec, "Checksums"), so h5image can check metadata in Java before libhdf5
 * parses it.
 */
final class Lookup3 {
    private Lookup3() {}

    /** The checksum of {@code length} bytes of {@code data} at {@code offset}. */
    static int hash(MemorySegment data, long offset, long length) {
        int a = 0xdeadbeef + (int) length;
        int b = a;
        int c = a;
        long at = offset;
        long left = length;
        while (left > 12) {
            a += data.get(LittleEndian.INT, at);
            b += data.get(LittleEndian.INT, at + 4);
            c += data.get(LittleEndian.INT, at + 8);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            at += 12;
            left -= 12;
        }
        if (left == 0) return c;
        // The last 1..12 bytes, little-endian, into a, b, c in that order.
        for (int i = 0; i < left; i++) {
            int value = (data.get(ValueLayout.JAVA_BYTE, at + i) & 0xff) << ((i & 3) * 8);
            if (i < 4) a += value;
            else if (i < 8) b += value;
            else c += value;
        }
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** Whether the 4 bytes after {@code length} bytes at {@code offset} are their checksum. */
    static boolean matches(MemorySegment data, long offset, long length) {
        return data.get(LittleEndian.INT, offset + length) == hash(data, offset, length);
    }
}
