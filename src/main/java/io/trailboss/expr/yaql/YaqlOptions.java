package io.trailboss.expr.yaql;

import java.time.Duration;

/**
 * How an evaluation is bounded and shaped, as yaql's engine options say. {@code limitIterators}: at most that
 * many elements in any collection a function receives or the result holds (-1: no limit);
 * {@code memoryQuota}: at most that many bytes (Python's shallow size) in any one value a function receives
 * or returns (-1: no quota); tuples and sets become lists in the result as the two flags say; {@code delegates}:
 * the functions yaql registers only with delegates allowed ({@code lambda}, calling a value). Whatever the
 * options, an evaluation stops at {@code timeout}, at {@link #MAX_CALL_DEPTH} nested calls and at
 * {@link #MAX_VALUE_BYTES} bytes in one value, so no expression can hold or exhaust the server.
 */
public record YaqlOptions(int limitIterators, long memoryQuota, boolean convertTuplesToLists, boolean convertSetsToLists,
        boolean delegates, Duration timeout) {

    /** Nested function calls allowed (Python stops a runaway recursion at its stack limit). */
    public static final int MAX_CALL_DEPTH = 400;
    /** The largest value (Python's shallow size) any evaluation may build, whatever its quota. */
    public static final long MAX_VALUE_BYTES = 64L * 1024 * 1024;

    /** The options yaql's own test suite runs with (and its conformance corpus was recorded with). */
    public static final YaqlOptions YAQL_TESTS = new YaqlOptions(100, 20000, true, true, true, Duration.ofSeconds(2));

    /** Mistral's defaults: no iterator limit or memory quota, tuples to lists, sets kept, no delegates. */
    public static final YaqlOptions MISTRAL = new YaqlOptions(-1, -1, true, false, false, Duration.ofSeconds(10));

    public YaqlOptions {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    }

    public YaqlOptions withTimeout(Duration t) {
        return new YaqlOptions(limitIterators, memoryQuota, convertTuplesToLists, convertSetsToLists, delegates, t);
    }
}
