package io.trailboss.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON mapper: plain data in and out, ISO-8601 timestamps. What it reads can be written back the same:
 * a key repeated in an object and NaN or Infinity (which JSON does not have) are refused.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * For JSON that Python wrote (ARA's callback, services a std.http task calls, json_parse in an expression):
     * Python's json module writes NaN and Infinity and reads a repeated key as its last value, so this does too.
     */
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads JSON text into plain data (maps, lists, strings, numbers, booleans, null). */
    public static Object read(String text) {
        if (text == null) return null;
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            // Jackson's advice to enable a feature of its own means nothing to whoever sent the JSON
            String why = e.getOriginalMessage().replaceAll(": enable `[^`]*` to allow", " (NaN and Infinity are not JSON numbers)");
            throw new IllegalArgumentException("malformed JSON: " + why, e);
        }
    }

    /** As {@link #read}, as Python's json module reads: NaN and Infinity are numbers, a repeated key keeps its last value. */
    public static Object readLenient(String text) {
        if (text == null) return null;
        try {
            return LENIENT.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(String text) {
        if (text == null || text.isEmpty()) return new LinkedHashMap<>();
        Object value = read(text);
        if (value instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new IllegalArgumentException("expected a JSON object");
    }
}
