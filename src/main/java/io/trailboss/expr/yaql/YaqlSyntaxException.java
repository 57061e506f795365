package io.trailboss.expr.yaql;

/** An expression that is not YAQL: the message and {@link #position()} say where (0-based; the length for its end). */
public final class YaqlSyntaxException extends YaqlException {
    YaqlSyntaxException(String kind, String message, int position) {
        super(kind, message);
        locate(position, null);
    }
}
