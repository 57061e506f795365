package io.trailboss.expr;

import io.trailboss.expr.yaql.Yaql;
import io.trailboss.expr.yaql.YaqlContext;
import io.trailboss.expr.yaql.YaqlException;
import io.trailboss.expr.yaql.YaqlFunction;
import io.trailboss.expr.yaql.YaqlOptions;
import io.trailboss.expr.yaql.YaqlSyntaxException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAQL inside workflow values, bound as Mistral binds it: every {@code <% ... %>} of a string (on one line) is an
 * expression over the task's data context as {@code $}; a string that is exactly one expression takes the
 * expression's value and type, and any other string is text in which each expression is replaced by Python's
 * {@code str()} of its value ({@code {'a': 1}}, {@code [1, 2]}, {@code None}, {@code True}). Mistral's functions
 * ({@code task()}, {@code tasks()}, {@code execution()}, {@code env()}, {@code global()}, {@code json_parse} ...)
 * read the {@link EvaluationScope} of the evaluation, which hands out plain data only.
 *
 * <p>Mistral's engine options: no iterator limit or memory quota beyond yaql's own bounds, tuples as lists, no
 * delegates; an evaluation stops after 2 seconds, as a Jinja template does.
 */
final class InlineYaql {
    /** Mistral's pattern: the shortest {@code <% ... %>}, within one line. */
    private static final Pattern INLINE = Pattern.compile("<%.*?%>");
    static final YaqlOptions OPTIONS = YaqlOptions.MISTRAL.withTimeout(Duration.ofSeconds(2));
    private static final YaqlContext MISTRAL = mistralFunctions(YaqlContext.standard(OPTIONS).child()).seal();

    private InlineYaql() {}

    /** The context expressions of workflows are evaluated in: Mistral's options and functions. */
    static YaqlContext context() {
        return MISTRAL;
    }

    static boolean has(String s) {
        return s.contains("<%") && INLINE.matcher(s).find();
    }

    /**
     * The data of the evaluation under way, converted for YAQL once: every YAQL string of one evaluation (a
     * publish of many values) reads the same data. {@link #forget()} ends it.
     */
    private static final ThreadLocal<Object[]> CONVERTED = new ThreadLocal<>();

    static void forget() {
        CONVERTED.remove();
    }

    private static Object converted(Object data) {
        Object[] c = CONVERTED.get();
        if (c != null && c[0] == data) return c[1];
        Object yaqlData = Yaql.data(data);
        CONVERTED.set(new Object[] {data, yaqlData});
        return yaqlData;
    }

    /** The value of a string with YAQL in it, with {@code data} as {@code $} and each global as {@code $name}. */
    static Object render(String s, Object plainData, Map<String, Object> globals) {
        List<String> found = find(s);
        if (found.isEmpty()) return s;
        Object data = converted(plainData);
        YaqlContext context = MISTRAL;
        if (!globals.isEmpty()) {
            context = MISTRAL.child();
            for (Map.Entry<String, Object> g : globals.entrySet()) context.set(g.getKey(), g.getValue());
        }
        Object result = s;
        for (String expr : found) {
            Object value = evaluate(inner(expr), data, context);
            if (s.length() == expr.length()) result = value;
            else result = ((String) result).replace(expr, pythonStr(value));
        }
        return result;
    }

    /** The first syntax error among the string's expressions, or null when all parse. */
    static SyntaxProblem syntaxProblem(String s) {
        for (Matcher m = INLINE.matcher(s); m.find(); ) {
            String expr = m.group();
            String inner = inner(expr);
            String text = inner.strip();
            try {
                Yaql.parse(text);
            } catch (YaqlSyntaxException e) {
                int start = m.start() + expr.indexOf(inner) + inner.indexOf(text);
                return new SyntaxProblem(expr, start + Math.max(0, e.position()), e.getMessage().replaceAll(" at position \\d+$", ""));
            }
        }
        return null;
    }

    /** Where a string stops being YAQL: the expression, the 0-based character of the whole string, and why. */
    record SyntaxProblem(String expression, int position, String message) {}

    private static List<String> find(String s) {
        List<String> out = new ArrayList<>(2);
        for (Matcher m = INLINE.matcher(s); m.find(); ) out.add(m.group());
        return out;
    }

    /** Python's {@code expr.strip("<%>")}: every leading and trailing '<', '%' and '>' goes. */
    private static String inner(String expr) {
        int from = 0;
        int to = expr.length();
        while (from < to && "<%>".indexOf(expr.charAt(from)) >= 0) from++;
        while (to > from && "<%>".indexOf(expr.charAt(to - 1)) >= 0) to--;
        return expr.substring(from, to);
    }

    private static Object evaluate(String expression, Object data, YaqlContext context) {
        String text = expression.strip();
        try {
            return Yaql.parse(text).evaluate(data, context);
        } catch (YaqlException e) {
            // the data context is left out of the message: it may hold secrets
            throw new ExpressionException("Can not evaluate YAQL expression [expression=" + text + ", error=" + e.getMessage() + "]");
        } catch (ExpressionException e) {
            throw new ExpressionException("Can not evaluate YAQL expression [expression=" + text + ", error=" + e.getMessage() + "]");
        }
    }

    /** Python's {@code str()} of plain data, which is how Mistral puts a value into text. */
    static String pythonStr(Object value) {
        return value instanceof String s ? s : pythonRepr(value);
    }

    private static String pythonRepr(Object value) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> Yaql.floatRepr(d);
            case Float f -> Yaql.floatRepr(f.doubleValue());
            case Number n when n instanceof BigInteger || n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte -> n.toString();
            case Number n -> Yaql.floatRepr(n.doubleValue());
            case String s -> Yaql.stringRepr(s);
            case Map<?, ?> m -> {
                StringBuilder b = new StringBuilder("{");
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(sep).append(pythonRepr(e.getKey())).append(": ").append(pythonRepr(e.getValue()));
                    sep = ", ";
                }
                yield b.append('}').toString();
            }
            case List<?> l -> {
                StringBuilder b = new StringBuilder("[");
                String sep = "";
                for (Object o : l) {
                    b.append(sep).append(pythonRepr(o));
                    sep = ", ";
                }
                yield b.append(']').toString();
            }
            default -> Yaql.stringRepr(String.valueOf(value));
        };
    }

    /** Mistral's expression functions, as yaql functions (not methods) reading the evaluation's scope. */
    private static YaqlContext mistralFunctions(YaqlContext c) {
        return c.register(YaqlFunction.function("env").plainBody(a -> Functions.env()))
                .register(YaqlFunction.function("execution").plainBody(a -> Functions.execution()))
                .register(YaqlFunction.function("task").optional("task_name", null).plainBody(a -> Functions.task(name(a.get(0)))))
                .register(YaqlFunction.function("tasks").optional("workflow_execution_id", null).optional("recursive", false)
                        .optional("state", null).optional("flat", false)
                        .plainBody(a -> Functions.tasks(name(a.get(0)), truthy(a.get(1)), name(a.get(2)), truthy(a.get(3)))))
                .register(YaqlFunction.function("global").param("var_name").plainBody(a -> Functions.global(name(a.get(0)))))
                .register(YaqlFunction.function("json_parse").param("data").plainBody(a -> Functions.json_parse(text("json_parse", a.get(0)))))
                .register(YaqlFunction.function("json_dump").param("data").plainBody(a -> Functions.json_dump(a.get(0))))
                .register(YaqlFunction.function("json_pp").param("data").plainBody(a -> Functions.json_dump(a.get(0))))
                .register(YaqlFunction.function("yaml_parse").param("data").plainBody(a -> Functions.yaml_parse(text("yaml_parse", a.get(0)))))
                .register(YaqlFunction.function("yaml_dump").param("data").plainBody(a -> Functions.yaml_dump(a.get(0))))
                .register(YaqlFunction.function("uuid").plainBody(a -> Functions.uuid()));
    }

    private static String name(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static boolean truthy(Object o) {
        return Values.truthy(o);
    }

    private static String text(String function, Object o) {
        if (o instanceof String s) return s;
        throw new ExpressionException(function + "() takes a string, not " + Values.describe(o));
    }
}
