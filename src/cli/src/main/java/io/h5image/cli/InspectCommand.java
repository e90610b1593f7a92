package io.h5image.cli;

import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.H5Image;
import io.h5image.NativeLibraryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code h5image inspect FILE|-}: every dataset of an HDF5 file, as h5image sees it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Lists every dataset of an HDF5 file.",
                "%nReads the file (or standard input, with '-') into memory and prints each dataset's path, dtype, "
                        + "shape, layout, data offset, chunks, filters and storage size. Any HDF5 file works, not only "
                        + "h5image's."})
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "an HDF5 file, or - to read standard input")
    String file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = file.equals("-") ? "standard input" : file;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image;
            try {
                image = file.equals("-") ? readAll(System.in, arena) : read(Path.of(file), arena);
            } catch (IOException e) {
                err.println("inspect: cannot read " + name + ": " + ioReason(e));
                err.flush();
                return Main.USAGE;
            }
            List<DatasetInfo> datasets;
            try {
                datasets = H5Image.inspect(image);
            } catch (NativeLibraryException e) {
                throw e; // not about this file: Main prints the whole of it, with every place tried
            } catch (H5Exception e) {
                err.println("inspect: " + name + ": " + Main.firstLine(e.getMessage()));
                err.flush();
                return Main.FAILED;
            }
            List<DatasetInfo> readable = datasets.stream().filter(d -> d.problem() == null).toList();
            List<DatasetInfo> unreadable = datasets.stream().filter(d -> d.problem() != null).toList();
            out.println(name + ": " + image.byteSize() + " bytes, " + readable.size()
                    + (readable.size() == 1 ? " dataset" : " datasets")
                    + (unreadable.isEmpty() ? "" : ", " + unreadable.size() + " unreadable"));
            if (!readable.isEmpty()) table(readable).print(out);
            out.flush();
            // A corrupt object is reported, never skipped: the walk went on past it, and the exit says so.
            for (DatasetInfo d : unreadable) err.println("inspect: " + name + ": " + d);
            err.flush();
            return unreadable.isEmpty() ? Main.OK : Main.FAILED;
        }
    }

    static Table table(List<DatasetInfo> datasets) {
        Table table = new Table("path", "dtype", "shape", "layout", "offset", "chunks", "filters", "storage bytes")
                .alignRight(4, 7);
        for (DatasetInfo d : datasets) {
            table.row(d.path(), d.type(), Arrays.toString(d.shape()), d.layout(),
                    d.offset() >= 0 ? Long.toString(d.offset()) : "-",
                    d.chunks() != null ? Arrays.toString(d.chunks()) : "-",
                    d.filters().isEmpty() ? "-" : String.join(", ", d.filters()),
                    Long.toString(d.storageBytes()));
        }
        return table;
    }

    /**
     * Copies the file into native memory rather than mapping it: libhdf5 is handed the image as a
     * writable buffer, and a read-only mapping would turn any stray write into a crash.
     */
    private static MemorySegment read(Path path, Arena arena) throws IOException {
        if (Files.isDirectory(path)) throw new IOException(path + " is a directory");
        if (!Files.isRegularFile(path)) {
            // A pipe or device (/dev/stdin, <(cmd)) has no size to allocate up front.
            try (InputStream in = Files.newInputStream(path)) {
                return readAll(in, arena);
            }
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment image = arena.allocate(Math.max(1, size), 64).asSlice(0, size);
            // In slices: one ByteBuffer cannot span more than 2 GiB.
            for (long at = 0; at < size; ) {
                ByteBuffer slice = image.asSlice(at, Math.min(size - at, 1L << 30)).asByteBuffer();
                while (slice.hasRemaining()) {
                    if (channel.read(slice, at + slice.position()) < 0) {
                        throw new IOException(path + " shrank while being read");
                    }
                }
                at += slice.capacity();
            }
            return image;
        }
    }

    /** libhdf5 needs the image in native memory, so the bytes are copied there once. */
    private static MemorySegment readAll(InputStream in, Arena arena) throws IOException {
        byte[] bytes = in.readAllBytes();
        MemorySegment image = arena.allocate(Math.max(1, bytes.length), 64).asSlice(0, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, image, 0, bytes.length);
        return image;
    }

    /** The JDK's IOException messages are often just the path; name the problem instead. */
    static String ioReason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }
}
