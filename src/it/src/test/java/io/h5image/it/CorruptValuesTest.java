package io.h5image.it;

import io.h5image.DatasetInfo;
import io.h5image.H5File;
import io.h5image.H5Image;
import io.h5image.InvalidImageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Values whose heap references or addresses are corrupt, in h5py's file of every kind of variable
 * data (the fuzz seed h5py-types.h5): each read fails with an {@link InvalidImageException} that says
 * what and where, from Java, before libhdf5 could follow the reference. Every case is read from bytes
 * and while editing a copy (both are untrusted).
 */
class CorruptValuesTest {

    private static byte[] seed() throws IOException {
        try (InputStream in = CorruptValuesTest.class.getResourceAsStream("h5py-types.h5")) {
            return in.readAllBytes();
        }
    }

    /** Where a contiguous dataset's elements start. */
    private static int offset(byte[] image, String path) {
        for (DatasetInfo info : H5Image.inspect(MemorySegment.ofArray(image))) {
            if (("/" + info.path()).equals(path)) return Math.toIntExact(info.offset());
        }
        throw new AssertionError(path + " is not in the seed");
    }

    private static void assertRefused(byte[] image, String path, String... words) {
        try (H5File fromBytes = H5File.open(image); H5File editing = H5File.edit(image)) {
            for (H5File file : new H5File[] {fromBytes, editing}) {
                InvalidImageException e = assertThrows(InvalidImageException.class, () -> file.dataset(path).readValue());
                for (String word : words) assertTrue(e.getMessage().contains(word), e.getMessage());
            }
        }
    }

    @Test
    void aSequenceNamingAHeapObjectThatIsNotThere() throws IOException {
        byte[] image = seed();
        ByteBuffer vlen = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int first = offset(image, "/vlen"); // each element: length (4), collection address (8), object index (4)
        vlen.putInt(first + 12, 99);
        assertRefused(image, "/vlen", "/vlen", "object 99 of the global heap collection", "no such object");
    }

    @Test
    void aSequenceLongerThanItsHeapObject() throws IOException {
        byte[] image = seed();
        int first = offset(image, "/vlen");
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(first, 1000);
        assertRefused(image, "/vlen", "/vlen", "a sequence of 1000 elements", "in a heap object of 12 bytes");
    }

    @Test
    void aStringInARecordLongerThanItsHeapObject() throws IOException {
        byte[] image = seed();
        // records: name (a variable string: 16 bytes in the file), n (4), v (2 x 4): the first name's length.
        int first = offset(image, "/records");
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(first, 5000);
        assertRefused(image, "/records", "/records", "field 'name'", "a string of 5000 bytes");
    }

    @Test
    void anObjectReferenceToNoObject() throws IOException {
        byte[] image = seed();
        int first = offset(image, "/refs");
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(first, 12345);
        assertRefused(image, "/refs", "/refs", "object at address 12345", "which no hard link of the file reaches");
    }

    @Test
    void aRegionReferenceToAHeapCollectionThatIsNotThere() throws IOException {
        byte[] image = seed();
        int first = offset(image, "/regions"); // each: collection address (8), object index (4)
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(first, image.length - 8);
        assertRefused(image, "/regions", "/regions", "global heap");
    }
}
