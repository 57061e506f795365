package io.trailboss.engine;

/** Input that does not fit what a workflow or action declares; names the offending field. */
public final class InvalidInputException extends RuntimeException {
    private final String field;

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
