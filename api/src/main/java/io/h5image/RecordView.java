package io.h5image;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The elements of a compound dataset in place: a segment of {@code count} elements laid out as
 * {@code layout}, the dataset's own compound type with every field named at its stored offset and
 * in its stored byte order. Read fields without making objects:
 *
 * <pre>{@code
 * RecordView view = file.dataset("particles").recordView();
 * VarHandle x = view.field("x");                       // (MemorySegment, long base, long index)
 * double sum = 0;
 * for (long i = 0; i < view.count(); i++) sum += (double) x.get(view.segment(), 0L, i);
 * }</pre>
 *
 * @param segment the elements; a slice of the image when {@link #isView()}
 * @param layout  one element
 * @param count   how many elements
 * @param isView  true when {@code segment} is a slice of the image, not a copy
 */
public record RecordView(MemorySegment segment, StructLayout layout, long count, boolean isView) {

    /** Checks that the segment holds exactly {@code count} elements. */
    public RecordView {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        if (segment.byteSize() != count * layout.byteSize()) {
            throw new IllegalArgumentException(segment.byteSize() + " bytes are not " + count + " elements of " + layout.byteSize());
        }
    }

    /**
     * A handle on one field of every element, nested fields by dotted path ({@code "position.x"}).
     *
     * @param path the field's name, or names separated by dots
     * @return a handle with coordinates {@code (MemorySegment segment, long base, long index)}
     */
    public VarHandle field(String path) {
        String[] names = path.split("\\.");
        MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[names.length + 1];
        elements[0] = MemoryLayout.PathElement.sequenceElement();
        for (int i = 0; i < names.length; i++) elements[i + 1] = MemoryLayout.PathElement.groupElement(names[i]);
        return MemoryLayout.sequenceLayout(count, layout).varHandle(elements);
    }
}
