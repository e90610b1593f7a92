package io.h5image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.List;

/**
 * Code made for one record type that writes its records row by row, and reads them back: each record is read once,
 * component after component, through accessors the JIT inlines as if the loop had been written by
 * hand for that type. That is what makes writing objects cost about one copy of their bytes
 * (measured: 2.6 ms for 1M three-field records where one copy of the packed bytes is 2.2 ms;
 * generic code that calls a getter per component, one component at a time, took 7.8 ms).
 * <p>
 * How, with no bytecode library: the row is one {@link MethodHandle} composed from the
 * components' accessors and small store methods below. A handle held in a field is an opaque call
 * for the JIT; a handle in a {@code static final} field is a constant it inlines. So each record
 * type gets its own copy of {@link RecordRowsLoop}, defined as a hidden class whose class data is
 * that handle. The copy is unloaded with its writer.
 */
final class RecordRows {
    private RecordRows() {}

    /** Writes records {@code 0 .. records.size()} at {@code at}, {@code at + stride}, ... of {@code out}. */
    interface Writer {
        void write(List<?> records, MemorySegment out, long at, long stride);
    }

    /** Makes {@code count} records from rows at {@code 0, stride, 2 * stride, ...} of {@code in}. */
    interface Reader {
        List<Object> read(MemorySegment in, int count, long stride);
    }

    /** Reading one record or component: {@code (MemorySegment in, long at) value}. */
    static final MethodType READ = MethodType.methodType(Object.class, MemorySegment.class, long.class);

    /** The row of one component: {@code (Object record, MemorySegment out, long at) void}. */
    static final MethodType ROW = MethodType.methodType(void.class, Object.class, MemorySegment.class, long.class);

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final byte[] LOOP_CLASS = classBytes(RecordRowsLoop.class);
    private static final byte[] READ_LOOP_CLASS = classBytes(RecordReadLoop.class);

    /** A writer for rows of {@code recordType}, whose handle of type {@link #ROW} writes one. */
    static Writer writer(Class<?> recordType, MethodHandle row) {
        try {
            MethodHandles.Lookup defined = LOOKUP.defineHiddenClassWithClassData(LOOP_CLASS, List.of(row, recordType), true);
            return (Writer) defined.findConstructor(defined.lookupClass(), MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Writer.class)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("making the row writer for " + recordType.getName() + " failed", e);
        }
    }

    /** A reader of records whose handle of type {@link #READ} makes one. */
    static Reader reader(Class<?> recordType, MethodHandle read) {
        try {
            MethodHandles.Lookup defined = LOOKUP.defineHiddenClassWithClassData(READ_LOOP_CLASS, List.of(read), true);
            return (Reader) defined.findConstructor(defined.lookupClass(), MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Reader.class)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("making the row reader for " + recordType.getName() + " failed", e);
        }
    }

    /**
     * Makes a record from its components' readers, each {@code (MemorySegment, long) component}, in
     * the constructor's order: {@code (MemorySegment in, long at) record}, with no argument array.
     */
    static MethodHandle construct(MethodHandle constructor, List<MethodHandle> components) {
        int n = components.size();
        MethodHandle all = constructor;
        for (int i = n - 1; i >= 0; i--) all = MethodHandles.collectArguments(all, i, components.get(i));
        // Now (in, at, in, at, ...): each component takes the same two.
        int[] reorder = new int[2 * n];
        for (int i = 0; i < n; i++) {
            reorder[2 * i] = 0;
            reorder[2 * i + 1] = 1;
        }
        MethodHandle shared = n == 0 ? MethodHandles.dropArguments(constructor, 0, MemorySegment.class, long.class)
                : MethodHandles.permuteArguments(all, MethodType.methodType(constructor.type().returnType(), MemorySegment.class,
                long.class), reorder);
        return shared.asType(READ);
    }

    /** Reads a primitive component at {@code offset}: {@code (MemorySegment, long) kind}. */
    static MethodHandle load(Class<?> kind, long offset) {
        try {
            String name = "get" + Character.toUpperCase(kind.getName().charAt(0)) + kind.getName().substring(1);
            MethodHandle get = LOOKUP.findStatic(Loads.class, name, MethodType.methodType(kind, MemorySegment.class, long.class, long.class));
            return MethodHandles.insertArguments(get, 2, offset);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no load for " + kind, e);
        }
    }

    /** Reads a nested record at {@code offset} with its own reader: {@code (MemorySegment, long) type}. */
    static MethodHandle loadNested(MethodHandle nested, Class<?> type, long offset) {
        return MethodHandles.filterArguments(nested, 1, MethodHandles.insertArguments(Stores.ADD, 1, offset))
                .asType(MethodType.methodType(type, MemorySegment.class, long.class));
    }

    /** Reads a primitive array component of {@code length} elements at {@code offset}: {@code (MemorySegment, long) array}. */
    static MethodHandle loadVector(Class<?> element, int length, long offset) {
        MethodHandle get = MethodHandles.insertArguments(Loads.ARRAY, 2, offset, element, length);
        return get.asType(MethodType.methodType(element.arrayType(), MemorySegment.class, long.class));
    }

    /** The row of a primitive component at {@code offset}, read through {@code accessor}. */
    static MethodHandle scalar(MethodHandle accessor, Class<?> kind, long offset) {
        MethodHandle store = Stores.of(kind);
        store = MethodHandles.insertArguments(store, 3, offset);             // (value, out, at)
        return MethodHandles.filterArguments(store, 0, accessor.asType(MethodType.methodType(kind, Object.class)));
    }

    /** The row of a nested record at {@code offset}: its own row, shifted, after a null check. */
    static MethodHandle nested(MethodHandle accessor, String name, MethodHandle nestedRow, long offset) {
        MethodHandle shifted = MethodHandles.filterArguments(nestedRow, 2, MethodHandles.insertArguments(Stores.ADD, 1, offset));
        MethodHandle present = MethodHandles.insertArguments(Stores.PRESENT, 1, name);
        return MethodHandles.filterArguments(shifted, 0,
                MethodHandles.filterReturnValue(accessor.asType(MethodType.methodType(Object.class, Object.class)), present));
    }

    /** The row of a primitive array component of {@code length} elements at {@code offset}. */
    static MethodHandle vector(MethodHandle accessor, String name, Class<?> element, int length, long offset) {
        MethodHandle store = MethodHandles.insertArguments(Stores.ARRAY, 3, offset, Stores.layout(element), length, name);
        return MethodHandles.filterArguments(store, 0, accessor.asType(MethodType.methodType(Object.class, Object.class)));
    }

    /** The rows of all components, one after another. */
    static MethodHandle sequence(List<MethodHandle> rows) {
        MethodHandle all = MethodHandles.empty(ROW);
        for (MethodHandle row : rows) all = MethodHandles.foldArguments(row, all);
        return all;
    }

    private static byte[] classBytes(Class<?> loop) {
        // Class files are never encapsulated, so this works on the module path too.
        try (InputStream in = RecordRows.class.getResourceAsStream(loop.getSimpleName() + ".class")) {
            if (in == null) throw new IllegalStateException(loop.getSimpleName() + ".class is missing from the h5image jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("reading " + loop.getSimpleName() + ".class failed", e);
        }
    }

    /** The load methods readers are composed of, the mirror of {@link Stores}: packed, native byte order. */
    static final class Loads {
        private Loads() {}

        static final MethodHandle ARRAY;

        static {
            try {
                ARRAY = LOOKUP.findStatic(Loads.class, "array", MethodType.methodType(Object.class, MemorySegment.class, long.class,
                        long.class, Class.class, int.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static double getDouble(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + offset);
        }

        static float getFloat(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + offset);
        }

        static long getLong(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_LONG_UNALIGNED, at + offset);
        }

        static int getInt(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_INT_UNALIGNED, at + offset);
        }

        static short getShort(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + offset);
        }

        static byte getByte(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_BYTE, at + offset);
        }

        /** h5py's bool: any byte but 0 is true. */
        static boolean getBoolean(MemorySegment in, long at, long offset) {
            return in.get(ValueLayout.JAVA_BYTE, at + offset) != 0;
        }

        static Object array(MemorySegment in, long at, long offset, Class<?> element, int length) {
            Object array = Array.newInstance(element, length);
            if (element == boolean.class) {
                boolean[] flags = (boolean[]) array;
                for (int k = 0; k < length; k++) flags[k] = in.get(ValueLayout.JAVA_BYTE, at + offset + k) != 0;
            } else {
                MemorySegment.copy(in, Stores.layout(element), at + offset, array, 0, length);
            }
            return array;
        }
    }

    /** The store methods rows are composed of; every one is small enough to inline. */
    static final class Stores {
        private Stores() {}

        static final MethodHandle ADD;
        static final MethodHandle PRESENT;
        static final MethodHandle ARRAY;

        static {
            try {
                ADD = LOOKUP.findStatic(Stores.class, "add", MethodType.methodType(long.class, long.class, long.class));
                PRESENT = LOOKUP.findStatic(Stores.class, "present", MethodType.methodType(Object.class, Object.class, String.class));
                ARRAY = LOOKUP.findStatic(Stores.class, "array", MethodType.methodType(void.class, Object.class, MemorySegment.class,
                        long.class, long.class, ValueLayout.class, int.class, String.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static MethodHandle of(Class<?> kind) {
            try {
                String name = "put" + Character.toUpperCase(kind.getName().charAt(0)) + kind.getName().substring(1);
                return LOOKUP.findStatic(Stores.class, name, MethodType.methodType(void.class, kind, MemorySegment.class, long.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("no store for " + kind, e);
            }
        }

        static ValueLayout layout(Class<?> element) {
            if (element == double.class) return ValueLayout.JAVA_DOUBLE_UNALIGNED;
            if (element == float.class) return ValueLayout.JAVA_FLOAT_UNALIGNED;
            if (element == long.class) return ValueLayout.JAVA_LONG_UNALIGNED;
            if (element == int.class) return ValueLayout.JAVA_INT_UNALIGNED;
            if (element == short.class) return ValueLayout.JAVA_SHORT_UNALIGNED;
            if (element == byte.class) return ValueLayout.JAVA_BYTE;
            if (element == boolean.class) return ValueLayout.JAVA_BOOLEAN;
            throw new IllegalArgumentException("no layout for " + element);
        }

        static long add(long at, long offset) {
            return at + offset;
        }

        static Object present(Object value, String name) {
            if (value == null) throw new IllegalArgumentException("component '" + name + "' is null; records are stored whole");
            return value;
        }

        static void putDouble(double v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + offset, v);
        }

        static void putFloat(float v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + offset, v);
        }

        static void putLong(long v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, at + offset, v);
        }

        static void putInt(int v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_INT_UNALIGNED, at + offset, v);
        }

        static void putShort(short v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + offset, v);
        }

        static void putByte(byte v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_BYTE, at + offset, v);
        }

        /** h5py's bool: one byte, 0 or 1. */
        static void putBoolean(boolean v, MemorySegment out, long at, long offset) {
            out.set(ValueLayout.JAVA_BYTE, at + offset, v ? (byte) 1 : 0);
        }

        static void array(Object array, MemorySegment out, long at, long offset, ValueLayout element, int length, String name) {
            int actual = array == null ? -1 : Array.getLength(array);
            if (actual != length) {
                throw new IllegalArgumentException("component '" + name + "' has " + (array == null ? "no array" : "length " + actual)
                        + " but the first record's has " + length + "; every record's must match");
            }
            if (array instanceof boolean[] flags) {
                for (int k = 0; k < length; k++) out.set(ValueLayout.JAVA_BYTE, at + offset + k, flags[k] ? (byte) 1 : 0);
            } else {
                MemorySegment.copy(array, 0, out, element, at + offset, length);
            }
        }
    }
}
