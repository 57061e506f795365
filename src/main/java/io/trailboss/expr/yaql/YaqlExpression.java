package io.trailboss.expr.yaql;

/** A parsed YAQL expression: immutable, shareable between threads, evaluated any number of times. */
public final class YaqlExpression {
    private final String text;
    private final Expr root;

    YaqlExpression(String text, Expr root) {
        this.text = text;
        this.root = root;
    }

    public String text() {
        return text;
    }

    /**
     * Evaluates the expression with {@code data} as {@code $} in a child of {@code context} (which is left as it
     * was). {@code data} and the result are plain data: maps, lists, strings, numbers, booleans, null.
     *
     * @throws YaqlException when the expression fails; its kind and message say why
     */
    public Object evaluate(Object data, YaqlContext context) {
        Evaluation ev = new Evaluation(context.options());
        YaqlContext own = context.child();
        own.setNormalized("$1", Input.convert(data));
        try {
            Object result = root.eval(Py.NO_VALUE, own, ev);
            // yaql's finalizer is a function too: its argument and its result count against the memory quota
            ev.limitMemory(result);
            Object plain = Output.plain(result, ev);
            ev.limitMemory(Output.size(plain));
            return plain;
        } catch (StackOverflowError e) {
            throw new YaqlException("RecursionError", "maximum recursion depth exceeded");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
