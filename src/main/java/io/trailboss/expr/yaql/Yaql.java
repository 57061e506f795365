package io.trailboss.expr.yaql;

import java.util.concurrent.ConcurrentHashMap;

/**
 * YAQL, the query language of OpenStack Mistral ({@code $.hosts.where($.up).select($.name)}), as yaql 2.0 parses
 * and evaluates it: {@code Yaql.parse(text).evaluate(data, YaqlContext.standard(options))}. Parsed expressions
 * are immutable and cached by their text.
 */
public final class Yaql {
    /** Longer expressions are refused: nobody writes one, and parsing and caching stay cheap. */
    public static final int MAX_LENGTH = 64 * 1024;
    private static final int CACHE_SIZE = 10_000;
    private static final ConcurrentHashMap<String, YaqlExpression> CACHE = new ConcurrentHashMap<>();

    private Yaql() {}

    /** The expression, parsed (or taken from the cache); a syntax error says where the text stops being YAQL. */
    public static YaqlExpression parse(String text) {
        YaqlExpression cached = CACHE.get(text);
        if (cached != null) return cached;
        if (text.length() > MAX_LENGTH) {
            throw new YaqlSyntaxException("YaqlGrammarException", "the expression is longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
        }
        YaqlExpression e = new YaqlExpression(text, Parser.parse(text));
        // a full cache starts over rather than growing without bound
        if (CACHE.size() >= CACHE_SIZE) CACHE.clear();
        CACHE.put(text, e);
        return e;
    }

    /**
     * Plain data made into YAQL's values once, to evaluate several expressions over the same data without
     * converting it for each: pass the answer as the data of {@link YaqlExpression#evaluate}. Its maps are read
     * where they are, as expressions reach them: they must not change while the answer is in use.
     */
    public static Object data(Object plain) {
        return Input.convert(plain);
    }

    /** Python's repr() of a float ({@code 1.0}, {@code 1e+16}, {@code 0.1}), as text built from values shows it. */
    public static String floatRepr(double d) {
        return Py.floatRepr(d);
    }

    /** Python's repr() of a string ({@code 'a'}, {@code "it's"}). */
    public static String stringRepr(String s) {
        return Py.stringRepr(s);
    }
}
