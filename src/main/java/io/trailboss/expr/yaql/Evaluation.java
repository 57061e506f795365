package io.trailboss.expr.yaql;

import java.util.Iterator;

/**
 * The state of one evaluation (yaql's engine): its options, the deadline and the call depth. Every function
 * call and every element an iterator hands out ticks it, so a long loop stops at the deadline.
 */
final class Evaluation {
    final YaqlOptions options;
    private final long deadline;
    /** The size no value may pass: the memory quota, or yaql's own bound. */
    private final long smallestLimit;
    /** The values all calls of one evaluation may return, counted as the memory quota counts them. */
    static final long MAX_BUILT_BYTES = 128L * 1024 * 1024;
    /** The values a result may hold. */
    static final int MAX_RESULT_VALUES = 1_000_000;
    private int steps;
    private int depth;
    private long built;
    private int emitted;

    Evaluation(YaqlOptions options) {
        this.options = options;
        this.deadline = System.nanoTime() + options.timeout().toNanos();
        long quota = options.memoryQuota();
        this.smallestLimit = quota > 0 ? Math.min(quota, YaqlOptions.MAX_VALUE_BYTES) : YaqlOptions.MAX_VALUE_BYTES;
    }

    void tick() {
        if ((++steps & 1023) == 0 && System.nanoTime() - deadline > 0) {
            throw new YaqlException("TimeoutError", "the expression ran longer than " + options.timeout().toMillis() + " ms");
        }
    }

    void enter() {
        if (depth >= YaqlOptions.MAX_CALL_DEPTH) {
            throw new YaqlException("RecursionError", "maximum recursion depth exceeded (" + YaqlOptions.MAX_CALL_DEPTH + " nested calls)");
        }
        depth++;
    }

    void exit() {
        depth--;
    }

    /** Counts a value a call returned against the evaluation's budget (each function's quota is per value). */
    void account(long bytes) {
        built += bytes;
        if (built > MAX_BUILT_BYTES) {
            throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (its calls built more than " + MAX_BUILT_BYTES / (1024 * 1024) + " MB of values)");
        }
    }

    /** Counts a value of the result. */
    void emit() {
        if (++emitted > MAX_RESULT_VALUES) {
            throw new YaqlException("CollectionTooLargeException", "the result holds more than " + MAX_RESULT_VALUES + " values");
        }
    }

    /** yaql's limit_memory_usage for a total of bytes. */
    void limitMemory(long bytes) {
        long quota = options.memoryQuota();
        if (quota > 0 && bytes > quota) {
            throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (more than the quota of " + quota + " bytes in one value)");
        }
        if (bytes > YaqlOptions.MAX_VALUE_BYTES) {
            throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (more than " + YaqlOptions.MAX_VALUE_BYTES + " bytes in one value)");
        }
    }

    void limitMemory(Object value) {
        // a string takes at most 76 bytes and 4 a character: most are far below the limit, and are not measured
        if (value instanceof String s && 76 + 4L * s.length() <= smallestLimit) return;
        limitMemory(PySize.of(value));
    }

    /**
     * yaql's limit_iterable: a sized collection longer than the limit is refused at once; anything else is
     * wrapped so that it fails at the element past the limit.
     */
    Object limitIterable(Object value) {
        int max = options.limitIterators();
        if (value instanceof PySeq || value instanceof PyDict || value instanceof PySet || value instanceof DictView dv && dv.setLike()) {
            if (max >= 0 && Py.len(value) > max) throw tooLarge(max);
            return value;
        }
        Iterator<Object> source = Py.iter(value);
        return new PyIter("generator") {
            int i;

            @Override
            protected Object step() {
                if (!source.hasNext()) return END;
                if (max >= 0 && i >= max) throw tooLarge(max);
                i++;
                tick();
                return source.next();
            }
        };
    }

    static YaqlException tooLarge(int max) {
        return new YaqlException("CollectionTooLargeException", "Collection length exceeds " + max + " elements");
    }
}
