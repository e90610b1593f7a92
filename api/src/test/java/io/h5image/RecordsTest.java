package io.h5image;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RecordsTest {

    public record Point(double x, double y, int id) {}

    public record Particle(Point position, float[] velocity, boolean alive, long tag) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Particle p && p.position.equals(position) && Arrays.equals(p.velocity, velocity)
                    && p.alive == alive && p.tag == tag;
        }

        @Override
        public int hashCode() {
            return position.hashCode();
        }
    }

    /** Reads only some fields of Point. */
    public record JustY(double y) {}

    /** Asks for a field Point does not have. */
    public record WithZ(double x, double z) {}

    static List<Point> points(int n) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) points.add(new Point(i * 0.5, -i, i));
        return points;
    }

    @Test
    void recordsRoundTripAsPackedCompounds() {
        Particle[] particles = {
                new Particle(new Point(1, 2, 3), new float[] {0.1f, 0.2f, 0.3f}, true, 1L << 40),
                new Particle(new Point(4, 5, 6), new float[] {1, 2, 3}, false, -7)};
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("points", points(1000));
            file.createDataset("particles", particles);
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            assertEquals(points(1000), file.dataset("points").readRecords(Point.class));
            assertEquals(List.of(particles), file.dataset("particles").readRecords(Particle.class));
            assertArrayEquals(new long[] {1000}, file.dataset("points").shape());

            H5Type.CompoundType type = (H5Type.CompoundType) file.dataset("particles").type();
            // Packed, in declaration order: numpy's layout for a structured dtype (align=False).
            assertEquals(List.of("position", "velocity", "alive", "tag"), type.members().stream().map(H5Type.CompoundType.Member::name).toList());
            assertEquals(List.of(0L, 20L, 32L, 33L), type.members().stream().map(H5Type.CompoundType.Member::offset).toList());
            assertEquals(41, type.size());
            assertEquals(new H5Type.BoolType(), type.member("alive").type());
            assertEquals(new H5Type.ArrayType(new H5Type.FloatType(4, java.nio.ByteOrder.LITTLE_ENDIAN), new long[] {3}),
                    type.member("velocity").type());
        }
    }

    @Test
    void aRecordViewReadsFieldsInPlace() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("points", points(100));
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            RecordView view = file.dataset("points").recordView();
            assertTrue(view.isView(), "contiguous compound data of an image is viewed in place");
            assertEquals(100, view.count());
            assertEquals(20, view.layout().byteSize());
            VarHandle x = view.field("x");
            VarHandle id = view.field("id");
            for (long i = 0; i < 100; i++) {
                assertEquals(i * 0.5, (double) x.get(view.segment(), 0L, i));
                assertEquals((int) i, (int) id.get(view.segment(), 0L, i));
            }
            // The layout is the stored one, offsets as HDF5 says, so a reader may also use it directly.
            assertEquals(16, view.layout().byteOffset(MemoryLayout.PathElement.groupElement("id")));
            // A heap view's address() is its offset in the array.
            image[(int) view.segment().address() + 16] = 99; // id of record 0
            assertEquals(99, (int) id.get(view.segment(), 0L, 0L), "the view is the array itself");
        }
    }

    @Test
    void fieldsAreMatchedByNameWithAClearErrorOnAMismatch() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("points", points(3));
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            assertEquals(List.of(new JustY(0), new JustY(-1), new JustY(-2)), file.dataset("points").readRecords(JustY.class),
                    "a record may read a subset of the fields");
            UnsupportedTypeException missing = assertThrows(UnsupportedTypeException.class,
                    () -> file.dataset("points").readRecords(WithZ.class));
            assertTrue(missing.getMessage().contains("no field 'z'") && missing.getMessage().contains("[x, y, id]"), missing.getMessage());
            UnsupportedTypeException notCompound = assertThrows(UnsupportedTypeException.class,
                    () -> file.dataset("points").read());
            assertTrue(notCompound.getMessage().contains("/points"), notCompound.getMessage());
        }
    }

    @Test
    void recordAttributesOfOneOrMany() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.attributes().put("origin", new Point(1, 2, 3));
            file.attributes().put("corners", List.of(new Point(0, 0, 0), new Point(1, 1, 1)));
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            assertEquals(new Point(1, 2, 3), file.attributes().get("origin", Point.class));
            assertEquals(List.of(new Point(0, 0, 0), new Point(1, 1, 1)), file.attributes().getRecords("corners", Point.class));
            assertEquals(java.util.Map.of("x", 1.0, "y", 2.0, "id", 3), file.attributes().get("origin"),
                    "the general reader gives a compound as a map of its members");
            assertEquals(List.of("x", "y", "id"), List.copyOf(((java.util.Map<?, ?>) file.attributes().get("origin")).keySet()),
                    "in member order");
        }
    }

    @Test
    void badRecordsAreRefusedBeforeAnythingIsWritten() {
        try (H5File file = H5File.create()) {
            Particle[] uneven = {new Particle(new Point(0, 0, 0), new float[3], true, 0),
                    new Particle(new Point(0, 0, 0), new float[2], true, 0)};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.createDataset("p", uneven));
            assertTrue(e.getMessage().contains("record [1]") && e.getMessage().contains("velocity"), e.getMessage());
            record WithString(String name) {}
            assertThrows(UnsupportedValueException.class, () -> file.createDataset("s", new WithString[] {new WithString("a")}));
            assertFalse(file.contains("p") || file.contains("s"));
        }
    }

    public record Other(double x) {}

    @Test
    void aRecordRejectedWhileEncodingLeavesTheFileAsItWas() {
        byte[] image;
        try (H5File file = H5File.create()) {
            file.createDataset("before", points(3));
            List<Object> mixed = List.of(new Point(1, 2, 3), new Other(4));
            IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> file.createDataset("p", mixed));
            assertTrue(wrongType.getMessage().contains("record [1] is a") && wrongType.getMessage().contains("Other")
                    && wrongType.getMessage().contains("must all be"), wrongType.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> file.createDataset("p", Arrays.asList(new Point(1, 2, 3), null)));
            assertTrue(missing.getMessage().contains("record [1] is null"), missing.getMessage());
            Particle[] hollow = {new Particle(new Point(0, 0, 0), new float[1], true, 0), new Particle(null, new float[1], true, 0)};
            IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> file.createDataset("p", hollow));
            assertTrue(nested.getMessage().contains("record [1]") && nested.getMessage().contains("'position' is null"), nested.getMessage());
            assertEquals(List.of("before"), file.names());
            // The name is free again, and what comes after lands intact around the abandoned space.
            file.createDataset("p", points(5000));
            file.createDataset("after", new double[] {7, 8});
            file.attributes().put("note", "written after three rejected writes");
            image = file.toBytes();
        }
        try (H5File file = H5File.open(image)) {
            assertEquals(List.of("before", "p", "after"), file.names());
            assertEquals(points(3), file.dataset("before").readRecords(Point.class));
            assertEquals(points(5000), file.dataset("p").readRecords(Point.class));
            assertArrayEquals(new double[] {7, 8}, (double[]) file.dataset("after").read().toArray());
        }
    }

    /** Data is encoded straight into the file's memory: later metadata, growing the file past it, must not disturb it. */
    @Test
    void dataWrittenInPlaceSurvivesEverythingWrittenAfterIt() {
        byte[] image;
        try (H5File file = H5File.create()) {
            for (int i = 0; i < 40; i++) {
                file.createDataset("g" + (i % 4) + "/points" + i, points(1 + i * 97));
                file.createDataset("g" + (i % 4) + "/values" + i, new long[][] {{i, i + 1}, {i + 2, i + 3}});
                file.group("g" + (i % 4)).attributes().put("count" + i, i);
            }
            image = file.toBytes();
            for (int i = 0; i < 40; i++) assertEquals(points(1 + i * 97), file.dataset("g" + (i % 4) + "/points" + i).readRecords(Point.class));
        }
        try (H5File file = H5File.open(image)) {
            for (int i = 0; i < 40; i++) {
                assertEquals(points(1 + i * 97), file.dataset("g" + (i % 4) + "/points" + i).readRecords(Point.class));
                assertArrayEquals(new long[][] {{i, i + 1}, {i + 2, i + 3}}, (long[][]) file.dataset("g" + (i % 4) + "/values" + i).read().toArray());
            }
        }
    }

    @Test
    void recordsThatAreNotPublicWorkWhereTheirPackageIsOpen() {
        record Local(int a, double b) {}
        try (H5File file = H5File.create()) {
            file.createDataset("local", List.of(new Local(1, 2.5), new Local(3, 4.5)));
            assertEquals(List.of(new Local(1, 2.5), new Local(3, 4.5)), file.dataset("local").readRecords(Local.class));
        }
    }
}
