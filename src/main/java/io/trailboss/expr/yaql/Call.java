package io.trailboss.expr.yaql;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One call of a function body: the converted arguments by declaration index, the rest of the positional
 * ones, the rest of the named ones, the call's own context (a child of the caller's, as yaql gives each call),
 * and a way to call other functions by name (yaql's delegates).
 */
final class Call {
    /** The call's own context, a child of the caller's: made when first asked for (most functions never ask). */
    private YaqlContext own;
    private final YaqlContext caller;
    final Evaluation ev;
    final Object receiver;
    private final Object[] values;
    private final List<Object> rest;
    private final Map<String, Object> restKw;

    Call(YaqlContext own, YaqlContext caller, Evaluation ev, Object receiver, Object[] values, List<Object> rest, Map<String, Object> restKw) {
        this.own = own;
        this.caller = caller;
        this.ev = ev;
        this.receiver = receiver;
        this.values = values;
        this.rest = rest;
        this.restKw = restKw;
    }

    YaqlContext context() {
        if (own == null) own = caller.child();
        return own;
    }

    Object arg(int i) {
        return values[i];
    }

    boolean given(int i) {
        return values[i] != Py.NO_VALUE;
    }

    String str(int i) {
        return (String) values[i];
    }

    long lng(int i) {
        return PyMath.asLong(values[i]);
    }

    int index(int i) {
        return PyMath.asIndex(values[i]);
    }

    boolean bool(int i) {
        return Py.truthy(values[i]);
    }

    YaqlLambda fn(int i) {
        return (YaqlLambda) values[i];
    }

    Iterator<Object> iter(int i) {
        return Py.iter(values[i]);
    }

    List<Object> rest() {
        return rest;
    }

    Map<String, Object> restKw() {
        return restKw;
    }

    /** Calls the function {@code name} with values, in a child of this call's context (yaql's Delegate). */
    Object delegate(String name, Object... args) {
        YaqlContext c = context().child();
        return Runner.call(name, c, args, Map.of(), ev, Py.NO_VALUE, c);
    }

    /** Calls the method {@code name} on {@code receiver}. */
    Object delegateMethod(String name, Object receiver, Object... args) {
        YaqlContext c = context().child();
        return Runner.call(name, c, args, Map.of(), ev, receiver, c);
    }
}
