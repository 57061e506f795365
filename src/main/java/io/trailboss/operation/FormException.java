package io.trailboss.operation;

import java.util.List;

/** A submitted form (or declaration) is wrong; {@code errors} names every bad field. Nothing was changed. */
public final class FormException extends RuntimeException {
    private final List<FieldError> errors;

    public FormException(List<FieldError> errors) {
        super(errors.size() == 1 ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid: " + String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList()));
        this.errors = List.copyOf(errors);
    }

    public static FormException of(String field, String message) {
        return new FormException(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
