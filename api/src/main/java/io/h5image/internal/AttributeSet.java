package io.h5image.internal;

import io.h5image.Attributes;
import io.h5image.NotFoundException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static io.h5image.bindings.hdf5_h.*;

/** The attributes of the object at an absolute path. Every method is one {@link NativeFile#call}. */
final class AttributeSet implements Attributes {

    private final NativeFile file;
    private final String path;

    AttributeSet(NativeFile file, String path) {
        this.file = file;
        this.path = path;
    }

    @Override
    public void put(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) throw new IllegalArgumentException("an attribute name cannot be empty");
        file.call(f -> {
            f.requireWritable("set attribute '" + name + "' of '" + path + "'");
            try (Arena arena = Arena.ofConfined();
                 Values.Encoded encoded = Values.encode(value, arena);
                 Handle object = openObject(f)) {
                MemorySegment cName = arena.allocateFrom(name);
                if (Hdf5.check(H5Aexists(object.id(), cName), "H5Aexists('" + name + "')") > 0) {
                    Hdf5.check(H5Adelete(object.id(), cName), "H5Adelete('" + name + "')");
                }
                try (Handle attribute = Handle.of(H5Acreate2(object.id(), cName, encoded.type().id(), encoded.space().id(),
                        H5P_DEFAULT(), H5P_DEFAULT()), Handle.Kind.ATTRIBUTE, "H5Acreate2('" + name + "' of '" + path + "')")) {
                    if (encoded.byteSize() > 0) {
                        Hdf5.check(H5Awrite(attribute.id(), encoded.type().id(), encoded.inMemory(arena)), "H5Awrite('" + name + "')");
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Object get(String name) {
        // From bytes, read in Java where the type allows (AttributeValues), away from libhdf5; else
        // libhdf5 gives the type and dataspace, and the data comes from the message Java found.
        return read(name, (f, found, where) -> AttributeValues.read(f.checker(), found, f.decodeLimit(), where),
                (f, found, attribute, type, space, where) -> StoredValues.attribute(f, type, space,
                        found == null ? null : AttributeValues.data(f.checker(), found, where), where,
                        (memoryType, buffer) -> Hdf5.check(H5Aread(attribute, memoryType, buffer), "H5Aread(" + where + ")")));
    }

    /**
     * Attribute {@code name} as Java read it from the object; null where the file needs no check or
     * Java does not read the object's attributes. A {@link NotFoundException} where Java read them
     * all and there is no such attribute.
     */
    private ObjectIndex.Attribute attribute(NativeFile f, String name, Arena arena) {
        ObjectIndex index = H5Objects.index(f, path, arena);
        if (index == null || index.attributes() == null) return null;
        for (ObjectIndex.Attribute attribute : index.attributes()) {
            if (attribute.name().equals(name)) return attribute;
        }
        throw missing(f, name);
    }

    private NotFoundException missing(NativeFile f, String name) {
        return new NotFoundException(path, "'" + path + "' in " + f.description() + " has no attribute '" + name + "'");
    }

    /** Reading an attribute Java found in the object's bytes; null to leave it to libhdf5. */
    private interface InJava<T> {
        T apply(NativeFile f, ObjectIndex.Attribute found, String where);
    }

    /**
     * What to do with an open attribute: what Java found of it (null if nothing), its identifier,
     * type and dataspace, and a name for messages.
     */
    private interface Reading<T> {
        T apply(NativeFile f, ObjectIndex.Attribute found, long attribute, long type, long space, String where);
    }

    /**
     * Reads attribute {@code name} (a {@link NotFoundException} if there is none), in one call: by
     * {@code inJava} where it is given and Java found the attribute, else by opening it in libhdf5
     * and handing it to {@code reading}.
     */
    private <T> T read(String name, InJava<T> inJava, Reading<T> reading) {
        Objects.requireNonNull(name, "name");
        String where = "attribute '" + name + "' of '" + path + "'";
        return file.call(f -> {
            try (Arena arena = Arena.ofConfined()) {
                // From bytes: the object's attributes are read and checked in Java before libhdf5 looks one up.
                ObjectIndex.Attribute found = attribute(f, name, arena);
                if (found != null && inJava != null) {
                    T value = inJava.apply(f, found, where);
                    if (value != null) return value;
                }
                try (Handle object = openObject(f)) {
                    MemorySegment cName = arena.allocateFrom(name);
                    if (found == null && Hdf5.check(H5Aexists(object.id(), cName), "H5Aexists('" + name + "')") <= 0) {
                        throw missing(f, name);
                    }
                    try (Handle attribute = Handle.of(H5Aopen(object.id(), cName, H5P_DEFAULT()), Handle.Kind.ATTRIBUTE, "H5Aopen(" + where + ")");
                         Handle type = Handle.of(H5Aget_type(attribute.id()), Handle.Kind.DATATYPE, "H5Aget_type(" + where + ")");
                         Handle space = Handle.of(H5Aget_space(attribute.id()), Handle.Kind.DATASPACE, "H5Aget_space(" + where + ")")) {
                        return reading.apply(f, found, attribute.id(), type.id(), space.id(), where);
                    }
                }
            }
        });
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (type.isRecord()) {
            List<?> records = records(name, type);
            if (records.size() != 1) {
                throw new IllegalArgumentException("attribute '" + name + "' of '" + path + "' holds " + records.size()
                        + " records, not one: use getRecords");
            }
            return type.cast(records.getFirst());
        }
        Object value = get(name);
        if (!type.isInstance(value)) {
            throw new ClassCastException("attribute '" + name + "' of '" + path + "' is a " + value.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Record> List<R> getRecords(String name, Class<R> type) {
        Objects.requireNonNull(type, "type");
        return (List<R>) records(name, type);
    }

    private List<?> records(String name, Class<?> recordType) {
        return read(name, null, (f, found, attribute, type, space, where) -> DatasetNode.records(type, space, recordType, where, f,
                (memoryType, buffer) -> Hdf5.check(H5Aread(attribute, memoryType, buffer), "H5Aread(" + where + ")")));
    }

    @Override
    public io.h5image.H5Type type(String name) {
        return read(name, null, (f, found, attribute, type, space, where) -> Types.describe(type, where));
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        return file.call(f -> {
            f.requireWritable("remove attribute '" + name + "' of '" + path + "'");
            try (Arena arena = Arena.ofConfined();
                 Handle object = openObject(f)) {
                MemorySegment cName = arena.allocateFrom(name);
                if (name.isEmpty() || Hdf5.check(H5Aexists(object.id(), cName), "H5Aexists('" + name + "')") <= 0) return false;
                Hdf5.check(H5Adelete(object.id(), cName), "H5Adelete('" + name + "' of '" + path + "')");
                return true;
            }
        });
    }

    @Override
    public Set<String> names() {
        return file.call(f -> {
            try (Arena arena = Arena.ofConfined()) {
                ObjectIndex java = H5Objects.index(f, path, arena);
                if (java != null && java.attributes() != null) {
                    Set<String> names = new LinkedHashSet<>();
                    for (ObjectIndex.Attribute attribute : java.attributes()) names.add(attribute.name());
                    return Collections.unmodifiableSet(names);
                }
            }
            try (Arena arena = Arena.ofConfined();
                 Handle object = openObject(f)) {
                MemorySegment info = arena.allocate(io.h5image.bindings.H5O_info1_t.layout());
                if (H5Oget_info1(object.id(), info) < 0) throw Errors.reading("H5Oget_info1('" + path + "')", Hdf5.takeFailure(), path);
                long count = io.h5image.bindings.H5O_info1_t.num_attrs(info);
                Set<String> names = new LinkedHashSet<>();
                MemorySegment dot = arena.allocateFrom(".");
                // Creation order where the object tracks it (files h5image writes); else by name. (Asked
                // for creation order on an object that does not track it, libhdf5 gives header order.)
                int index = tracksCreationOrder(object.id(), arena) ? H5_INDEX_CRT_ORDER() : H5_INDEX_NAME();
                for (long i = 0; i < count; i++) {
                    long length = H5Aget_name_by_idx(object.id(), dot, index, H5_ITER_INC(), i, MemorySegment.NULL, 0, f.linkAccess());
                    if (length < 0) throw Hdf5.failure("H5Aget_name_by_idx('" + path + "', " + i + ")");
                    MemorySegment name = arena.allocate(length + 1);
                    Hdf5.check((int) Math.min(Integer.MAX_VALUE, H5Aget_name_by_idx(object.id(), dot, index, H5_ITER_INC(), i, name,
                            length + 1, f.linkAccess())), "H5Aget_name_by_idx('" + path + "')");
                    names.add(name.getString(0));
                }
                return Collections.unmodifiableSet(names);
            }
        });
    }

    /** Whether the object's creation properties track its attributes' creation order. */
    private static boolean tracksCreationOrder(long object, Arena arena) {
        int type = H5Iget_type(object);
        long plist = type == H5I_GROUP() ? H5Gget_create_plist(object) : type == H5I_DATASET() ? H5Dget_create_plist(object) : -1;
        if (plist < 0) {
            Hdf5.takeErrorStack();
            return false;
        }
        try (Handle creation = Handle.of(plist, Handle.Kind.PROPERTY_LIST, "the creation properties")) {
            MemorySegment flags = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            Hdf5.check(H5Pget_attr_creation_order(creation.id(), flags), "H5Pget_attr_creation_order");
            return (flags.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) & H5P_CRT_ORDER_TRACKED()) != 0;
        }
    }

    /** The object, opened as {@link H5Objects#open} opens it (from bytes, by the address Java found). */
    private Handle openObject(NativeFile f) {
        return H5Objects.open(f, path, null);
    }

    @Override
    public String toString() {
        return "Attributes[" + path + " in " + file.description() + "]";
    }
}
