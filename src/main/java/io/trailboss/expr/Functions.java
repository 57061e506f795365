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
        pythonJson(Values.plain(value), 0, out);
        return out.toString();
    }

    private static void pythonJson(Object value, int depth, StringBuilder out) {
        String inner = "\n" + "    ".repeat(depth + 1);
        switch (value) {
            case Map<?, ?> m when !m.isEmpty() -> {
                out.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(sep).append(inner).append(asciiJson(String.valueOf(e.getKey()))).append(": ");
                    pythonJson(e.getValue(), depth + 1, out);
                    sep = ",";
                }
                out.append('\n').append("    ".repeat(depth)).append('}');
            }
            case java.util.List<?> l when !l.isEmpty() -> {
                out.append('[');
                String sep = "";
                for (Object o : l) {
                    out.append(sep).append(inner);
                    pythonJson(o, depth + 1, out);
                    sep = ",";
                }
                out.append('\n').append("    ".repeat(depth)).append(']');
            }
            case String s -> out.append(asciiJson(s));
            case Double d when d.isNaN() -> out.append("NaN");
            case Double d when d.isInfinite() -> out.append(d > 0 ? "Infinity" : "-Infinity");
            case null, default -> out.append(Json.write(value));
        }
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

    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    static Map<String, Class<?>[]> signatures() {
        return Map.of(
                "task", new Class<?>[] {String[].class},
                "execution", new Class<?>[0],
                "env", new Class<?>[0],
                "json_parse", new Class<?>[] {String.class},
                "json_dump", new Class<?>[] {Object.class},
                "yaml_parse", new Class<?>[] {String.class},
                "yaml_dump", new Class<?>[] {Object.class},
                "uuid", new Class<?>[0]);
    }
}
