package io.h5image;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * How {@link H5Image#serialize(Object, ImageOptions, java.lang.foreign.SegmentAllocator)} stores the
 * dataset. The default is contiguous and uncompressed, the layout that deserializes as a zero-copy
 * view. Filters need chunks: when a filter is asked for without {@link #chunks(long...)}, chunks of
 * about 1 MiB are chosen. Scalars and arrays with a zero dimension are always stored contiguous.
 *
 * @param chunks     chunk dimensions, or null for contiguous storage
 * @param shuffle    the byte-shuffle filter (helps deflate on numeric data)
 * @param deflate    zlib level 0..9, or -1 for none
 * @param fletcher32 a checksum of every chunk, verified on read
 * @param order      byte order of the stored elements, or null for the order they arrive in
 */
public record ImageOptions(long[] chunks, boolean shuffle, int deflate, boolean fletcher32, ByteOrder order) {

    private static final ImageOptions DEFAULTS = new ImageOptions(null, false, -1, false, null);

    /** Checks the deflate level and chunk dimensions and copies the chunk array. */
    public ImageOptions {
        if (deflate < -1 || deflate > 9) {
            throw new IllegalArgumentException("deflate level must be 0..9 (or -1 for none), got " + deflate);
        }
        if (chunks != null) {
            chunks = chunks.clone();
            for (long c : chunks) {
                if (c <= 0) throw new IllegalArgumentException("chunk dimensions must be positive: " + Arrays.toString(chunks));
            }
        }
    }

    /** {@return contiguous, uncompressed, the input's byte order} */
    public static ImageOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Chunked storage, with these chunk dimensions.
     *
     * @param dims chunk dimensions, one per axis, each positive
     * @return these options with chunked storage
     */
    public ImageOptions chunks(long... dims) {
        return new ImageOptions(Objects.requireNonNull(dims, "dims"), shuffle, deflate, fletcher32, order);
    }

    /**
     * Turns the byte-shuffle filter on or off.
     *
     * @param on whether to byte-shuffle each chunk before compressing it
     * @return these options with shuffle on or off
     */
    public ImageOptions shuffle(boolean on) {
        return new ImageOptions(chunks, on, deflate, fletcher32, order);
    }

    /**
     * Sets the deflate (zlib) level.
     *
     * @param level zlib level 0..9, or -1 for none
     * @return these options with that deflate level
     */
    public ImageOptions deflate(int level) {
        return new ImageOptions(chunks, shuffle, level, fletcher32, order);
    }

    /**
     * Turns fletcher32 chunk checksums on or off.
     *
     * @param on whether to checksum every chunk, verified on read
     * @return these options with fletcher32 on or off
     */
    public ImageOptions fletcher32(boolean on) {
        return new ImageOptions(chunks, shuffle, deflate, on, order);
    }

    /**
     * Stores elements in this byte order.
     *
     * @param byteOrder the byte order to store elements in (HDF5 readers convert as they read)
     * @return these options with that byte order
     */
    public ImageOptions order(ByteOrder byteOrder) {
        return new ImageOptions(chunks, shuffle, deflate, fletcher32, Objects.requireNonNull(byteOrder, "byteOrder"));
    }

    /** {@return true when the data goes through chunks: asked for, or implied by a filter} */
    public boolean chunked() {
        return chunks != null || shuffle || deflate >= 0 || fletcher32;
    }

    /** {@return the chunk dimensions (a copy), or null for contiguous storage} */
    @Override
    public long[] chunks() {
        return chunks == null ? null : chunks.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageOptions o && Arrays.equals(chunks, o.chunks) && shuffle == o.shuffle
                && deflate == o.deflate && fletcher32 == o.fletcher32 && Objects.equals(order, o.order);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(chunks), shuffle, deflate, fletcher32, order);
    }

    @Override
    public String toString() {
        return "ImageOptions[chunks=" + Arrays.toString(chunks) + ", shuffle=" + shuffle + ", deflate=" + deflate
                + ", fletcher32=" + fletcher32 + ", order=" + order + "]";
    }
}
