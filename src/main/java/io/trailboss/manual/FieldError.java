package io.trailboss.manual;

/** What is wrong with one answer (or one field definition): the field and the problem. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
