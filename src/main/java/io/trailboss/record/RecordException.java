package io.trailboss.record;

/** A recording request that cannot be served: bad input (with the field at fault), an unknown object, or a write the caller may not make. */
public final class RecordException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN }

    private final Kind kind;
    private final String field;

    private RecordException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static RecordException invalid(String field, String message) {
        return new RecordException(Kind.INVALID, field, message);
    }

    public static RecordException notFound() {
        return new RecordException(Kind.NOT_FOUND, null, "Not found.");
    }

    /** A running job's token writing a recording its job did not create. */
    public static RecordException forbidden(String message) {
        return new RecordException(Kind.FORBIDDEN, null, message);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
