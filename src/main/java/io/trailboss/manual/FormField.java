package io.trailboss.manual;

import java.util.List;

/**
 * One field of a manual step's form. {@code required} is already resolved (true unless the field
 * has a default or says otherwise); bounds that do not apply to the type are null.
 */
public record FormField(String name, Type type, String label, String description, Object defaultValue, boolean hasDefault,
        boolean required, List<Object> choices, String pattern, Double min, Double max, Integer minLength, Integer maxLength) {

    public enum Type {
        STRING, NUMBER, BOOLEAN, CHOICE, SECRET;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
