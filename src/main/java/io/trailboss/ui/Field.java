package io.trailboss.ui;

import java.util.List;

/**
 * A form field as the page draws it (operation forms and manual steps alike). {@code kind}: text,
 * number, checkbox, select, password or textarea; {@code error} is shown next to the field.
 */
public record Field(String name, String label, String kind, String value, boolean required, List<String> choices, String description,
                    String pattern, String min, String max, String error) {
    public boolean checked() {
        return "true".equals(value);
    }
}
