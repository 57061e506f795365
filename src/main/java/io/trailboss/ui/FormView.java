package io.trailboss.ui;

import java.util.List;

/** A form the server checks: where it posts, its fields (with their errors), an error for the whole form. */
public record FormView(String id, String title, String action, List<Field> fields, String error, String submit, String csrf) {
    public boolean hasErrors() {
        return error != null || fields.stream().anyMatch(f -> f.error() != null);
    }
}
