package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.extension;
import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** yaql's system functions: the dot and elvis operators, let, with, def, unpack, assert, call, lambda, {@code ->}. */
final class SystemLibrary {
    private static final Pattern KEYWORD = Pattern.compile("(?!__)\\b[^\\W\\d]\\w*\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private SystemLibrary() {}

    /** In the root layer: {@code x.name} that nothing else takes asks for the property {@code #property#name}. */
    static void registerFallbacks(YaqlContext c) {
        c.register(function("#operator_.").param("obj", Types.ANY).param("name", Types.KEYWORD)
                .body(call -> call.delegate("#property#" + call.str(1), call.arg(0))));
    }

    static void register(YaqlContext c, boolean delegates) {
        c.register(function("#operator_.").param("receiver", Types.ANY).param("expr", Types.LAMBDA_METHOD)
                .body(call -> call.fn(1).call(call.arg(0))));
        c.register(function("#operator_?.").param("receiver", Types.ANY).param("expr", Types.EXPRESSION)
                .body(call -> call.arg(0) == null ? null : call.delegate("#operator_.", call.arg(0), call.arg(1))));
        c.register(method("unpack").param("sequence", Types.ITERABLE).varargs("args", Types.STRING).body(SystemLibrary::unpack));
        c.register(function("with").varargs("args", Types.ANY).body(call -> {
            for (int i = 0; i < call.rest().size(); i++) call.context().setNormalized(YaqlContext.positional(i + 1), call.rest().get(i));
            return call.context();
        }));
        c.register(function("let").varargs("args", Types.ANY).varkw("kwargs", Types.ANY).body(call -> {
            for (int i = 0; i < call.rest().size(); i++) call.context().setNormalized(YaqlContext.positional(i + 1), call.rest().get(i));
            for (Map.Entry<String, Object> e : call.restKw().entrySet()) call.context().setNormalized(YaqlContext.normalize(e.getKey()), e.getValue());
            return call.context();
        }));
        c.register(function("def").param("name", Types.STRING).param("func", Types.LAMBDA).body(call -> {
            YaqlLambda body = call.fn(1);
            call.context().register(function(call.str(0)).varargs("args", Types.ANY).varkw("kwargs", Types.ANY)
                    .body(inner -> body.call(inner.rest(), inner.restKw())));
            return call.context();
        }));
        c.register(function("#operator_->").param("left", Types.CONTEXT).param("right", Types.LAMBDA_WITH_CONTEXT)
                .body(call -> call.fn(1).call(call.arg(0))));
        c.register(method("assert").param("obj", Types.ANY).param("condition", Types.LAMBDA).param("message", Types.STRING, "Assertion failed")
                .body(call -> {
                    Object obj = call.arg(0);
                    if (obj instanceof PyIter) obj = PyIter.memorize(Py.iter(obj), call.ev);
                    if (!Py.truthy(call.fn(1).apply(obj))) throw new YaqlException("AssertionError", call.str(2));
                    return obj;
                }));
        c.register(function("call").param("name", Types.STRING).param("args", Types.SEQUENCE).param("kwargs", Types.MAPPING)
                .param("receiver", Types.ANY, Py.NO_VALUE).body(SystemLibrary::callByName));
        if (delegates) {
            c.register(function("#call").param("callable", Types.CALLABLE).varargs("args", Types.ANY).varkw("kwargs", Types.ANY)
                    .body(call -> ((Fn) call.arg(0)).call(call.rest(), call.restKw())));
            c.register(function("lambda").param("func", Types.LAMBDA).body(call -> call.arg(0)));
        }
    }

    private static Object unpack(Call call) {
        List<Object> names = call.rest();
        Iterator<Object> it = call.iter(0);
        List<Object> items = new ArrayList<>();
        while (items.size() < names.size() + 1 && it.hasNext()) items.add(it.next());
        if (!names.isEmpty() && names.size() != items.size()) {
            throw YaqlException.valueError("Cannot unpack " + items.size() + " elements into " + names.size());
        }
        if (!names.isEmpty()) {
            for (int i = 0; i < items.size(); i++) call.context().setNormalized(YaqlContext.normalize((String) names.get(i)), items.get(i));
        } else {
            Iterator<Object> again = call.iter(0);
            for (int i = 1; again.hasNext(); i++) {
                call.context().setNormalized(YaqlContext.positional(i), again.next());
                call.ev.tick();
            }
        }
        return call.context();
    }

    /** call(name, args, kwargs[, receiver]): a function called by its name, with named arguments that are names. */
    private static Object callByName(Call call) {
        PySeq args = (PySeq) call.arg(1);
        PyDict kwargs = (PyDict) call.arg(2);
        Map<String, Object> named = new java.util.LinkedHashMap<>();
        for (PyDict.Entry e : kwargs.entrySet()) {
            Object k = e.key();
            if (!(k instanceof String s)) throw YaqlException.typeError("expected string or bytes-like object, got '" + Py.typeName(k) + "'");
            if (KEYWORD.matcher(s).lookingAt()) named.put(s, e.value());
        }
        return Runner.call(call.str(0), call.context(), args.toArray(), named, call.ev, call.arg(3), call.context());
    }
}
