package io.trailboss.expr.yaql;

import io.trailboss.expr.yaql.ParamType.PyClass;
import io.trailboss.expr.yaql.ParamType.PyType;

/** The parameter types the standard library declares, named after yaql's smart types and Python classes. */
final class Types {
    private Types() {}

    /** An untyped parameter: anything, null included. */
    static final ParamType ANY = new PyType(PyClass.OBJECT, true, o -> true);
    /** Anything but null. */
    static final ParamType ANY_NOT_NULL = new PyType(PyClass.OBJECT, false, o -> true);
    /** Only null (Python's type(None)). */
    static final ParamType NONE = new PyType(PyClass.NONE, true, o -> false);

    static final ParamType STRING = new PyType(PyClass.STR, false, o -> o instanceof String);
    static final ParamType STRING_OR_NULL = new PyType(PyClass.STR, true, o -> o instanceof String);
    /** yaql's Integer: an int, not a boolean. */
    static final ParamType INTEGER = new PyType(PyClass.INT, false, Py::isIntNotBool);
    /** Python's int class: a boolean is one too. */
    static final ParamType INT = new PyType(PyClass.INT, false, Py::isInt);
    static final ParamType INT_OR_NULL = new PyType(PyClass.INT, true, Py::isInt);
    static final ParamType BOOL = new PyType(PyClass.BOOL, false, o -> o instanceof Boolean);
    static final ParamType BOOL_OR_NULL = new PyType(PyClass.BOOL, true, o -> o instanceof Boolean);
    /** yaql's Number: an int or a float, not a boolean (a tuple of classes: never more specific than another). */
    static final ParamType NUMBER = new PyType(null, false, Py::isNumber);
    static final ParamType NUMBER_OR_NULL = new PyType(null, true, Py::isNumber);

    static final ParamType ITERABLE = new ParamType.IterableType(PyClass.ITERABLE, false, Py::isIterable);
    static final ParamType ITERABLE_OR_NULL = new ParamType.IterableType(PyClass.ITERABLE, true, Py::isIterable);
    /** An iterable that is not a set (insert into a set makes no sense). */
    static final ParamType ITERABLE_NOT_SET = new ParamType.IterableType(PyClass.ITERABLE, false, o -> Py.isIterable(o) && !Py.isSet(o));
    /** yaql's Iterator smart type: an iterable that is an iterator. */
    static final ParamType ITERATOR = new ParamType.IterableType(PyClass.ITERABLE, false, Py::isIterator);
    /** Python's Iterator class. */
    static final ParamType ITERATOR_CLASS = new PyType(PyClass.ITERATOR, false, Py::isIterator);
    static final ParamType SEQUENCE = new PyType(PyClass.SEQUENCE, false, Py::isSequence);
    static final ParamType SEQUENCE_OR_NULL = new PyType(PyClass.SEQUENCE, true, Py::isSequence);
    static final ParamType MAPPING = new PyType(PyClass.MAPPING, false, o -> o instanceof PyDict);
    static final ParamType SET = new PyType(PyClass.SET, false, Py::isSet);
    static final ParamType ORDERING = new PyType(PyClass.ORDERING, false, o -> o instanceof Ordering);
    static final ParamType REGEX = new PyType(PyClass.REGEX, false, o -> o instanceof PyRegex);
    static final ParamType CONTEXT = new PyType(PyClass.CONTEXT, false, o -> o instanceof YaqlContext);
    static final ParamType MAPPING_RULE = new PyType(PyClass.MAPPING_RULE, false, o -> o instanceof MappingRule);
    static final ParamType CALLABLE = new PyType(PyClass.OBJECT, false, o -> o instanceof Fn);

    static final ParamType LAMBDA = new ParamType.LambdaType(false, false);
    static final ParamType LAMBDA_WITH_CONTEXT = new ParamType.LambdaType(true, false);
    static final ParamType LAMBDA_METHOD = new ParamType.LambdaType(false, true);
    static final ParamType RULE = new ParamType.RuleType();
    static final ParamType KEYWORD = new ParamType.KeywordType(true);
    static final ParamType KEYWORD_EXPRESSION = new ParamType.KeywordType(false);
    static final ParamType EXPRESSION = new ParamType.ExpressionType();
}
