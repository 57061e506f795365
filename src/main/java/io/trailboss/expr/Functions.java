package io.trailboss.expr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.trailboss.json.Json;
import java.util.Map;
import java.util.UUID;

/**
 * The functions expressions may call. Static because Jinjava binds functions to static methods;
 * the scope they read comes from a thread-local set for the duration of one evaluation.
 */
public final class Functions {
    static final ThreadLocal<EvaluationScope> SCOPE = ThreadLocal.withInitial(() -> EvaluationScope.NONE);
    // PyYAML's safe_dump(default_flow_style=False), which Mistral's yaml_dump uses: block style,
    // keys sorted, strings unquoted unless they need quotes
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Functions() {}

    public static Object task(String... name) {
        EvaluationScope scope = SCOPE.get();
        String which = name.length == 0 || name[0] == null ? scope.currentTask() : name[0];
        return which == null ? null : scope.task(which);
    }

    public static Object tasks(Object... args) {
        String id = args.length > 0 && args[0] != null ? String.valueOf(args[0]) : null;
        boolean recursive = args.length > 1 && Values.truthy(args[1]);
        String state = args.length > 2 && args[2] != null ? String.valueOf(args[2]) : null;
        boolean flat = args.length > 3 && Values.truthy(args[3]);
        return tasks(id, recursive, state, flat);
    }

    static java.util.List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
        return SCOPE.get().tasks(executionId, recursive, state, flat);
    }

    public static Object global(String name) {
        return SCOPE.get().global(name);
    }

    public static Object execution() {
        return SCOPE.get().execution();
    }

    public static Object env() {
        return SCOPE.get().env();
    }

    public static Object json_parse(String text) {
        // as Python's json.loads, which Mistral's json_parse is
        return Values.plain(Json.readLenient(text));
    }

    /** Mistral's json_dump is Python's {@code json.dumps(data, indent=4)}: the same text, byte for byte. */
    public static String json_dump(Object value) {
        StringBuilder out = new StringBuilder();
        pythonJson(Values.plain(value), true, false, 0, out);
        return out.toString();
    }

    /** Python's {@code json.dumps(value)} with its defaults: one line, keys in their order, non-ASCII escaped. Not an expression function. */
    public static String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        pythonJson(Values.plain(value), false, false, 0, out);
        return out.toString();
    }

    /**
     * Python's {@code json.dumps}: with {@code indented}, {@code indent=4} (items on their own lines, "," between);
     * without, one line with ", " and ": "; keys in order, or sorted as {@code sort_keys=True}.
     */
    private static void pythonJson(Object value, boolean indented, boolean sorted, int depth, StringBuilder out) {
        String before = indented ? "\n" + "    ".repeat(depth + 1) : "";
        String between = indented ? "," : ", ";
        String close = indented ? "\n" + "    ".repeat(depth) : "";
        switch (value) {
            case Map<?, ?> m when !m.isEmpty() -> {
                Map<String, Object> entries = sorted ? new java.util.TreeMap<>() : new java.util.LinkedHashMap<>();
                m.forEach((k, v) -> entries.put(String.valueOf(k), v));
                out.append('{');
                String sep = "";
                for (Map.Entry<String, Object> e : entries.entrySet()) {
                    out.append(sep).append(before).append(asciiJson(e.getKey())).append(": ");
                    pythonJson(e.getValue(), indented, sorted, depth + 1, out);
                    sep = between;
                }
                out.append(close).append('}');
            }
            case java.util.List<?> l when !l.isEmpty() -> {
                out.append('[');
                String sep = "";
                for (Object o : l) {
                    out.append(sep).append(before);
                    pythonJson(o, indented, sorted, depth + 1, out);
                    sep = between;
                }
                out.append(close).append(']');
            }
            case String str -> out.append(asciiJson(str));
            case Double d when d.isNaN() -> out.append("NaN");
            case Double d when d.isInfinite() -> out.append(d > 0 ? "Infinity" : "-Infinity");
            case null, default -> out.append(Json.write(value));
        }
    }

    /**
     * Jinja's {@code tojson} filter, which Mistral's templates get from jinja2: {@code json.dumps(sort_keys=True)}
     * on one line ({@code {"a": 2, "b": 1}}), non-ASCII escaped, and {@code < > & '} escaped so the text is safe
     * inside HTML.
     */
    public static String tojson(Object value) {
        StringBuilder out = new StringBuilder();
        pythonJson(Values.plain(value), false, true, 0, out);
        String json = out.toString();
        StringBuilder safe = new StringBuilder(json.length());
        for (char c : json.toCharArray()) {
            switch (c) {
                case '<' -> safe.append("\\u003c");
                case '>' -> safe.append("\\u003e");
                case '&' -> safe.append("\\u0026");
                case '\'' -> safe.append("\\u0027");
                default -> safe.append(c);
            }
        }
        return safe.toString();
    }

    /** A JSON string literal with non-ASCII escaped, as Python's json module writes by default. */
    private static String asciiJson(String s) {
        String json = Json.write(s);
        StringBuilder out = new StringBuilder(json.length());
        for (char c : json.toCharArray()) {
            if (c < 0x80) out.append(c);
            else out.append(String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    public static Object yaml_parse(String text) {
        try {
            return Values.plain(YAML.readValue(text, Object.class));
        } catch (Exception e) {
            throw new ExpressionException("yaml_parse: " + e.getMessage());
        }
    }

    public static String yaml_dump(Object value) {
        try {
            return YAML.writeValueAsString(Values.plain(value));
        } catch (Exception e) {
            throw new ExpressionException("yaml_dump: " + e.getMessage());
        }
    }

    /** The most numbers range() gives. */
    public static final int MAX_RANGE = 10_000;

    /**
     * Jinja's range(stop), range(start, stop), range(start, stop, step), refusing a range longer than
     * {@link #MAX_RANGE} (Jinjava's own stops there without saying so).
     */
    public static java.util.List<Long> range(Object first, Object... rest) {
        long start = 0;
        long stop;
        long step = 1;
        if (rest == null || rest.length == 0) {
            stop = whole(first);
        } else {
            start = whole(first);
            stop = whole(rest[0]);
            if (rest.length > 1) step = whole(rest[1]);
            if (rest.length > 2) throw new ExpressionException("range() takes at most 3 arguments");
        }
        if (step == 0) throw new ExpressionException("range(): the step must not be zero");
        java.math.BigInteger span = java.math.BigInteger.valueOf(stop).subtract(java.math.BigInteger.valueOf(start));
        java.math.BigInteger by = java.math.BigInteger.valueOf(step);
        long count = span.signum() != by.signum() ? 0
                : span.add(by).subtract(java.math.BigInteger.valueOf(Long.signum(step))).divide(by).min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        if (count > MAX_RANGE) {
            throw new ExpressionException("range(" + start + ", " + stop + (step != 1 ? ", " + step : "") + ") would give " + count
                    + " numbers; the limit is " + MAX_RANGE);
        }
        java.util.List<Long> out = new java.util.ArrayList<>((int) count);
        for (long i = 0, v = start; i < count; i++, v += step) out.add(v);
        return out;
    }

    private static long whole(Object v) {
        if (v instanceof Number n) {
            if (n instanceof Double d && (d.isNaN() || d.isInfinite())) throw new ExpressionException("range(): " + d + " is not a whole number");
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new ExpressionException("range(): '" + s + "' is not a whole number");
            }
        }
        throw new ExpressionException("range(): " + v + " is not a whole number");
    }

    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    static Map<String, Class<?>[]> signatures() {
        return Map.of(
                "task", new Class<?>[] {String[].class},
                "execution", new Class<?>[0],
                "tasks", new Class<?>[] {Object[].class},
                "global", new Class<?>[] {String.class},
                "env", new Class<?>[0],
                "json_parse", new Class<?>[] {String.class},
                "json_dump", new Class<?>[] {Object.class},
                "yaml_parse", new Class<?>[] {String.class},
                "yaml_dump", new Class<?>[] {Object.class},
                "uuid", new Class<?>[0]);
    }
}
