package io.h5image;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link H5Image#inspect} found about one dataset.
 *
 * @param path         full path from the root group, without the leading slash
 * @param type         the dtype name ("float64", "bool"; "int32 (big-endian)" for big-endian storage), or the
 *                     lower-case HDF5 type class h5image cannot read ("string", "compound")
 * @param shape        C order; empty for a scalar (and for a null dataspace)
 * @param layout       "contiguous", "chunked", "compact" or "virtual"
 * @param offset       byte offset of contiguous data in the image, or -1 when there is none
 * @param chunks       chunk dimensions, or null unless chunked
 * @param filters      filter names in pipeline order ("shuffle", "deflate(4)", "fletcher32")
 * @param storageBytes bytes the data takes in the image
 * @param problem      why this object could not be read (a corrupt header, a refused external link, a
 *                     dangling link), or null; such an entry is reported, never skipped, and its other
 *                     fields are empty
 */
public record DatasetInfo(String path, String type, long[] shape, String layout, long offset, long[] chunks,
                          List<String> filters, long storageBytes, String problem) {

    /**
     * An object that could not be read.
     *
     * @param path    its path
     * @param problem why
     * @return the entry
     */
    public static DatasetInfo unreadable(String path, String problem) {
        return new DatasetInfo(path, "?", new long[0], "?", -1, null, List.of(), 0, problem);
    }

    @Override
    public String toString() {
        if (problem != null) return path + ": UNREADABLE: " + problem;
        return path + ": " + type + " " + Arrays.toString(shape) + " " + layout
                + (offset >= 0 ? " @" + offset : "") + (chunks != null ? " chunks=" + Arrays.toString(chunks) : "")
                + (filters.isEmpty() ? "" : " filters=" + filters) + " " + storageBytes + " B";
    }
}
