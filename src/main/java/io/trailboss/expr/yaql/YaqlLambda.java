package io.trailboss.expr.yaql;

import java.util.List;
import java.util.Map;

/**
 * An expression handed to a function to call (the predicate of {@code where}, a {@code lambda(...)} value). Each
 * call evaluates it in a fresh child of the context it was given in, with the arguments as {@code $1}, {@code $2}
 * ... ({@code $} is {@code $1}) and named ones as {@code $name}; a method lambda takes its receiver first, a
 * lambda with context the context to evaluate in.
 */
final class YaqlLambda implements Fn {
    final Object value; // an Expr, another Fn, or a plain value (a constant "lambda")
    private final YaqlContext context;
    private final Evaluation ev;
    private final boolean withContext;
    private final boolean method;

    YaqlLambda(Object value, YaqlContext context, Evaluation ev, boolean withContext, boolean method) {
        this.value = value;
        this.context = context;
        this.ev = ev;
        this.withContext = withContext;
        this.method = method;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        Object receiver = Py.NO_VALUE;
        YaqlContext target;
        int skip = 0;
        if (method) {
            receiver = args.get(0);
            skip = 1;
        }
        if (withContext) {
            target = (YaqlContext) args.get(skip);
            skip++;
        } else {
            target = context.child();
        }
        List<Object> rest = skip == 0 ? args : args.subList(skip, args.size());
        for (int i = 0; i < rest.size(); i++) target.setNormalized(YaqlContext.positional(i + 1), rest.get(i));
        for (Map.Entry<String, Object> e : kwargs.entrySet()) target.setNormalized("$" + e.getKey(), e.getValue());
        if (value instanceof Expr e) return e.eval(receiver, target, ev);
        if (value instanceof Fn f) return f.call(rest, kwargs);
        return value;
    }

    /** A call with one argument, the common case of predicates and selectors. */
    Object apply(Object arg) {
        if (method || withContext) return call(List.of(arg), Map.of());
        YaqlContext target = context.childWithFirst(arg);
        if (value instanceof Expr e) return e.eval(Py.NO_VALUE, target, ev);
        if (value instanceof Fn f) return f.call(java.util.Collections.singletonList(arg), Map.of());
        return value;
    }
}
