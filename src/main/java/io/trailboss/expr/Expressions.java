package io.trailboss.expr;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates Jinja and YAQL expressions and Jinja templates over plain data. The context holds only maps, lists
 * and scalars (never Java objects with methods), file and classpath includes are refused, and
 * output size is capped: templates cannot reach the JVM.
 *
 * <p>A string that is exactly one {@code {{ expression }}} keeps the expression's own type; any
 * other string containing Jinja is rendered to text. A string without Jinja but with {@code <% %>} is
 * YAQL ({@link InlineYaql}); any other string is returned as it is.
 */
public final class Expressions {
    // as Mistral decides: the whole string, not a character more (" {{ 1 }}" is the text " 1")
    private static final Pattern SINGLE = Pattern.compile("^\\{\\{((?:(?!\\{\\{|\\}\\}).)*)\\}\\}$");
    static final long MAX_OUTPUT = 1024 * 1024;
    /** The most items a list or a map built by a template may hold. */
    static final int MAX_ITEMS = 100_000;
    /** How deep a macro may call itself. */
    static final int MAX_MACRO_DEPTH = 20;
    /** How long one template may render: a loop over loops stops here instead of holding a worker. */
    static final long MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[] {Long.MAX_VALUE, 0});
    // Mistral recognises Jinja only within one line ('{{.*}}|{%.*%}' without DOTALL): a string
    // whose every expression spans a line break is plain text
    private static final Pattern ANY_ON_ONE_LINE = Pattern.compile("\\{\\{.*\\}\\}|\\{%.*%\\}");

    private final Jinjava jinjava;

    public Expressions() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withMaxOutputSize(MAX_OUTPUT)
                .withMaxRenderDepth(10)
                .withFailOnUnknownTokens(false)
                .withNestedInterpretationEnabled(false)
                .withMaxStringLength(MAX_OUTPUT)
                .withMaxListSize(MAX_ITEMS)
                .withMaxMapSize(MAX_ITEMS)
                // Jinjava's range() stops at its limit without a word: Functions.range, registered below in its place,
                // refuses a longer one instead (this limit stays as a second line)
                .withRangeLimit(Functions.MAX_RANGE)
                // as in Jinja: a macro may call itself (a tree is drawn that way), to a depth; deeper is an error
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                // strings, maps and lists are Java objects: their methods that hand out other Java objects (bytes,
                // streams, iterators, entries) or change the data are not callable from a template
                .withRestrictedMethods(java.util.Set.of("getBytes", "getChars", "toCharArray", "chars", "codePoints", "lines", "transform",
                        "describeConstable", "resolveConstantDesc", "intern", "stream", "parallelStream", "iterator", "listIterator",
                        "spliterator", "toArray", "forEach", "put", "putAll", "putIfAbsent", "remove", "clear", "add", "addAll", "addFirst",
                        "addLast", "removeAll", "retainAll", "removeIf", "replaceAll", "compute", "computeIfAbsent", "computeIfPresent",
                        "merge", "sort", "set", "entrySet", "getClass", "wait", "notify", "notifyAll", "reversed"))
                // called before every node is rendered: the render-time limit
                .withNodePreProcessor((node, interpreter) -> {
                    long[] d = DEADLINE.get();
                    if (System.nanoTime() > d[0]) {
                        d[1] = 1;
                        throw new ExpressionException("the template took longer than " + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(MAX_NANOS) + " s to render");
                    }
                })
                .build();
        jinjava = new Jinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new java.io.IOException("templates may not include other files");
        });
        Functions.signatures().forEach((name, params) ->
                jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", name, Functions.class, name, params)));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "range", Functions.class, "range", Object.class, Object[].class));
        jinjava.getGlobalContext().registerFilter(new com.hubspot.jinjava.lib.filter.Filter() {
            @Override
            public String getName() {
                return "tojson";
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                return Functions.tojson(var);
            }
        });
    }

    /** True if the value (or anything inside it) contains a Jinja expression or statement, or YAQL. */
    public static boolean hasExpression(Object value) {
        return switch (value) {
            case String s -> s.contains("{{") || s.contains("{%") || s.contains("<%");
            case Map<?, ?> m -> m.values().stream().anyMatch(Expressions::hasExpression);
            case List<?> l -> l.stream().anyMatch(Expressions::hasExpression);
            case null, default -> false;
        };
    }

    /** Evaluates every string inside {@code value} (map keys are left alone). */
    public Object evaluate(Object value, Object data, EvaluationScope scope) {
        return evaluate(value, data, Map.of(), scope);
    }

    /** As {@link #evaluate(Object, Object, EvaluationScope)}, with more top-level names beside {@code _}. */
    public Object evaluate(Object value, Object data, Map<String, Object> globals, EvaluationScope scope) {
        if (!hasExpression(value)) return value;
        data = withHidden(data, scope);
        EvaluationScope previous = Functions.SCOPE.get();
        Functions.SCOPE.set(scope);
        Map<String, Object> previousGlobals = GLOBALS.get();
        GLOBALS.set(globals);
        InlineYaql.forget();
        try {
            return walk(value, data);
        } finally {
            InlineYaql.forget();
            Functions.SCOPE.set(previous);
            GLOBALS.set(previousGlobals);
        }
    }

    /** The data with the keys the scope adds to every data context (seen by {@code $} and {@code _}) put first. */
    static Object withHidden(Object data, EvaluationScope scope) {
        Map<String, Object> hidden = scope.hidden();
        if (hidden.isEmpty() || !(data instanceof Map<?, ?> m)) return data;
        Map<String, Object> withHidden = new LinkedHashMap<>(hidden);
        m.forEach((k, v) -> withHidden.put(String.valueOf(k), v));
        return withHidden;
    }

    private static final ThreadLocal<Map<String, Object>> GLOBALS = ThreadLocal.withInitial(Map::of);

    public boolean test(Object guard, Object data, EvaluationScope scope) {
        return Values.truthy(evaluate(guard, data, scope));
    }

    private Object walk(Object value, Object data) {
        return switch (value) {
            case String s -> string(s, data);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), walk(v, data)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) out.add(walk(o, data));
                yield out;
            }
            case null, default -> value;
        };
    }

    /**
     * As Mistral picks the language of a string: Jinja when it has a Jinja expression or statement on one line,
     * else YAQL when it has a {@code <% %>} on one line, else it is plain text.
     */
    private Object string(String s, Object data) {
        if (isJinja(s)) return jinja(s, data);
        if (InlineYaql.has(s)) return InlineYaql.render(s, data, GLOBALS.get());
        return s;
    }

    private static boolean isJinja(String s) {
        return (s.contains("{{") || s.contains("{%")) && ANY_ON_ONE_LINE.matcher(s).find();
    }

    /** Plain data as Python's {@code str()} shows it, as Mistral's messages and YAQL text show values. */
    public static String pythonText(Object plain) {
        return InlineYaql.pythonStr(plain);
    }

    /**
     * What is wrong with the expressions of a workflow value, or null: YAQL that does not parse (with the
     * position inside the string), or Jinja and YAQL in one string, which Mistral refuses too.
     */
    public static String syntaxProblem(String s) {
        if (s == null || !s.contains("<%") || !InlineYaql.has(s)) return null;
        if (isJinja(s)) return "the value mixes Jinja and YAQL; a value holds expressions of one language";
        InlineYaql.SyntaxProblem p = InlineYaql.syntaxProblem(s);
        if (p == null) return null;
        return "not YAQL at position " + p.position() + " of '" + abbreviate(s) + "': " + p.message();
    }

    private Object jinja(String s, Object data) {
        Matcher single = SINGLE.matcher(s);
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        Map<String, Object> bindings = new HashMap<>();
        bindings.putAll(GLOBALS.get());
        bindings.put("_", data);
        interpreter.getContext().putAll(bindings);
        JinjavaInterpreter.pushCurrent(interpreter);
        long[] deadline = DEADLINE.get();
        long previousDeadline = deadline[0];
        deadline[0] = System.nanoTime() + MAX_NANOS;
        deadline[1] = 0;
        try {
            Object result;
            if (single.matches() && !s.contains("{%")) {
                result = Values.plain(interpreter.resolveELExpression(single.group(1).trim(), 1));
            } else {
                result = interpreter.render(s);
            }
            if (deadline[1] != 0) throw new ExpressionException("cannot evaluate '" + abbreviate(s) + "': the template took longer than 2 s to render");
            failOnErrors(interpreter, s);
            return result;
        } catch (ExpressionException e) {
            throw e;
        } catch (RuntimeException e) {
            // a limit reached inside a tag surfaces as "Error rendering tag": the error it recorded says which
            failOnErrors(interpreter, s);
            ExpressionException ours = ours(e);
            throw new ExpressionException("cannot evaluate '" + s + "': " + (ours != null ? ours.getMessage() : e.getMessage()));
        } finally {
            deadline[0] = previousDeadline;
            JinjavaInterpreter.popCurrent();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** An error of ours (a limit of a function, the render time) somewhere in the causes of {@code e}, or null. */
    private static ExpressionException ours(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExpressionException ee) return ee;
            if (t.getCause() == t) break;
        }
        return null;
    }

    /**
     * Fails on a fatal error, and on a limit that Jinjava reports only as a warning (a macro that calls itself
     * too deep renders nothing), so that a limit reached is never a silent cut.
     */
    private static void failOnErrors(JinjavaInterpreter interpreter, String s) {
        for (TemplateError error : interpreter.getErrors()) {
            if (error.getException() instanceof com.hubspot.jinjava.interpret.MacroTagCycleException) {
                throw new ExpressionException("cannot evaluate '" + abbreviate(s) + "': a macro called itself more than " + MAX_MACRO_DEPTH
                        + " deep (" + error.getMessage() + ")");
            }
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                String msg = error.getMessage();
                ExpressionException ee = ours(error.getException());
                if (ee != null) msg = ee.getMessage();
                else if (error.getReason() == TemplateError.ErrorReason.COLLECTION_TOO_BIG) msg = msg + " (a list or map holds at most " + MAX_ITEMS + " items)";
                throw new ExpressionException("cannot evaluate '" + abbreviate(s) + "': " + msg);
            }
        }
    }
}
