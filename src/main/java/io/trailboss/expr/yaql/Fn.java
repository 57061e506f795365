package io.trailboss.expr.yaql;

import java.util.List;
import java.util.Map;

/** A callable value: a lambda ({@code lambda(2 * $)}) or a function passed to another. Only yaql code runs through it. */
interface Fn {
    Object call(List<Object> args, Map<String, Object> kwargs);

    default Object call(Object... args) {
        return call(java.util.Arrays.asList(args), Map.of());
    }
}
