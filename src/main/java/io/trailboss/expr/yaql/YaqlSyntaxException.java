package io.trailboss.expr.yaql;

/** An expression that is not YAQL: the message and {@link #position()} say where (0-based; the length for its end). */
public final class YaqlSyntaxException extends YaqlException {
    private final int position;

    YaqlSyntaxException(String kind, String message, int position) {
        super(kind, message);
        this.position = position;
    }

    /** The character (0-based) at which the expression stops being YAQL; the length of the text at its end. */
    public int position() {
        return position;
    }
}
