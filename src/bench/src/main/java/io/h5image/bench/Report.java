package io.h5image.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns JMH's JSON results ({@code -rf json -rff file}) into a Markdown table of ratios to the
 * floor and to the recipe of the same size, both measured in the same run: absolute times
 * depend on the machine, ratios much less.
 *
 * <pre>java -cp benchmarks.jar io.h5image.bench.Report [--out table.md] results.json...</pre>
 */
public final class Report {

    /** Row order, and for each row the recipe it is compared with (null: none). */
    private static final String[][] ROWS = {
            {"floorCopy", null},
            {"floorCopyFresh", null},
            {"serializeReused", "recipeSerialize"},
            {"serializeReused (cold)", "recipeSerialize"},
            {"serializeFresh", "recipeSerializeFresh"},
            {"serializeToBytes", "recipeSerialize"},
            {"recipeSerialize", "recipeSerialize"},
            {"recipeSerializeFresh", "recipeSerializeFresh"},
            {"deserialize", "recipeDeserialize"},
            {"deserialize (cold)", "recipeDeserialize"},
            {"recipeDeserialize", "recipeDeserialize"},
            {"recipeDeserializeH5Image", "recipeDeserialize"},
    };
    private static final List<String> SIZES = List.of("80B", "8KB", "4MB", "100MB");
    private static final String SEED = "4MB";

    record Score(double value, double error, String unit) {}

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) out = Path.of(args[++i]);
            else inputs.add(Path.of(args[i]));
        }
        if (inputs.isEmpty()) {
            System.err.println("usage: Report [--out table.md] results.json...  (JMH output of -rf json -rff results.json)");
            System.exit(2);
        }
        List<Object> runs = new ArrayList<>();
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                System.err.println("no JMH results at " + input + "; did the run fail?");
                System.exit(1);
            }
            runs.addAll((List<?>) new Json(Files.readString(input)).value());
        }
        String table = render(runs);
        System.out.print(table);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, table);
        }
    }

    static String render(List<Object> runs) {
        Map<String, Map<String, Score>> bySize = new LinkedHashMap<>();
        Set<String> environment = new LinkedHashSet<>();
        Map<String, Set<String>> settings = new LinkedHashMap<>();
        for (Object run : runs) {
            Map<?, ?> r = (Map<?, ?>) run;
            String benchmark = (String) r.get("benchmark");
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String name = benchmark.contains(".H5ImageColdBench.") ? method + " (cold)" : method;
            Map<?, ?> params = (Map<?, ?>) r.get("params");
            String size = params == null ? "-" : String.valueOf(params.get("size"));
            Map<?, ?> metric = (Map<?, ?>) r.get("primaryMetric");
            bySize.computeIfAbsent(size, s -> new LinkedHashMap<>()).put(name,
                    new Score(number(metric.get("score")), number(metric.get("scoreError")), (String) metric.get("scoreUnit")));
            environment.add("JDK " + r.get("jdkVersion") + " (" + r.get("vmName") + " " + r.get("vmVersion") + "), fork JVM args: "
                    + String.join(" ", new LinkedHashSet<>(((List<?>) r.get("jvmArgs")).stream().map(String::valueOf).toList())));
            settings.computeIfAbsent("warmup " + whole(r.get("warmupIterations")) + " × " + r.get("warmupTime") + ", measurement "
                    + whole(r.get("measurementIterations")) + " × " + r.get("measurementTime") + ", forks " + whole(r.get("forks")),
                    k -> new LinkedHashSet<>()).add(size);
        }

        StringBuilder md = new StringBuilder();
        md.append("| size | benchmark | µs/op | ± (99.9%) | × floor | × recipe |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        List<String> sizes = new ArrayList<>(SIZES.stream().filter(bySize::containsKey).toList());
        bySize.keySet().stream().filter(s -> !SIZES.contains(s)).forEach(sizes::add);
        for (String size : sizes) {
            Map<String, Score> scores = bySize.get(size);
            Set<String> names = new LinkedHashSet<>();
            for (String[] row : ROWS) if (scores.containsKey(row[0])) names.add(row[0]);
            names.addAll(scores.keySet());
            for (String name : names) {
                Score s = scores.get(name);
                String recipe = recipeOf(name);
                md.append("| ").append(size).append(" | ").append(name)
                        .append(" | ").append(micros(s)).append(" | ").append(Double.isNaN(s.error()) ? "" : fmt(toMicros(s.error(), s.unit())))
                        .append(" | ").append(name.equals("floorCopy") ? "1.00" : ratio(s, scores.get("floorCopy")))
                        .append(" | ").append(recipe == null ? "—" : ratio(s, scores.get(recipe)))
                        .append(" |\n");
            }
        }

        Map<String, Score> seed = bySize.get(SEED);
        if (seed != null) {
            md.append("\nTargets at ").append(SEED).append(" (1000×500 double):\n\n");
            target(md, "serialize into a reused buffer", seed, "serializeReused", "floorCopy", 1.5);
            target(md, "the same, templates off (every image through libhdf5)", seed, "serializeReused (cold)", "floorCopy", 1.5);
            target(md, "deserialize", seed, "deserialize", "recipeDeserialize", 1.1);
            target(md, "the same, templates off", seed, "deserialize (cold)", "recipeDeserialize", 1.1);
        }
        md.append("\nfloor = one MemorySegment.copy of the payload into a reused native buffer; recipe = the Julia recipe "
                + "(H5Fget_file_image / H5LTopen_file_image) through the same bindings; (cold) = image templates off, "
                + "every call through libhdf5; Fresh = a new confined arena per image; recipeDeserializeH5Image = the recipe "
                + "reading h5image's image (the file format's share of a cold deserialize).\n");
        md.append("\n");
        for (String e : environment) md.append("- ").append(e).append("\n");
        settings.forEach((how, which) -> md.append("- ").append(String.join(", ", which)).append(": ").append(how).append("\n"));
        return md.toString();
    }

    private static void target(StringBuilder md, String what, Map<String, Score> scores, String name, String base, double limit) {
        Score s = scores.get(name), b = scores.get(base);
        if (s == null || b == null) return;
        double r = s.value() / b.value();
        md.append("- ").append(what).append(": ").append(name).append(" / ").append(base).append(" = ")
                .append(ratio(s, b)).append(String.format(Locale.ROOT, "× (target ≤ %.1f×)", limit))
                .append(r <= limit ? ": met" : String.format(Locale.ROOT, ": missed by %.1f%%", 100 * (r / limit - 1)))
                .append("\n");
    }

    private static String recipeOf(String name) {
        for (String[] row : ROWS) if (row[0].equals(name)) return row[1];
        return null;
    }

    private static String ratio(Score s, Score base) {
        if (base == null || base.value() <= 0) return "—";
        double r = toMicros(s.value(), s.unit()) / toMicros(base.value(), base.unit());
        // Two significant digits below 0.1: a template hit at 80 B is thousands of times below the recipe, not "0.00".
        if (r >= 100) return String.format(Locale.ROOT, "%,.0f", r);
        if (r >= 0.1) return String.format(Locale.ROOT, "%.2f", r);
        return String.format(Locale.ROOT, "%.2g", r);
    }

    /** JSON numbers come back as doubles; counts read better without ".0". */
    private static String whole(Object n) {
        double d = number(n);
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(n);
    }

    private static String micros(Score s) {
        return fmt(toMicros(s.value(), s.unit()));
    }

    private static double toMicros(double value, String unit) {
        return switch (unit) {
            case "ns/op" -> value / 1e3;
            case "us/op" -> value;
            case "ms/op" -> value * 1e3;
            case "s/op" -> value * 1e6;
            default -> throw new IllegalArgumentException("unsupported unit " + unit + "; run in AverageTime mode");
        };
    }

    private static String fmt(double micros) {
        if (micros >= 1000) return String.format(Locale.ROOT, "%,.0f", micros);
        if (micros >= 10) return String.format(Locale.ROOT, "%.1f", micros);
        if (micros >= 1) return String.format(Locale.ROOT, "%.2f", micros);
        return String.format(Locale.ROOT, "%.3f", micros);
    }

    private static double number(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Just enough JSON for JMH's output (which may hold bare NaN); not worth a dependency. */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skipSpace();
            if (at >= text.length()) throw error("unexpected end");
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                case 'N' -> literal("NaN", Double.NaN);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == ',') at++;
                else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (peek() == ',') at++;
                else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder s = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') return s.toString();
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> s.append('\n');
                    case 't' -> s.append('\t');
                    case 'r' -> s.append('\r');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'u' -> {
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> s.append(e);
                }
            }
        }

        private Object number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eEInfinity".indexOf(text.charAt(at)) >= 0) at++;
            if (start == at) throw error("unexpected '" + text.charAt(at) + "'");
            return Double.parseDouble(text.substring(start, at));
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) throw error("expected " + word);
            at += word.length();
            return value;
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            at++;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JMH JSON at character " + at + ": " + what);
        }
    }
}
