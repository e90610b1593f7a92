package io.h5image.internal;

import io.h5image.H5Type;
import io.h5image.UnsupportedTypeException;
import io.h5image.UnsupportedValueException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Java record as an HDF5 compound type, Turi's POD fast path with types: each component a member
 * of the same name, packed in declaration order with no padding, which is the layout numpy gives a
 * structured dtype by default, so h5py reads it as a structured array and its structured arrays
 * read back as records. Components may be primitives ({@code boolean} as h5py's bool), nested
 * records and primitive arrays of a fixed length (taken from the data when writing, from the file
 * when reading). Elements are encoded and decoded in Java, with no HDF5 call per element.
 */
final class RecordCodec {

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** One component: how to get it from a record and where it sits in the packed element. */
    private abstract static sealed class Field permits Scalar, Nested, Vector {
        final String name;
        final MethodHandle accessor;
        final long offset;

        Field(String name, MethodHandle accessor, long offset) {
            this.name = name;
            this.accessor = accessor;
            this.offset = offset;
        }

        abstract long size();

        abstract H5Type type();

        /** Writes this component of a record: a handle of type {@link RecordRows#ROW}. */
        abstract MethodHandle row();

        /** Reads this component from a packed element: a handle {@code (MemorySegment in, long element) component}. */
        abstract MethodHandle load();
    }

    /** A primitive component. */
    private static final class Scalar extends Field {
        final Class<?> kind;

        Scalar(String name, MethodHandle accessor, long offset, Class<?> kind) {
            super(name, accessor, offset);
            this.kind = kind;
        }

        @Override
        long size() {
            return width(kind);
        }

        @Override
        H5Type type() {
            return scalarType(kind);
        }

        @Override
        MethodHandle row() {
            return RecordRows.scalar(accessor, kind, offset);
        }

        @Override
        MethodHandle load() {
            return RecordRows.load(kind, offset);
        }
    }

    /** A nested record component. */
    private static final class Nested extends Field {
        final RecordCodec codec;

        Nested(String name, MethodHandle accessor, long offset, RecordCodec codec) {
            super(name, accessor, offset);
            this.codec = codec;
        }

        @Override
        long size() {
            return codec.size;
        }

        @Override
        H5Type type() {
            return codec.type();
        }

        @Override
        MethodHandle row() {
            return RecordRows.nested(accessor, name, codec.row(), offset);
        }

        @Override
        MethodHandle load() {
            return RecordRows.loadNested(codec.reading(), codec.recordType, offset);
        }
    }

    /** A primitive array component of a fixed length. */
    private static final class Vector extends Field {
        final Class<?> kind;
        final int length;

        Vector(String name, MethodHandle accessor, long offset, Class<?> kind, int length) {
            super(name, accessor, offset);
            this.kind = kind;
            this.length = length;
        }

        @Override
        long size() {
            return width(kind) * (long) length;
        }

        @Override
        H5Type type() {
            return new H5Type.ArrayType(scalarType(kind), new long[] {length});
        }

        @Override
        MethodHandle row() {
            return RecordRows.vector(accessor, name, kind, length, offset);
        }

        @Override
        MethodHandle load() {
            return RecordRows.loadVector(kind, length, offset);
        }
    }

    /**
     * Each record class's row writers, by packed type (array lengths vary between datasets): a
     * writer is a class definition, made once. Kept in the record class itself, so they go when it does.
     */
    private static final ClassValue<ConcurrentHashMap<H5Type.CompoundType, RecordRows.Writer>> WRITERS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<H5Type.CompoundType, RecordRows.Writer> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** The same for row readers: records read from a packed type of the same lengths share one. */
    private static final ClassValue<ConcurrentHashMap<H5Type.CompoundType, RecordRows.Reader>> READERS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<H5Type.CompoundType, RecordRows.Reader> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private final Class<?> recordType;
    private final List<Field> fields;
    private final MethodHandle constructor;
    private final long size;
    /** The packed compound type, made once: it keys the row writers on every write. */
    private final H5Type.CompoundType type;

    private RecordCodec(Class<?> recordType, List<Field> fields, MethodHandle constructor) {
        this.recordType = recordType;
        this.fields = fields;
        this.constructor = constructor;
        long total = 0;
        for (Field f : fields) total += f.size();
        this.size = total;
        List<H5Type.CompoundType.Member> members = new ArrayList<>(fields.size());
        for (Field f : fields) members.add(new H5Type.CompoundType.Member(f.name, f.offset, f.type()));
        this.type = new H5Type.CompoundType(size, members);
    }

    /** For writing: array lengths come from {@code sample}, the first record. */
    static RecordCodec forWriting(Class<?> type, Object sample) {
        return build(type, sample, null, type.getSimpleName());
    }

    /** For reading: array lengths come from the file's compound, whose members are matched by name. */
    static RecordCodec forReading(Class<?> type, H5Type.CompoundType file, String where) {
        return build(type, null, file, where);
    }

    private static RecordCodec build(Class<?> type, Object sample, H5Type.CompoundType file, String where) {
        if (!type.isRecord()) throw new UnsupportedValueException(type.getName() + " is not a record", type);
        RecordComponent[] components = type.getRecordComponents();
        List<Field> fields = new ArrayList<>(components.length);
        long offset = 0;
        Class<?>[] parameterTypes = new Class<?>[components.length];
        try {
            MethodHandles.Lookup lookup = lookupFor(type);
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                Class<?> kind = component.getType();
                parameterTypes[i] = kind;
                String name = component.getName();
                MethodHandle accessor = lookup.unreflect(component.getAccessor());
                H5Type.CompoundType.Member member = file == null ? null : file.member(name);
                if (file != null && member == null) {
                    throw new UnsupportedTypeException(where + " has no field '" + name + "' for component " + name + " of "
                            + type.getSimpleName() + " (its fields: " + file.members().stream().map(H5Type.CompoundType.Member::name).toList() + ")");
                }
                Field field;
                if (kind.isPrimitive() && kind != char.class && kind != void.class) {
                    if (member != null) requireCompatible(member.type(), kind, where + " field '" + name + "'");
                    field = new Scalar(name, accessor, offset, kind);
                } else if (kind.isRecord()) {
                    if (member != null && !(member.type() instanceof H5Type.CompoundType)) {
                        throw new UnsupportedTypeException(where + " field '" + name + "' is " + member.type() + ", not a compound for record "
                                + kind.getSimpleName());
                    }
                    Object nestedSample = sample == null ? null : accessor.invoke(sample);
                    RecordCodec nested = build(kind, nestedSample, member == null ? null : (H5Type.CompoundType) member.type(),
                            where + " field '" + name + "'");
                    field = new Nested(name, accessor, offset, nested);
                } else if (kind.isArray() && kind.getComponentType().isPrimitive() && kind.getComponentType() != char.class) {
                    int length;
                    if (member != null) {
                        if (!(member.type() instanceof H5Type.ArrayType array) || array.dims().length != 1
                                || array.dims()[0] > Integer.MAX_VALUE - 8) {
                            throw new UnsupportedTypeException(where + " field '" + name + "' is " + member.type()
                                    + ", not a one-dimensional array for component " + name);
                        }
                        requireCompatible(array.base(), kind.getComponentType(), where + " field '" + name + "'");
                        length = (int) array.dims()[0];
                    } else {
                        Object array = sample == null ? null : accessor.invoke(sample);
                        if (array == null) {
                            throw new IllegalArgumentException("cannot tell the length of array component '" + name + "' of "
                                    + type.getSimpleName() + " without a record that has one");
                        }
                        length = Array.getLength(array);
                        if (length == 0) throw new IllegalArgumentException("array component '" + name + "' is empty; HDF5 arrays have a length of 1 or more");
                    }
                    field = new Vector(name, accessor, offset, kind.getComponentType(), length);
                } else {
                    throw new UnsupportedValueException("component '" + name + "' of " + type.getSimpleName() + " is a "
                            + kind.getSimpleName() + "; records are stored as compound types of primitives, nested records and"
                            + " primitive arrays", kind);
                }
                fields.add(field);
                offset += field.size();
            }
            MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class, parameterTypes));
            return new RecordCodec(type, List.copyOf(fields), constructor);
        } catch (IllegalAccessException e) {
            String pkg = type.getPackageName();
            throw new UnsupportedValueException("record " + type.getName() + " cannot be reached by h5image: make it public in a package"
                    + " its module exports to io.h5image (exports " + pkg + " to io.h5image;), or open the package to io.h5image"
                    + " (opens " + pkg + " to io.h5image;), which also admits records that are not public", type);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("reading a component of " + type.getName() + " failed", e);
        }
    }

    /**
     * Access to a record's accessors and constructor: full access where its package is open to
     * h5image (every package on the class path is, so local and package-private records work there),
     * otherwise h5image's own, which reaches public records of packages exported to it.
     */
    private static MethodHandles.Lookup lookupFor(Class<?> type) throws IllegalAccessException {
        Module ours = RecordCodec.class.getModule();
        ours.addReads(type.getModule());
        if (type.getModule().isOpen(type.getPackageName(), ours)) return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        return MethodHandles.lookup();
    }

    /** A stored member can become a Java primitive only if it is a number, or a bool for a boolean. */
    private static void requireCompatible(H5Type stored, Class<?> kind, String where) {
        // libhdf5 converts between integer and float widths and byte orders, not between an enum and a number.
        boolean ok = kind == boolean.class ? stored instanceof H5Type.BoolType
                : stored instanceof H5Type.IntegerType || stored instanceof H5Type.FloatType;
        if (!ok) throw new UnsupportedTypeException(where + " is " + stored + ", which cannot be read as a Java " + kind.getName());
    }

    /** {@return bytes per packed element} */
    long size() {
        return size;
    }

    Class<?> recordType() {
        return recordType;
    }

    /** The packed compound type, native byte order, members in declaration order. */
    H5Type.CompoundType type() {
        return type;
    }

    /**
     * Encodes every record, packed, into {@code out} at {@code at}: in Java, with no HDF5 call per
     * element, each record read once through code made for its type ({@link RecordRows}).
     */
    void encode(List<?> records, MemorySegment out, long at) {
        List<?> list = records instanceof java.util.RandomAccess ? records : new ArrayList<>(records);
        WRITERS.get(recordType).computeIfAbsent(type(), t -> RecordRows.writer(recordType, row())).write(list, out, at, size);
    }

    /** Writes one record: a handle of type {@link RecordRows#ROW}. */
    private MethodHandle row() {
        List<MethodHandle> rows = new ArrayList<>(fields.size());
        for (Field f : fields) rows.add(f.row());
        return RecordRows.sequence(rows);
    }

    /**
     * Decodes {@code count} packed elements into records, each made through code made for its type
     * ({@link RecordRows#reader}): components read straight into the constructor, nothing boxed.
     */
    List<Object> decode(MemorySegment in, long count) {
        if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(count + " records do not fit in a Java list");
        return READERS.get(recordType).computeIfAbsent(type(), t -> RecordRows.reader(recordType, reading())).read(in, (int) count, size);
    }

    /** Reads one record: a handle of type {@link RecordRows#READ}. */
    private MethodHandle reading() {
        List<MethodHandle> loads = new ArrayList<>(fields.size());
        for (Field f : fields) loads.add(f.load());
        return RecordRows.construct(constructor, loads);
    }

    private static long width(Class<?> kind) {
        if (kind == byte.class || kind == boolean.class) return 1;
        if (kind == short.class) return 2;
        if (kind == int.class || kind == float.class) return 4;
        return 8;
    }

    private static H5Type scalarType(Class<?> kind) {
        if (kind == boolean.class) return new H5Type.BoolType();
        if (kind == float.class) return new H5Type.FloatType(4, ORDER);
        if (kind == double.class) return new H5Type.FloatType(8, ORDER);
        return new H5Type.IntegerType(width(kind), true, ORDER);
    }

}
