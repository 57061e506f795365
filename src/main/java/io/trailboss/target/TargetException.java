package io.trailboss.target;

/** A request about targets, profiles or params that is refused; names the field at fault. */
public final class TargetException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String field;

    private TargetException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static TargetException invalid(String field, String message) {
        return new TargetException(Kind.INVALID, field, message);
    }

    public static TargetException notFound(String message) {
        return new TargetException(Kind.NOT_FOUND, null, message);
    }

    public static TargetException conflict(String field, String message) {
        return new TargetException(Kind.CONFLICT, field, message);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
