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
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

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
        return Values.plain(Json.read(text));
    }

    public static String json_dump(Object value) {
        return Json.write(Values.plain(value));
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
