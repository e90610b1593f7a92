package io.h5image;

import io.h5image.internal.ImageTemplates;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ErrorsTest {

    @Test
    void garbageIsNotAnImage() {
        byte[] garbage = "this is not HDF5 at all".getBytes();
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> H5Image.deserialize(garbage));
        assertTrue(e.getMessage().startsWith("not an HDF5 image") && e.getMessage().contains("74 68 69 73"), e.getMessage());
        assertThrows(InvalidImageException.class, () -> H5Image.deserialize(new byte[0]));
    }

    @Test
    void garbageAfterASignatureCarriesHdf5sErrorStack() {
        byte[] image = new byte[4096];
        new Random(1).nextBytes(image);
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, image, 0, 8);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> H5Image.deserialize(image));
        assertTrue(e.getMessage().contains("cannot open the 4096-byte image"), e.getMessage());
        H5LibraryException cause = assertInstanceOf(H5LibraryException.class, e.getCause());
        assertFalse(cause.errorStack().isEmpty(), "HDF5's error stack must be captured");
        assertTrue(cause.getMessage().contains("HDF5 error stack"), cause.getMessage());
    }

    @Test
    void missingDatasetNamesIt() {
        MemorySegment image = H5Image.serialize(new int[] {1});
        NotFoundException e = assertThrows(NotFoundException.class, () -> H5Image.deserialize(image, "no/such"));
        assertEquals("/no/such", e.path());
        assertTrue(e.getMessage().contains("no dataset '/no/such'"), e.getMessage());
        NotFoundException root = assertThrows(NotFoundException.class, () -> H5Image.deserialize(image, "/"));
        assertTrue(root.getMessage().contains("'/'") && root.getMessage().contains("is a group, not a dataset"), root.getMessage());
    }

    /** A name that merely contains an error word is not classified by it: classification reads HDF5's codes. */
    @Test
    void aDatasetNamedLikeAnErrorIsJustMissing() {
        MemorySegment image = H5Image.serialize(new int[] {1});
        NotFoundException e = assertThrows(NotFoundException.class, () -> H5Image.deserialize(image, "fletcher32 checksum"));
        assertEquals("/fletcher32 checksum", e.path());
    }

    @Test
    void unsupportedJavaTypesFailBeforeAnyNativeCall() {
        // A value h5image cannot store is the caller's mistake: an IllegalArgumentException, naming the type.
        UnsupportedValueException e = assertThrows(UnsupportedValueException.class, () -> H5Image.serialize(new String[] {"a"}));
        assertTrue(e.getMessage().contains("String[]"), e.getMessage());
        assertEquals(String[].class, e.valueType());
        IllegalArgumentException hello = assertThrows(IllegalArgumentException.class, () -> H5Image.serialize("hello"));
        assertInstanceOf(UnsupportedValueException.class, hello);
        assertTrue(hello.getMessage().contains("java.lang.String"), hello.getMessage());
        assertThrows(UnsupportedValueException.class, () -> H5Image.serializeToBytes(new Object()));
        assertThrows(UnsupportedValueException.class, () -> H5Image.serialize(new char[3]));
        assertThrows(NullPointerException.class, () -> H5Image.serialize(null));
        assertThrows(NullPointerException.class, () -> H5Image.deserialize((byte[]) null));
        assertThrows(NullPointerException.class, () -> H5Image.deserialize(H5Image.serialize(1), null));
        assertThrows(IllegalArgumentException.class, () -> ImageOptions.defaults().deflate(10));
        assertThrows(IllegalArgumentException.class, () -> ImageOptions.defaults().chunks(0));
        IllegalArgumentException wrongRank = assertThrows(IllegalArgumentException.class,
                () -> H5Image.serialize(new int[4][4], ImageOptions.defaults().chunks(2), Arena.ofAuto()));
        assertTrue(wrongRank.getMessage().contains("rank"), wrongRank.getMessage());
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> NdArray.of(MemorySegment.ofArray(new int[3]), DType.INT32, 2, 2));
        assertTrue(wrongSize.getMessage().contains("12 bytes") && wrongSize.getMessage().contains("16"), wrongSize.getMessage());
    }

    @Test
    void truncatedImagesFailCleanly() {
        byte[] whole = H5Image.serializeToBytes(new double[100][100]);
        for (int keep : new int[] {8, 40, 512, 2047, 2048, 10_000, whole.length - 1}) {
            byte[] cut = java.util.Arrays.copyOf(whole, keep);
            H5Exception e = assertThrows(H5Exception.class, () -> H5Image.deserialize(cut), "truncated to " + keep);
            assertInstanceOf(InvalidImageException.class, e, "truncated to " + keep + ": " + e);
        }
    }

    /**
     * Random byte flips must give a clean exception or the right answer, never a crash and never a
     * view outside the image. Flips land in the metadata (the payload is plain data by design).
     */
    @Test
    void corruptMetadataNeverCrashesOrEscapesTheImage() {
        ImageTemplates.setEnabled(false);
        try {
            int[][] values = new int[16][16];
            for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) values[i][j] = i * 16 + j;
            byte[] pristine = H5Image.serializeToBytes(values);
            long payloadAt = H5Image.inspect(MemorySegment.ofArray(pristine)).getFirst().offset();
            Random random = new Random(42);
            int failures = 0;
            for (int trial = 0; trial < 1500; trial++) {
                byte[] image = pristine.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = random.nextInt((int) payloadAt);
                    image[at] ^= (byte) (1 << random.nextInt(8));
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment segment = arena.allocate(image.length);
                    MemorySegment.copy(image, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, image.length);
                    NdArray back = H5Image.deserialize(segment);
                    if (back.isView()) {
                        long start = back.segment().address() - segment.address();
                        assertTrue(start >= 0 && start + back.segment().byteSize() <= segment.byteSize(), "view escapes the image");
                    }
                    back.toArray();
                } catch (H5Exception expected) {
                    failures++;
                    assertNotNull(expected.getMessage());
                }
            }
            assertTrue(failures > 0, "checksummed metadata must reject some corrupt images");
        } finally {
            ImageTemplates.setEnabled(true);
        }
    }

    @Test
    void unsupportedJavaComponentTypesAreNamed() {
        UnsupportedValueException e = assertThrows(UnsupportedValueException.class, () -> DType.ofJavaType(char.class));
        assertTrue(e.getMessage().contains("char"), e.getMessage());
        assertEquals(char.class, e.valueType());
    }

    /** Object headers are checked in Java before libhdf5 loads them: each corrupt one is named, whichever way it is reached. */
    @Test
    void aCorruptObjectHeaderIsNamedWhereverItIsReached() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("g/inner/d", new int[] {1, 2, 3});
            file.createDataset("plain", new int[] {4});
            image = file.toBytes();
        }
        // Corrupt the header of group /g/inner (the third, after / and /g): a byte of its first chunk, after the prefix.
        long innerAddress = headerOf(image, 2);
        byte[] bad = image.clone();
        bad[(int) innerAddress + 20] ^= 0x5a;
        try (H5File file = H5File.open(bad)) {
            assertArrayEquals(new int[] {4}, (int[]) file.dataset("plain").read().toArray(), "objects elsewhere stay readable");
            for (org.junit.jupiter.api.function.Executable reach : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> file.dataset("g/inner/d"), () -> file.group("g/inner"), () -> file.contains("g/inner/d"),
                    () -> file.group("g").group("inner").attributes().names())) {
                InvalidImageException e = assertThrows(InvalidImageException.class, reach);
                assertTrue(e.getMessage().contains("'/g/inner'") && e.getMessage().contains("checksum"), e.getMessage());
            }
        }
        // The root group's header is checked before libhdf5 opens the file at all.
        byte[] badRoot = image.clone();
        badRoot[(int) headerOf(image, 0) + 20] ^= 0x5a;
        InvalidImageException root = assertThrows(InvalidImageException.class, () -> H5File.open(badRoot));
        assertTrue(root.getMessage().contains("root group") && root.getMessage().contains("checksum"), root.getMessage());
    }

    /** The offset of the {@code n}th object header signature in {@code image}, in file order (h5image writes parents first). */
    private static long headerOf(byte[] image, int n) {
        byte[] ohdr = "OHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int seen = 0;
        outer:
        for (int i = 0; i + 4 <= image.length; i++) {
            for (int k = 0; k < 4; k++) if (image[i + k] != ohdr[k]) continue outer;
            if (seen++ == n) return i;
        }
        throw new AssertionError("fewer than " + (n + 1) + " object headers");
    }
}
