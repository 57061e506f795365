package io.trailboss.expr.yaql;

/**
 * A YAQL expression that could not be parsed or evaluated. {@link #kind()} names the error as yaql names it
 * (its exception class, such as {@code NoMatchingFunctionException}, or the Python error its library raises,
 * such as {@code ZeroDivisionError}); the message says what went wrong in plain words.
 */
public class YaqlException extends RuntimeException {
    private final String kind;
    private int position = -1;
    private String at;

    public YaqlException(String kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** Where in the expression (0-based character) the failing call is written, or -1 when unknown. */
    public int position() {
        return position;
    }

    /** The innermost call that failed claims the error: later (outer) calls leave it. */
    YaqlException locate(int position, String at) {
        if (this.position < 0 && position >= 0) {
            this.position = position;
            this.at = at;
        }
        return this;
    }

    /** What went wrong, led by the kind of error, and where. */
    public String describe() {
        return kind + ": " + getMessage() + (at != null ? " (in " + at + " at position " + position + ")" : "");
    }

    static YaqlException typeError(String message) {
        return new YaqlException("TypeError", message);
    }

    static YaqlException valueError(String message) {
        return new YaqlException("ValueError", message);
    }

    static YaqlException indexError(String message) {
        return new YaqlException("IndexError", message);
    }

    static YaqlException keyError(Object key) {
        return new YaqlException("KeyError", Py.repr(key));
    }

    static YaqlException zeroDivision(String message) {
        return new YaqlException("ZeroDivisionError", message);
    }

    static YaqlException stopIteration(String message) {
        return new YaqlException("StopIteration", message);
    }
}
