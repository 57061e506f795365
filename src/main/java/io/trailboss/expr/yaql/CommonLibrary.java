package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.function;

/** yaql's common functions: equality, and how null compares (null is less than anything but null). */
final class CommonLibrary {
    private CommonLibrary() {}

    static void register(YaqlContext c) {
        c.register(function("*equal").param("left", Types.ANY).param("right", Types.ANY).body(call -> Py.eq(call.arg(0), call.arg(1))));
        c.register(function("*not_equal").param("left", Types.ANY).param("right", Types.ANY).body(call -> !Py.eq(call.arg(0), call.arg(1))));
        // a value against null
        nulls(c, "#operator_<", Types.ANY_NOT_NULL, Types.NONE, false);
        nulls(c, "#operator_<=", Types.ANY_NOT_NULL, Types.NONE, false);
        nulls(c, "#operator_>", Types.ANY_NOT_NULL, Types.NONE, true);
        nulls(c, "#operator_>=", Types.ANY_NOT_NULL, Types.NONE, true);
        // null against a value
        nulls(c, "#operator_<", Types.NONE, Types.ANY_NOT_NULL, true);
        nulls(c, "#operator_<=", Types.NONE, Types.ANY_NOT_NULL, true);
        nulls(c, "#operator_>", Types.NONE, Types.ANY_NOT_NULL, false);
        nulls(c, "#operator_>=", Types.NONE, Types.ANY_NOT_NULL, false);
        // null against null
        nulls(c, "#operator_<", Types.NONE, Types.NONE, false);
        nulls(c, "#operator_<=", Types.NONE, Types.NONE, true);
        nulls(c, "#operator_>", Types.NONE, Types.NONE, false);
        nulls(c, "#operator_>=", Types.NONE, Types.NONE, true);
    }

    private static void nulls(YaqlContext c, String name, ParamType left, ParamType right, boolean result) {
        c.register(function(name).param("left", left).param("right", right).body(call -> result));
    }
}
