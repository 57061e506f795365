package io.trailboss.manual;

import java.util.List;
import java.util.stream.Collectors;

/** Answers to a form that cannot be accepted: every field at fault, each with its problem. */
public final class AnswersException extends RuntimeException {
    private final List<FieldError> errors;

    public AnswersException(List<FieldError> errors) {
        super("the answers do not fit the form: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
