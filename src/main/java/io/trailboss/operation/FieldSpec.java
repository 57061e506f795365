package io.trailboss.operation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One field of an operation's form, generated from a workflow input and the operation's notes on it:
 * its type, default, whether it is required, a description, and validation (pattern for text, min
 * and max for numbers and lengths, choices for a choice).
 */
public record FieldSpec(String name, Type type, boolean required, boolean hasDefault, Object defaultValue, String description,
                        String pattern, Double min, Double max, List<Object> choices) {

    public enum Type { STRING, NUMBER, BOOLEAN, CHOICE, LIST, SECRET, TEXT }

    /** The form field as clients see it (a secret's default is never shown). */
    public Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("type", type.name().toLowerCase());
        v.put("required", required);
        if (hasDefault) v.put("default", type == Type.SECRET && defaultValue != null ? "********" : defaultValue);
        if (description != null) v.put("description", description);
        if (pattern != null) v.put("pattern", pattern);
        if (min != null) v.put("min", min);
        if (max != null) v.put("max", max);
        if (choices != null) v.put("choices", choices);
        return v;
    }
}
