package io.trailboss.expr;

import io.trailboss.expr.yaql.Yaql;
import io.trailboss.expr.yaql.YaqlContext;
import io.trailboss.expr.yaql.YaqlException;
import io.trailboss.expr.yaql.YaqlOptions;
import io.trailboss.expr.yaql.YaqlSyntaxException;
import java.util.Locale;

/**
 * Evaluates one expression over plain data, for people trying expressions out. YAQL runs with the options of
 * yaql's own test suite (at most 100 elements in any collection, 20000 bytes in any one value, tuples and sets
 * as lists, delegates allowed; {@link YaqlOptions#YAQL_TESTS}) and stops after 2 seconds; a Mistral-style
 * {@code <% ... %>} around it is accepted. Jinja is one {@code {{ ... }}} expression (added when missing) or
 * a template, through {@link Expressions}, with its limits. Nothing here reads or changes any state.
 */
public final class Playground {
    private final Expressions jinja = new Expressions();
    private final YaqlContext yaql = YaqlContext.standard(YaqlOptions.YAQL_TESTS);

    /** Why an expression gave no result: {@code syntax} when it is not valid in its language, else it failed. */
    public static final class Failure extends RuntimeException {
        private final boolean syntax;
        private final String kind;
        private final int position;

        Failure(boolean syntax, String kind, int position, String message) {
            super(message);
            this.syntax = syntax;
            this.kind = kind;
            this.position = position;
        }

        public boolean syntax() {
            return syntax;
        }

        /** The error as the language names it (yaql's exception class or Python's error), or null. */
        public String kind() {
            return kind;
        }

        /** The 0-based character of the expression where it fails, or -1 when unknown. */
        public int position() {
            return position;
        }
    }

    public static boolean knows(String language) {
        return "yaql".equals(language) || "jinja".equals(language);
    }

    public Object evaluate(String language, String expression, Object data) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "yaql" -> yaql(expression, data, yaql);
            case "jinja" -> jinja(expression, data, EvaluationScope.NONE);
            default -> throw new IllegalArgumentException("unknown language '" + language + "' (yaql or jinja)");
        };
    }

    /**
     * As the engine evaluates a workflow's expression over a task's data context: YAQL with Mistral's options,
     * functions and 2 s limit ({@link InlineYaql}), Jinja as {@link #evaluate(String, String, Object)}; task(),
     * tasks(), execution(), env() and global() read {@code scope}, and the keys it adds to every data context
     * ({@code __execution}, ...) are in {@code $} and {@code _}. Failures say what and where as the playground does.
     */
    public Object evaluate(String language, String expression, Object data, EvaluationScope scope) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "yaql" -> {
                EvaluationScope previous = Functions.SCOPE.get();
                Functions.SCOPE.set(scope);
                try {
                    yield yaql(expression, Expressions.withHidden(data, scope), InlineYaql.context());
                } catch (ExpressionException e) {
                    // a Mistral function refused its argument
                    throw new Failure(false, null, -1, "the expression failed: " + e.getMessage());
                } finally {
                    Functions.SCOPE.set(previous);
                }
            }
            case "jinja" -> jinja(expression, data, scope);
            default -> throw new IllegalArgumentException("unknown language '" + language + "' (yaql or jinja)");
        };
    }

    private Object yaql(String expression, Object data, YaqlContext yaql) {
        String text = expression;
        int offset = 0;
        String trimmed = expression.strip();
        if (trimmed.startsWith("<%") && trimmed.endsWith("%>") && trimmed.length() >= 4) {
            offset = expression.indexOf("<%") + 2;
            text = expression.substring(offset, expression.lastIndexOf("%>"));
        }
        try {
            return Yaql.parse(text).evaluate(data, yaql);
        } catch (YaqlSyntaxException e) {
            int at = e.position() + offset;
            throw new Failure(true, e.kind(), at, "not YAQL at position " + at + ": " + e.getMessage().replaceAll(" at position \\d+$", "")
                    + " in '" + abbreviate(expression) + "'");
        } catch (YaqlException e) {
            int at = e.position() < 0 ? -1 : e.position() + offset;
            throw new Failure(false, e.kind(), at, "the expression failed: " + e.describe().replaceAll("at position \\d+\\)$", "at position " + at + ")"));
        }
    }

    private Object jinja(String expression, Object data, EvaluationScope scope) {
        String text = expression.contains("{{") || expression.contains("{%") ? expression : "{{ " + expression + " }}";
        try {
            return jinja.evaluate(text, data, scope);
        } catch (ExpressionException e) {
            throw new Failure(false, null, -1, e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
