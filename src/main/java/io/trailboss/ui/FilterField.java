package io.trailboss.ui;

import java.util.List;

/** A field of a list page's GET filter form; {@code choices} non-null makes it a select (first choice: any). */
public record FilterField(String name, String label, String value, List<String> choices, String type) {
    public static FilterField text(String name, String label, String value) {
        return new FilterField(name, label, value == null ? "" : value, null, "search");
    }

    public static FilterField date(String name, String label, String value) {
        return new FilterField(name, label, value == null ? "" : value, null, "date");
    }

    public static FilterField choice(String name, String label, String value, List<String> choices) {
        return new FilterField(name, label, value == null ? "" : value, choices, "select");
    }
}
