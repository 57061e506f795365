package io.trailboss.expr.yaql;

/**
 * A YAQL expression that could not be parsed or evaluated. {@link #kind()} names the error as yaql names it
 * (its exception class, such as {@code NoMatchingFunctionException}, or the Python error its library raises,
 * such as {@code ZeroDivisionError}); the message says what went wrong in plain words.
 */
public class YaqlException extends RuntimeException {
    private final String kind;

    public YaqlException(String kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** What went wrong, led by the kind of error. */
    public String describe() {
        return kind + ": " + getMessage();
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
