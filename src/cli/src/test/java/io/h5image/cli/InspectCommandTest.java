package io.h5image.cli;

import io.h5image.H5Image;
import io.h5image.ImageOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {

    @TempDir
    Path dir;

    @Test
    void listsTheDatasetOfAnImageH5ImageWrote() throws IOException {
        Path file = dir.resolve("ints.h5");
        Files.write(file, H5Image.serializeToBytes(new int[3][4]));
        Run run = Run.of("inspect", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).contains("1 dataset"), run::toString);
        assertTrue(lines.get(1).startsWith("path") && lines.get(1).contains("storage bytes"), run::toString);
        String row = lines.get(2);
        assertTrue(row.startsWith("data "), run::toString);
        assertTrue(row.contains(" int32 "), run::toString);
        assertTrue(row.contains(" [3, 4] "), run::toString);
        assertTrue(row.contains(" contiguous "), run::toString);
        assertTrue(row.endsWith(" 48"), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void columnsLineUp() throws IOException {
        Path file = dir.resolve("doubles.h5");
        Files.write(file, H5Image.serializeToBytes(new double[1000][500]));
        Run run = Run.of("inspect", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.out().lines().toList();
        // Right-aligned last column: header and row end at the same column.
        assertEquals(lines.get(1).length(), lines.get(2).length(), run::toString);
        assertEquals(lines.get(1).indexOf("dtype"), lines.get(2).indexOf("float64"), run::toString);
    }

    @Test
    void garbageIsNotAnHdf5ImageWithoutAStackTrace() throws IOException {
        Path file = dir.resolve("garbage.h5");
        Files.writeString(file, "this is not HDF5 at all, just text\n".repeat(100), StandardCharsets.US_ASCII);
        Run run = Run.of("inspect", file.toString());
        assertNotEquals(0, run.exitCode(), run::toString);
        assertTrue(run.err().contains("not an HDF5 image"), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertFalse(run.err().contains("Exception"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void aTruncatedImageIsOneLineToo() throws IOException {
        byte[] whole = H5Image.serializeToBytes(new double[100][100]);
        Path file = dir.resolve("truncated.h5");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        Run run = Run.of("inspect", file.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("inspect: " + file + ": "), run::toString);
    }

    @Test
    void aMissingFileIsAUsageError() {
        Path file = dir.resolve("absent.h5");
        Run run = Run.of("inspect", file.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals("inspect: cannot read " + file + ": no such file", run.err().strip());
    }

    @Test
    void aDirectoryIsAUsageError() {
        Run run = Run.of("inspect", dir.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("is a directory"), run::toString);
    }

    @Test
    void anEmptyFileSaysSo() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.h5"));
        Run run = Run.of("inspect", file.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("empty"), run::toString);
    }

    @Test
    void showsChunksAndFilters() throws IOException {
        Path file = dir.resolve("compressed.h5");
        Files.write(file, H5Image.serializeToBytes(new float[64][64], ImageOptions.defaults().shuffle(true).deflate(4)));
        Run run = Run.of("inspect", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        String row = run.out().lines().toList().get(2);
        assertTrue(row.contains(" chunked "), run::toString);
        assertTrue(row.contains("shuffle, deflate(4)"), run::toString);
    }

    public record Point(double x, int id) {}

    @Test
    void showsTheWholeTreeAfterTheDatasets() throws IOException {
        Path file = dir.resolve("tree.h5");
        try (io.h5image.H5File h5 = io.h5image.H5File.create()) {
            h5.createDataset("run/temperature", new double[] {21.5, 22.0});
            h5.createDataset("run/points", new Point[] {new Point(1, 2), new Point(3, 4)});
            h5.group("run").attributes().put("units", "C");
            h5.dataset("run/temperature").attributes().put("big", new long[1000]);
            h5.attributes().put("count", -1L);
            h5.writeTo(file);
        }
        Run run = Run.of("inspect", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        String tree = out.substring(out.indexOf("\n/  group\n") + 1);
        List<String> expected = List.of(
                "/  group",
                "  @count  int64 = -1",
                "  run/  group",
                "    @units  string (variable) utf-8 = \"C\"",
                "    temperature  float64  (2)",
                "      @big  int64 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,... (1000 elements)",
                "    points  compound {x: float64, id: int32}  (2)",
                "      .x  float64  @0",
                "      .id  int32  @8");
        assertEquals(expected, tree.lines().toList(), run::toString);
    }
}
