package io.trailboss.expr.yaql;

import java.util.function.Predicate;

/**
 * What a function parameter accepts, as yaql's smart types say. {@link #check} runs twice: before the
 * arguments are evaluated (an unevaluated expression passes everything but a null check) and after; a
 * parameter whose check fails takes its overload out of the call. Lazy types receive the expression itself.
 *
 * <p>A check depends on nothing but {@link Py#typeCode} of the value: call sites remember the overload that won
 * for the types they saw.
 */
abstract class ParamType {
    final boolean nullable;

    ParamType(boolean nullable) {
        this.nullable = nullable;
    }

    boolean lazy() {
        return false;
    }

    abstract boolean check(Object value, YaqlContext context, Evaluation ev);

    /** The value the function gets; a value that fails the check is an argument error. */
    final Object convert(Object value, Object receiver, YaqlContext context, Evaluation ev) {
        if (!check(value, context, ev)) throw ArgumentError.INSTANCE;
        return converted(value, receiver, context, ev);
    }

    /** As {@link #convert}, for a value known to pass the check (one of a type code that passed it). */
    Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
        ev.limitMemory(value);
        return value;
    }

    boolean isSpecializationOf(ParamType other) {
        return false;
    }

    /** A check failed after evaluation: this overload does not apply. */
    static final class ArgumentError extends RuntimeException {
        static final ArgumentError INSTANCE = new ArgumentError();

        private ArgumentError() {
            super("argument does not match", null, false, false);
        }
    }

    /** Python's classes, as far as overload specialization needs them (str is a Sequence, bool an int). */
    enum PyClass {
        OBJECT(null), ITERABLE(OBJECT), SEQUENCE(ITERABLE), STR(SEQUENCE), MAPPING(ITERABLE), SET(ITERABLE),
        ITERATOR(ITERABLE), ORDERING(ITERABLE), INT(OBJECT), BOOL(INT), FLOAT(OBJECT), NONE(OBJECT),
        REGEX(OBJECT), CONTEXT(OBJECT), MAPPING_RULE(OBJECT);

        final PyClass parent;

        PyClass(PyClass parent) {
            this.parent = parent;
        }

        boolean isSubclassOf(PyClass other) {
            for (PyClass c = this; c != null; c = c.parent) if (c == other) return true;
            return false;
        }
    }

    /** yaql's PythonType: a Python class (null for a tuple of classes) and a test of the value. */
    static class PyType extends ParamType {
        final PyClass pyClass;
        final Predicate<Object> test;

        PyType(PyClass pyClass, boolean nullable, Predicate<Object> test) {
            super(nullable);
            this.pyClass = pyClass;
            this.test = test;
        }

        @Override
        boolean check(Object value, YaqlContext context, Evaluation ev) {
            if (value instanceof Expr.Const c) value = c.value();
            if (value == null) return nullable;
            if (value instanceof Expr) return true;
            return test.test(value);
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            if (value instanceof Expr.Const c) value = c.value();
            return super.converted(value, receiver, context, ev);
        }

        @Override
        boolean isSpecializationOf(ParamType other) {
            return other instanceof PyType o && pyClass != null && o.pyClass != null
                    && pyClass.isSubclassOf(o.pyClass) && !o.pyClass.isSubclassOf(pyClass);
        }
    }

    /** yaql's Iterable (and Iterator, Sequence-free): the value handed over is limited to limitIterators. */
    static final class IterableType extends PyType {
        IterableType(PyClass pyClass, boolean nullable, Predicate<Object> test) {
            super(pyClass, nullable, test);
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            Object v = super.converted(value, receiver, context, ev);
            return v == null ? null : ev.limitIterable(v);
        }
    }

    /** A lambda: the expression, evaluated each time the function calls it. */
    static final class LambdaType extends ParamType {
        final boolean withContext;
        final boolean method;

        LambdaType(boolean withContext, boolean method) {
            super(true);
            this.withContext = withContext;
            this.method = method;
        }

        @Override
        boolean lazy() {
            return true;
        }

        @Override
        boolean check(Object value, YaqlContext context, Evaluation ev) {
            return !(method && value instanceof Expr e && !e.usesReceiver());
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            if (value == null) return null;
            if (value instanceof YaqlLambda l) value = l.value;
            return new YaqlLambda(value, context, ev, withContext, method);
        }
    }

    /** {@code key => value} kept unevaluated (switch): each side is evaluated when the function asks. */
    static final class RuleType extends ParamType {
        RuleType() {
            super(false);
        }

        @Override
        boolean lazy() {
            return true;
        }

        @Override
        boolean check(Object value, YaqlContext context, Evaluation ev) {
            return value instanceof Expr.Pair;
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            return new LazyRule((Expr.Pair) value, receiver, context, ev);
        }
    }

    record LazyRule(Expr.Pair pair, Object receiver, YaqlContext context, Evaluation ev) {
        Object source() {
            return pair.source().eval(receiver, context, ev);
        }

        Object destination() {
            return pair.destination().eval(receiver, context, ev);
        }
    }

    /** A bare name such as {@code abc} in {@code $.abc}: the name itself, or its expression. */
    static final class KeywordType extends ParamType {
        final boolean expand;

        KeywordType(boolean expand) {
            super(false);
            this.expand = expand;
        }

        @Override
        boolean check(Object value, YaqlContext context, Evaluation ev) {
            return value instanceof Expr.Const c && c.keyword();
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            return expand ? ((Expr.Const) value).value() : value;
        }
    }

    /** Any expression, unevaluated. */
    static final class ExpressionType extends ParamType {
        ExpressionType() {
            super(false);
        }

        @Override
        boolean lazy() {
            return true;
        }

        @Override
        boolean check(Object value, YaqlContext context, Evaluation ev) {
            return value instanceof Expr;
        }

        @Override
        Object converted(Object value, Object receiver, YaqlContext context, Evaluation ev) {
            return value;
        }
    }
}
