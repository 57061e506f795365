package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.function;

/** yaql's boolean functions: and/or evaluate their right side only when needed and return an operand, as Python's do. */
final class BooleanLibrary {
    private BooleanLibrary() {}

    static void register(YaqlContext c) {
        c.register(function("#operator_and").param("left", Types.LAMBDA).param("right", Types.LAMBDA).body(call -> {
            Object left = call.fn(0).call();
            return Py.truthy(left) ? call.fn(1).call() : left;
        }));
        c.register(function("#operator_or").param("left", Types.LAMBDA).param("right", Types.LAMBDA).body(call -> {
            Object left = call.fn(0).call();
            return Py.truthy(left) ? left : call.fn(1).call();
        }));
        c.register(function("#unary_operator_not").param("arg", Types.ANY).body(call -> !Py.truthy(call.arg(0))));
        c.register(function("bool").param("value", Types.ANY).body(call -> Py.truthy(call.arg(0))));
        c.register(function("isBoolean").param("value", Types.ANY).body(call -> call.arg(0) instanceof Boolean));
    }
}
