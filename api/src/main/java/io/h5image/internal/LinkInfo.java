package io.h5image.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static io.h5image.bindings.hdf5_h.*;

/**
 * A link's type and, for a hard link, its target's address, without loading the target: libhdf5
 * 1.10 calls this {@code H5Lget_info}, 1.12 and later {@code H5Lget_info2} (the old name is only a
 * macro there, so the bindings, made from 1.14's headers, have no symbol for 1.10's). Both take the
 * same arguments and put the address (1.10) or the native token that starts with it (1.12+) at the
 * same offset, so one handle to whichever symbol the loaded library has serves both. Callers hold the lock.
 */
final class LinkInfo {
    private LinkInfo() {}

    /**
     * {@code type} is libhdf5's link type; {@code address} is relative to the base address, or -1
     * unless hard; {@code valueSize} is the size of any other link's value (a soft link's target path), else 0.
     */
    record Link(int type, long address, long valueSize) {
        boolean hard() {
            return type == H5L_TYPE_HARD();
        }

        boolean soft() {
            return type == H5L_TYPE_SOFT();
        }
    }

    /** type (int), corder_valid, corder (int64), cset (int), then the address or token at 24; the token is 16 bytes. */
    private static final long INFO_SIZE = 40;
    private static final long ADDRESS_AT = 24;

    private static final class Handle {
        static final MethodHandle GET_INFO = Hdf5.downcall(FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), "H5Lget_info2", "H5Lget_info");
    }

    /** The link {@code name} relative to {@code location}; null if libhdf5 failed (its failure is left on the error stack). */
    static Link of(long location, String name, long linkAccess, int offsetSize, Arena arena) {
        MemorySegment info = info(location, arena.allocateFrom(name), linkAccess, arena);
        if (info == null) return null;
        int type = info.get(ValueLayout.JAVA_INT, 0);
        boolean hard = type == H5L_TYPE_HARD();
        // For a soft link, the size of its value sits where a hard link's address does.
        return new Link(type, hard ? Superblock.address(info, ADDRESS_AT, offsetSize) : -1,
                hard ? 0 : info.get(ValueLayout.JAVA_LONG, ADDRESS_AT));
    }

    /** The target path of {@code link}, the soft link {@code name}; null if libhdf5 failed. */
    static String softTarget(long location, String name, Link link, long linkAccess, Arena arena) {
        long size = link.valueSize();
        if (size <= 0 || size > 1 << 20) return null;
        MemorySegment value = arena.allocate(size + 1);
        if (H5Lget_val(location, arena.allocateFrom(name), value, size + 1, linkAccess) < 0) return null;
        return value.getString(0);
    }

    /** The raw value of {@code link}, the soft, external or user-defined link {@code name}; null if libhdf5 failed. */
    static byte[] value(long location, String name, Link link, long linkAccess, Arena arena) {
        long size = link.valueSize();
        if (size <= 0 || size > 1 << 20) return null;
        MemorySegment value = arena.allocate(size);
        if (H5Lget_val(location, arena.allocateFrom(name), value, size, linkAccess) < 0) return null;
        return value.toArray(ValueLayout.JAVA_BYTE);
    }

    private static MemorySegment info(long location, MemorySegment name, long linkAccess, Arena arena) {
        MemorySegment info = arena.allocate(INFO_SIZE, 8);
        try {
            return (int) Handle.GET_INFO.invokeExact(location, name, info, linkAccess) < 0 ? null : info;
        } catch (Throwable e) {
            throw new IllegalStateException("H5Lget_info('" + name.getString(0) + "') failed in the downcall", e);
        }
    }
}
