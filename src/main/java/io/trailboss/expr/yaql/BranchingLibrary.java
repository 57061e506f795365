package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.util.List;

/** yaql's branching functions: switch, selectCase, selectAllCases, examine, switchCase, coalesce. */
final class BranchingLibrary {
    private BranchingLibrary() {}

    static void register(YaqlContext c) {
        c.register(function("switch").varargs("args", Types.RULE).noKwargs().body(call -> {
            for (Object o : call.rest()) {
                ParamType.LazyRule rule = (ParamType.LazyRule) o;
                if (Py.truthy(rule.source())) return rule.destination();
            }
            return null;
        }));
        c.register(function("selectCase").varargs("args", Types.LAMBDA).body(call -> {
            List<Object> cases = call.rest();
            for (int i = 0; i < cases.size(); i++) if (Py.truthy(((YaqlLambda) cases.get(i)).call())) return (long) i;
            return (long) cases.size();
        }));
        c.register(function("selectAllCases").varargs("args", Types.LAMBDA).body(call -> {
            List<Object> cases = call.rest();
            int[] i = {0};
            return PyIter.of("generator", () -> {
                while (i[0] < cases.size()) {
                    int k = i[0]++;
                    if (Py.truthy(((YaqlLambda) cases.get(k)).call())) return (long) k;
                }
                return PyIter.END;
            });
        }));
        c.register(function("examine").varargs("args", Types.LAMBDA).body(call -> {
            List<Object> cases = call.rest();
            int[] i = {0};
            return PyIter.of("generator", () -> i[0] < cases.size() ? (Object) Py.truthy(((YaqlLambda) cases.get(i[0]++)).call()) : PyIter.END);
        }));
        c.register(method("switchCase").param("case", Types.INT).varargs("args", Types.LAMBDA).body(call -> {
            List<Object> cases = call.rest();
            long k = call.lng(0);
            if (k >= 0 && k < cases.size()) return ((YaqlLambda) cases.get((int) k)).call();
            if (cases.isEmpty()) return null;
            return ((YaqlLambda) cases.getLast()).call();
        }));
        c.register(function("coalesce").varargs("args", Types.LAMBDA).body(call -> {
            for (Object f : call.rest()) {
                Object r = ((YaqlLambda) f).call();
                if (r != null) return r;
            }
            return null;
        }));
    }
}
