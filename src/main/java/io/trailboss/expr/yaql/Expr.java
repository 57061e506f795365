package io.trailboss.expr.yaql;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A node of a parsed YAQL expression. Every operator, index, list, map and function call is a call of a
 * named function (yaql's model: {@code a + b} calls {@code #operator_+}), so the only node kinds are
 * constants, calls, parentheses and the {@code key => value} pairs of argument lists.
 *
 * <p>Nodes are immutable and shared by every evaluation of the same text. No value ever is an {@code Expr}:
 * an {@code Expr} among the arguments of a call is an argument not evaluated yet.
 */
sealed interface Expr permits Expr.Const, Expr.Call, Expr.Var, Expr.Wrap, Expr.Pair {

    Object eval(Object receiver, YaqlContext context, Evaluation ev);

    /** True for a plain function call, the only node that may be called as a method ({@code x.f()}). */
    default boolean usesReceiver() {
        return false;
    }

    /** A literal; {@code keyword} for a bare name such as {@code abc}, which reads as the string 'abc'. */
    record Const(Object value, boolean keyword, int position) implements Expr {
        @Override
        public Object eval(Object receiver, YaqlContext context, Evaluation ev) {
            return value;
        }

        @Override
        public String toString() {
            return value instanceof String s && !keyword ? "'" + s + "'" : String.valueOf(value);
        }
    }

    /** A call of the function {@code name}; operators, indexers, list and map literals are calls too. */
    final class Call implements Expr {
        final String name;
        final Object[] args; // Expr, or Py.NO_VALUE for a skipped positional argument
        final boolean function; // a plain f(...) call (yaql's Function), callable as a method
        final int position;
        /** The resolution plan for the overloads last found here (a benign race: any plan is a correct one). */
        volatile Cached cached;

        /** {@code sealedScope}: the sealed context the layers came from, with nothing between (else null). */
        record Cached(YaqlContext sealedScope, java.util.List<java.util.List<YaqlFunction>> layers, boolean asMethod, Runner.Plan plan) {}

        Call(String name, Object[] args, boolean function, int position) {
            this.name = name;
            this.args = args;
            this.function = function;
            this.position = position;
        }

        @Override
        public boolean usesReceiver() {
            return function;
        }

        @Override
        public Object eval(Object receiver, YaqlContext context, Evaluation ev) {
            try {
                return Runner.callSite(this, receiver, context, ev);
            } catch (YaqlException e) {
                throw e.locate(position, shownName());
            }
        }

        /** How the call is written: an operator's symbol, or the function's name. */
        String shownName() {
            if (name.startsWith("#operator_")) return "operator " + name.substring("#operator_".length());
            if (name.startsWith("#unary_operator_")) return "operator " + name.substring("#unary_operator_".length());
            if (name.equals("*equal")) return "operator =";
            if (name.equals("*not_equal")) return "operator !=";
            if (name.equals("#indexer")) return "[]";
            if (name.equals("#list")) return "list literal";
            if (name.equals("#map")) return "dict literal";
            if (name.equals("#call")) return "call";
            return name + "()";
        }

        @Override
        public String toString() {
            return name + "(" + Arrays.stream(args).map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        }
    }

    /**
     * {@code $name}: a value of the context ({@code $} is {@code $1}). yaql calls {@code #get_context_data} for it;
     * that function is reserved here, so reading the context directly is the same.
     */
    record Var(String name, String key, int position) implements Expr {
        Var(String name, int position) {
            this(name, YaqlContext.normalize(name), position);
        }

        @Override
        public Object eval(Object receiver, YaqlContext context, Evaluation ev) {
            return context.lookup(key);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Parentheses: kept so that {@code x.(f())} is not a method call, as in yaql. */
    record Wrap(Expr inner) implements Expr {
        @Override
        public Object eval(Object receiver, YaqlContext context, Evaluation ev) {
            return inner.eval(receiver, context, ev);
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    /** {@code source => destination} inside an argument list: a named argument when the source is a bare name. */
    record Pair(Expr source, Expr destination) implements Expr {
        @Override
        public Object eval(Object receiver, YaqlContext context, Evaluation ev) {
            return new MappingRule(source.eval(receiver, context, ev), destination.eval(receiver, context, ev));
        }

        @Override
        public String toString() {
            return source + " => " + destination;
        }
    }
}
