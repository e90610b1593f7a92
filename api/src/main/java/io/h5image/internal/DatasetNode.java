package io.h5image.internal;

import io.h5image.Attributes;
import io.h5image.Dataset;
import io.h5image.H5Type;
import io.h5image.NdArray;
import io.h5image.RecordView;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static io.h5image.bindings.hdf5_h.*;

/** A dataset: its file and its absolute path. Every method is one {@link NativeFile#call}. */
public final class DatasetNode implements Dataset {

    private final NativeFile file;
    private final String path;

    DatasetNode(NativeFile file, String path) {
        this.file = file;
        this.path = path;
    }

    /**
     * Creates the dataset at {@code target} (parents exist) and writes {@code encoded} into it.
     * Fixed-size data is encoded straight into the file's memory ({@link #writeInPlace}); strings
     * go through {@code H5Dwrite}, which lays out their heap.
     */
    static void create(NativeFile f, String target, Values.Encoded encoded, Arena arena) {
        boolean inPlace = !encoded.variableLength() && encoded.byteSize() > 0;
        try (Handle dcpl = Handle.of(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(dataset create)")) {
            Formats.objectCreate(dcpl.id());
            // Every element is written right away: a fill value would only be written over. (libhdf5
            // insists on one for variable-length types.)
            if (!encoded.variableLength()) Hdf5.check(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER()), "H5Pset_fill_time");
            if (inPlace) {
                f.memory().reserve(encoded.byteSize() + 64 * 1024);
                Hdf5.check(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY()), "H5Pset_alloc_time");
            }
            long offset = -1;
            try {
                try (Handle dataset = Handle.of(H5Dcreate2(f.id(), arena.allocateFrom(target), encoded.type().id(),
                        encoded.space().id(), H5P_DEFAULT(), dcpl.id(), H5P_DEFAULT()), Handle.Kind.DATASET, "H5Dcreate2('" + target + "')")) {
                    if (!inPlace) {
                        if (encoded.byteSize() > 0) {
                            Hdf5.check(H5Dwrite(dataset.id(), encoded.type().id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(),
                                    encoded.inMemory(arena)), "H5Dwrite('" + target + "')");
                        }
                        return;
                    }
                    offset = H5Dget_offset(dataset.id());
                    // Growing over the data region need not zero stale bytes there: every byte is
                    // encoded next. The growth comes when the dataset closes (its sieve buffer,
                    // holding the last element, is flushed), so the promise spans the close.
                    if (offset >= 0) f.memory().willOverwrite(offset, encoded.byteSize());
                    writeLastElement(dataset.id(), encoded, target, arena);
                } // closed before the bytes go in: its sieve buffer is flushed and cannot be written over them
            } catch (RuntimeException e) {
                if (offset >= 0) f.memory().zero(offset, encoded.byteSize());
                throw e;
            } finally {
                f.memory().overwritten();
            }
            writeInPlace(f, target, offset, encoded, arena);
        }
    }

    /**
     * Encodes the data at its place in the file's memory, once, with no staging buffer and no
     * {@code H5Dwrite} copy. The core driver grows its memory (zero-filled) only when it is written
     * to, so the last element went through libhdf5 first and the region now lies inside the file.
     * A record rejected while encoding unlinks the half-written dataset, so the file is left as it was.
     */
    private static void writeInPlace(NativeFile f, String target, long offset, Values.Encoded encoded, Arena arena) {
        MemorySegment region = f.memory().region(offset, encoded.byteSize(), "dataset '" + target + "'");
        try {
            encoded.bytes().into(region, 0);
        } catch (RuntimeException e) {
            region.fill((byte) 0); // growth left it unzeroed: no stale bytes of an earlier image may stay in the file
            if (H5Ldelete(f.id(), arena.allocateFrom(target), H5P_DEFAULT()) < 0) {
                e.addSuppressed(Hdf5.failure("H5Ldelete('" + target + "') after a rejected write"));
            }
            throw e;
        }
    }

    /** Writes the dataset's last element (zeros) through libhdf5, so that the driver's memory reaches the end of the data. */
    private static void writeLastElement(long dataset, Values.Encoded encoded, String target, Arena arena) {
        long elementSize = H5Tget_size(encoded.type().id());
        if (elementSize <= 0) throw Hdf5.failure("H5Tget_size('" + target + "')");
        int rank = Hdf5.check(H5Sget_simple_extent_ndims(encoded.space().id()), "H5Sget_simple_extent_ndims('" + target + "')");
        try (Handle one = Handle.of(H5Screate(H5S_SCALAR()), Handle.Kind.DATASPACE, "H5Screate(scalar)");
             Handle last = Handle.of(H5Scopy(encoded.space().id()), Handle.Kind.DATASPACE, "H5Scopy('" + target + "')")) {
            if (rank > 0) {
                MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, rank);
                Hdf5.check(H5Sget_simple_extent_dims(last.id(), dims, MemorySegment.NULL), "H5Sget_simple_extent_dims('" + target + "')");
                for (int i = 0; i < rank; i++) dims.setAtIndex(ValueLayout.JAVA_LONG, i, dims.getAtIndex(ValueLayout.JAVA_LONG, i) - 1);
                Hdf5.check(H5Sselect_elements(last.id(), H5S_SELECT_SET(), 1, dims), "H5Sselect_elements('" + target + "')");
            }
            Hdf5.check(H5Dwrite(dataset, encoded.type().id(), one.id(), last.id(), H5P_DEFAULT(),
                    arena.allocate(elementSize, CoreDriverMemory.ALIGNMENT)), "H5Dwrite('" + target + "', last element)");
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long[] shape() {
        return file.call(f -> {
            try (Arena arena = Arena.ofConfined();
                 OpenDataset dataset = OpenDataset.open(f, path)) {
                return ImageReader.isNull(dataset.space().id(), path) ? null : ImageReader.shape(dataset.space().id(), path, arena);
            }
        });
    }

    @Override
    public boolean hasNullDataspace() {
        return file.call(f -> {
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                return ImageReader.isNull(dataset.space().id(), path);
            }
        });
    }

    @Override
    public Object readValue() {
        return file.call(f -> {
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                return StoredValues.dataset(f, dataset, path);
            }
        });
    }

    @Override
    public NdArray read() {
        return readNumbers(null, null);
    }

    @Override
    public NdArray read(SegmentAllocator where) {
        java.util.Objects.requireNonNull(where, "where");
        return readNumbers(null, where);
    }

    @Override
    public NdArray readSlab(long[] start, long[] count) {
        return readNumbers(new Slab.Request(start, count, null), null);
    }

    @Override
    public NdArray readSlab(long[] start, long[] count, long[] stride, SegmentAllocator where) {
        java.util.Objects.requireNonNull(where, "where");
        return readNumbers(new Slab.Request(start, count, stride), where);
    }

    private NdArray readNumbers(Slab.Request slab, SegmentAllocator where) {
        return file.call(f -> {
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                return NdArrays.of(ImageReader.read(f, dataset, path, slab, where));
            }
        });
    }

    @Override
    public String[] readStrings() {
        return file.call(f -> {
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                long type = dataset.type().id();
                if (!Strings.isString(type)) {
                    throw new UnsupportedTypeException("dataset '" + path + "' holds " + TypeMap.className(H5Tget_class(type))
                            + ", not strings: use read()");
                }
                if (H5Tis_variable_str(type) > 0 && f.checker() != null && f.bytesForJava() != null) {
                    // From an image: decoded in Java (StoredValues), never by libhdf5's global heap code.
                    List<String> strings = new java.util.ArrayList<>();
                    flatten(StoredValues.dataset(f, dataset, path), strings);
                    return strings.toArray(String[]::new);
                }
                long limit = f.decodeLimit();
                long count = Values.count(dataset.space().id(), path);
                return Strings.read(type, count, limit, "dataset '" + path + "'",
                        (memoryType, buffer) -> nativeRead(f, dataset, memoryType, buffer));
            }
        });
    }

    /** The strings of a value {@link StoredValues} gave (a string, or arrays of them), in C order; none for an {@code Empty}. */
    private static void flatten(Object value, List<String> out) {
        if (value instanceof String one) {
            out.add(one);
        } else if (value instanceof Object[] many) {
            for (Object v : many) flatten(v, out);
        }
    }

    /** {@code H5Dread} of every element, after the checks that keep a corrupt image from crashing libhdf5. */
    private void nativeRead(NativeFile f, OpenDataset dataset, long memoryType, MemorySegment buffer) {
        ImageReader.beforeNativeRead(dataset, f.imageSize(), path);
        Hdf5.check(H5Dread(dataset.id(), memoryType, H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), buffer), "H5Dread('" + path + "')");
    }

    @Override
    public H5Type type() {
        return file.call(f -> {
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                return Types.describe(dataset.type().id(), "dataset '" + path + "'");
            }
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Record> List<R> readRecords(Class<R> recordType) {
        java.util.Objects.requireNonNull(recordType, "recordType");
        return file.call(f -> {
            String where = "dataset '" + path + "'";
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                return (List<R>) (List<?>) records(dataset.type().id(), dataset.space().id(), recordType, where, f,
                        (memoryType, buffer) -> nativeRead(f, dataset, memoryType, buffer));
            }
        });
    }

    /**
     * Records of a compound dataset or attribute: fields matched by name and converted by libhdf5
     * into the record's packed layout, then decoded in Java.
     */
    static List<Object> records(long type, long space, Class<?> recordType, String where, NativeFile f, Strings.Reader read) {
        H5Type.CompoundType compound = compound(Types.describe(type, where), where);
        RecordCodec codec = RecordCodec.forReading(recordType, compound, where);
        long count = Values.count(space, where);
        // Each record is a Java object too: count its header and reference, or a tiny record type
        // over a huge dataspace would pass the limit and exhaust the heap.
        checkedSize(count, codec.size() + Values.JAVA_OBJECT_BYTES, f, where);
        long bytes = count * codec.size();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, bytes), CoreDriverMemory.ALIGNMENT).asSlice(0, bytes);
            if (bytes > 0) {
                try (Handle memoryType = Types.create(codec.type())) {
                    read.into(memoryType.id(), buffer);
                }
            }
            return codec.decode(buffer, count);
        }
    }

    @Override
    public RecordView recordView() {
        return recordView(null);
    }

    @Override
    public RecordView recordView(SegmentAllocator into) {
        return file.call(f -> {
            String where = "dataset '" + path + "'";
            try (OpenDataset dataset = OpenDataset.open(f, path)) {
                long type = dataset.type().id();
                H5Type.CompoundType compound = compound(Types.describe(type, where), where);
                if (H5Tdetect_class(type, H5T_VLEN()) > 0 || H5Tdetect_class(type, H5T_STRING()) > 0
                        && containsVariableString(compound)) {
                    throw new UnsupportedTypeException(where + " has variable-length fields, which are stored as references"
                            + " elsewhere in the file: it has no in-place layout; use readRecords");
                }
                StructLayout layout = (StructLayout) compound.layout();
                long count = Values.count(dataset.space().id(), where);
                long bytes = checkedSize(count, compound.size(), f, where);
                MemorySegment source = f.viewSource();
                long offset = source == null ? -1 : ImageReader.viewOffset(dataset, bytes, source.byteSize(), path, "compound[" + count + "]");
                if (offset >= 0) return new RecordView(source.asSlice(offset, bytes), layout, count, true);
                if (bytes > 0) ImageReader.beforeNativeRead(dataset, f.imageSize(), path);
                MemorySegment copy = ImageReader.allocate(into, bytes, path);
                if (bytes > 0) {
                    try (Arena arena = Arena.ofConfined();
                         Handle memoryType = Handle.of(H5Tcopy(type), Handle.Kind.DATATYPE, "H5Tcopy('" + path + "')")) {
                        ImageReader.throughNative(copy, arena, target -> Hdf5.check(
                                H5Dread(dataset.id(), memoryType.id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), target), "H5Dread('" + path + "')"));
                    }
                }
                return new RecordView(copy, layout, count, false);
            }
        });
    }

    private static boolean containsVariableString(H5Type type) {
        return switch (type) {
            case H5Type.StringType s -> s.isVariable();
            case H5Type.CompoundType c -> c.members().stream().anyMatch(m -> containsVariableString(m.type()));
            case H5Type.ArrayType a -> containsVariableString(a.base());
            case H5Type.VlenType v -> true;
            default -> false;
        };
    }

    private static H5Type.CompoundType compound(H5Type type, String where) {
        if (type instanceof H5Type.CompoundType c) return c;
        throw new UnsupportedTypeException(where + " holds " + type + ", not a compound type: use read() or readStrings()");
    }

    private static long checkedSize(long count, long size, NativeFile f, String where) {
        long limit = f.decodeLimit();
        if (size > 0 && count > limit / size) {
            throw new io.h5image.InvalidImageException(where + " claims " + count + " elements of " + size
                    + " bytes, over the limit of " + limit + " bytes; raise -Dh5image.maxDecodedBytes to read it");
        }
        return count * size;
    }

    @Override
    public Attributes attributes() {
        return new AttributeSet(file, path);
    }

    @Override
    public String toString() {
        return "Dataset[" + path + " in " + file.description() + "]";
    }
}
