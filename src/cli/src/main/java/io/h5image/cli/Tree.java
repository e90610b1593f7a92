package io.h5image.cli;

import io.h5image.Attributes;
import io.h5image.Dataset;
import io.h5image.Empty;
import io.h5image.Group;
import io.h5image.H5Exception;
import io.h5image.H5Reference;
import io.h5image.H5Type;
import io.h5image.Link;
import io.h5image.NativeLibraryException;
import io.h5image.Selection;
import io.h5image.UnsupportedTypeException;

import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The whole tree of a file, as {@code h5dump -H} shows it but one line per thing: groups, datasets
 * (type, shape, compound members), attributes with their values (cut short past a line), and
 * links as stored (a second hard link names where its object was first seen; soft and external
 * links show their targets, never followed). An object that cannot be read is reported in place,
 * and the walk goes on.
 */
final class Tree {

    /** Values longer than this are cut, with the element count. */
    private static final int VALUE_WIDTH = 72;
    private static final String STEP = "  ";

    private final PrintWriter out;
    private final List<String> problems = new ArrayList<>();

    private Tree(PrintWriter out) {
        this.out = out;
    }

    /** Prints the tree of {@code root}; returns what could not be read, each with its path. */
    static List<String> print(Group root, PrintWriter out) {
        Tree tree = new Tree(out);
        out.println("/  group");
        tree.attributes(root.attributes(), "/", STEP);
        tree.group(root, "/", STEP);
        return tree.problems;
    }

    private void group(Group group, String path, String indent) {
        List<Link> links;
        try {
            links = group.links();
        } catch (NativeLibraryException e) {
            throw e;
        } catch (H5Exception | IllegalArgumentException e) {
            problem(path, indent, e);
            return;
        }
        for (Link link : links) {
            String child = (path.equals("/") ? "/" : path + "/") + link.name();
            try {
                entry(group, link, child, indent);
            } catch (NativeLibraryException e) {
                throw e;
            } catch (H5Exception | IllegalArgumentException e) {
                problem(child, indent, e);
            }
        }
    }

    private void entry(Group group, Link link, String path, String indent) {
        String name = link.name();
        switch (link) {
            case Link.Soft soft -> out.println(indent + name + "  -> " + soft.target() + "  (soft link"
                    + (group.contains(soft.target()) ? ")" : ", dangling)"));
            case Link.External external -> out.println(indent + name + "  -> " + external.file() + ":" + external.objectPath()
                    + "  (external link, not followed)");
            case Link.UserDefined user -> out.println(indent + name + "  (user-defined link, class " + user.type() + ")");
            case Link.Hard hard when !hard.objectPath().equals(path) ->
                    out.println(indent + name + "  -> " + hard.objectPath() + "  (hard link to the " + noun(hard.kind()) + " there)");
            case Link.Hard hard -> {
                switch (hard.kind()) {
                    case GROUP -> {
                        Group child = group.group(name);
                        out.println(indent + name + "/  group");
                        attributes(child.attributes(), path, indent + STEP);
                        group(child, path, indent + STEP);
                    }
                    case DATASET -> dataset(group.dataset(name), indent);
                    case NAMED_DATATYPE -> out.println(indent + name + "  named datatype");
                }
            }
        }
    }

    private void dataset(Dataset dataset, String indent) {
        String name = dataset.path().substring(dataset.path().lastIndexOf('/') + 1);
        long[] shape = dataset.shape();
        H5Type type;
        try {
            type = dataset.type();
        } catch (UnsupportedTypeException e) {
            // Not damage: a type Java has no form for (a long double). Shown, as h5dump shows it.
            out.println(indent + name + "  (" + Main.firstLine(e.getMessage()) + ")  " + shape(shape));
            attributes(dataset.attributes(), dataset.path(), indent + STEP);
            return;
        }
        out.println(indent + name + "  " + TypeNames.of(type) + "  " + shape(shape));
        if (type instanceof H5Type.CompoundType compound) {
            for (H5Type.CompoundType.Member member : compound.members()) {
                out.println(indent + STEP + "." + member.name() + "  " + TypeNames.of(member.type()) + "  @" + member.offset());
            }
        }
        attributes(dataset.attributes(), dataset.path(), indent + STEP);
    }

    private void attributes(Attributes attributes, String path, String indent) {
        for (String name : attributes.names()) {
            try {
                H5Type type = attributes.type(name);
                out.println(indent + "@" + name + "  " + TypeNames.of(type) + " = " + value(attributes.get(name), unsigned64(type)));
            } catch (UnsupportedTypeException e) {
                out.println(indent + "@" + name + "  (" + Main.firstLine(e.getMessage()) + ")");
            } catch (NativeLibraryException e) {
                throw e;
            } catch (H5Exception | IllegalArgumentException e) {
                problem(path + "@" + name, indent, e);
            }
        }
    }

    private static String shape(long[] shape) {
        if (shape == null) return "null dataspace";
        if (shape.length == 0) return "scalar";
        return "(" + String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList()) + ")";
    }

    private static String noun(Link.Kind kind) {
        return switch (kind) {
            case GROUP -> "group";
            case DATASET -> "dataset";
            case NAMED_DATATYPE -> "named datatype";
        };
    }

    private void problem(String path, String indent, Exception e) {
        String reason = Main.firstLine(e.getMessage());
        out.println(indent + path + "  UNREADABLE: " + reason);
        problems.add(path + ": " + reason);
    }

    /** Whether {@code type} holds 64-bit unsigned numbers, which Java keeps as the {@code long} of the same bits. */
    private static boolean unsigned64(H5Type type) {
        return switch (type) {
            case H5Type.IntegerType t -> !t.signed() && t.size() == 8;
            case H5Type.BitfieldType t -> t.size() == 8;
            case H5Type.ArrayType t -> unsigned64(t.base());
            case H5Type.VlenType t -> unsigned64(t.base());
            default -> false;
        };
    }

    /**
     * A value on one line, cut at {@link #VALUE_WIDTH} with its element count; {@code unsigned64}
     * prints {@code long}s as unsigned.
     */
    static String value(Object value, boolean unsigned64) {
        StringBuilder text = new StringBuilder();
        write(value, unsigned64, text);
        if (text.length() <= VALUE_WIDTH) return text.toString();
        long count = count(value);
        return text.substring(0, VALUE_WIDTH) + "... (" + count + (count == 1 ? " element)" : " elements)");
    }

    private static long count(Object value) {
        if (value == null || !value.getClass().isArray()) return 1;
        long n = 0;
        for (int i = 0; i < Array.getLength(value); i++) n += count(Array.get(value, i));
        return n;
    }

    private static void write(Object value, boolean unsigned64, StringBuilder text) {
        if (text.length() > VALUE_WIDTH) return; // the rest is cut anyway
        switch (value) {
            case null -> text.append("null");
            case String s -> text.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            case Empty e -> text.append("Empty");
            case Long l when unsigned64 -> text.append(Long.toUnsignedString(l));
            case H5Reference.ToObject r -> text.append("<object ").append(r.path()).append('>');
            case H5Reference.ToRegion r -> text.append("<region of ").append(r.path()).append(' ').append(selection(r.selection())).append('>');
            case Map<?, ?> m -> {
                text.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) text.append(", ");
                    first = false;
                    text.append(e.getKey()).append(": ");
                    write(e.getValue(), false, text);
                }
                text.append('}');
            }
            default -> {
                if (!value.getClass().isArray()) {
                    text.append(value);
                    return;
                }
                text.append('[');
                int n = Array.getLength(value);
                for (int i = 0; i < n && text.length() <= VALUE_WIDTH; i++) {
                    if (i > 0) text.append(", ");
                    write(Array.get(value, i), unsigned64, text);
                }
                text.append(']');
            }
        }
    }

    private static String selection(Selection selection) {
        return switch (selection) {
            case Selection.All a -> "all";
            case Selection.None n -> "none";
            case Selection.Points p -> p.coordinates().size() + " points";
            case Selection.Blocks b -> b.starts().size() + " blocks";
        };
    }
}
