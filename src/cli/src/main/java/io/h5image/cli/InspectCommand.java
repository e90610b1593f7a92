package io.h5image.cli;

import io.h5image.DatasetInfo;
import io.h5image.H5Exception;
import io.h5image.H5File;
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
        description = {"Shows everything in an HDF5 file: every dataset's storage, then the whole tree.",
                "%nMaps the file (standard input, with '-', is read into memory) and prints each dataset's path, dtype, "
                        + "shape, layout, data offset, chunks, filters and storage size; then the tree, as h5dump -H "
                        + "shows it: groups, datasets with their types and shapes (compound members, null dataspaces), "
                        + "attributes with their values, and links (soft, external, a second hard link to an object). "
                        + "Any HDF5 file works, not only h5image's."})
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
            out.println();
            List<String> problems;
            try (H5File h5 = H5File.open(image)) {
                problems = Tree.print(h5, out);
            } catch (NativeLibraryException e) {
                throw e;
            } catch (H5Exception e) {
                problems = List.of("/: " + Main.firstLine(e.getMessage()));
            }
            out.flush();
            // A corrupt object is reported, never skipped: the walk went on past it, and the exit says so.
            for (DatasetInfo d : unreadable) err.println("inspect: " + name + ": " + d);
            for (String problem : problems) err.println("inspect: " + name + ": " + problem);
            err.flush();
            return unreadable.isEmpty() && problems.isEmpty() ? Main.OK : Main.FAILED;
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
     * Maps the file read-only: opening costs its metadata, not its size, and nothing is copied.
     * libhdf5 reads it in place and never writes it (h5image answers each of the core driver's copies
     * of an image with the image itself). A pipe or device has no size to map: it is read.
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
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
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
