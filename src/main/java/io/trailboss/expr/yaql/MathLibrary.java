package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.function;

import java.math.BigInteger;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BinaryOperator;

/** yaql's math functions: arithmetic as Python does it ({@code 7 / 2} is 3: ints divide to an int), comparisons, bits. */
final class MathLibrary {
    /** Shifting left by more bits than this would build an int of megabytes. */
    private static final long MAX_SHIFT = 1 << 20;

    private MathLibrary() {}

    static void register(YaqlContext c) {
        binary(c, "#operator_+", PyMath::add);
        binary(c, "#operator_-", PyMath::sub);
        binary(c, "#operator_*", PyMath::mul);
        binary(c, "#operator_/", (a, b) -> Py.isIntNotBool(a) && Py.isIntNotBool(b) ? PyMath.floorDiv(a, b) : PyMath.trueDiv(a, b));
        binary(c, "#operator_mod", PyMath::mod);
        c.register(function("#unary_operator_+").param("op", Types.NUMBER).body(call -> call.arg(0)));
        c.register(function("#unary_operator_-").param("op", Types.NUMBER).body(call -> PyMath.neg(call.arg(0))));
        c.register(function("abs").param("op", Types.NUMBER).body(call -> PyMath.abs(call.arg(0))));
        binary(c, "#operator_>", (a, b) -> PyMath.gt(a, b));
        binary(c, "#operator_>=", (a, b) -> PyMath.ge(a, b));
        binary(c, "#operator_<", (a, b) -> PyMath.lt(a, b));
        binary(c, "#operator_<=", (a, b) -> PyMath.le(a, b));
        c.register(function("int").param("value", Types.ANY).body(call -> toInt(call.arg(0))));
        c.register(function("float").param("value", Types.ANY).body(call -> toFloat(call.arg(0))));
        c.register(function("random").body(call -> ThreadLocalRandom.current().nextDouble()));
        c.register(function("random").param("from", Types.ANY).param("to", Types.ANY).body(call -> {
            BigInteger from = PyMath.big(call.arg(0));
            BigInteger to = PyMath.big(call.arg(1));
            if (to.compareTo(from) < 0) throw YaqlException.valueError("empty range for randrange() (" + from + ", " + to.add(BigInteger.ONE) + ")");
            BigInteger span = to.subtract(from).add(BigInteger.ONE);
            BigInteger r;
            do {
                r = new BigInteger(span.bitLength(), ThreadLocalRandom.current());
            } while (r.compareTo(span) >= 0);
            return Py.normalize(from.add(r));
        }));
        bits(c, "bitwiseAnd", BigInteger::and);
        bits(c, "bitwiseOr", BigInteger::or);
        bits(c, "bitwiseXor", BigInteger::xor);
        c.register(function("bitwiseNot").param("arg", Types.INT).body(call -> Py.normalize(PyMath.big(call.arg(0)).not())));
        c.register(function("shiftBitsRight").param("value", Types.INT).param("bitsNumber", Types.INT).body(call -> {
            long n = shift(call.arg(1));
            return Py.normalize(PyMath.big(call.arg(0)).shiftRight((int) Math.min(n, Integer.MAX_VALUE)));
        }));
        c.register(function("shiftBitsLeft").param("value", Types.INT).param("bitsNumber", Types.INT).body(call -> {
            long n = shift(call.arg(1));
            BigInteger v = PyMath.big(call.arg(0));
            if (v.signum() == 0) return 0L;
            if (n > MAX_SHIFT) throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (shifting by " + n + " bits)");
            return Py.normalize(v.shiftLeft((int) n));
        }));
        c.register(function("max").param("a", Types.ANY).param("b", Types.ANY)
                .body(call -> Py.truthy(call.delegate("#operator_>", call.arg(1), call.arg(0))) ? call.arg(1) : call.arg(0)));
        c.register(function("min").param("a", Types.ANY).param("b", Types.ANY)
                .body(call -> Py.truthy(call.delegate("#operator_>", call.arg(1), call.arg(0))) ? call.arg(0) : call.arg(1)));
        c.register(function("pow").param("a", Types.NUMBER).param("b", Types.NUMBER).param("c", Types.NUMBER_OR_NULL, null)
                .body(call -> PyMath.pow(call.arg(0), call.arg(1), call.arg(2))));
        c.register(function("sign").param("num", Types.NUMBER).body(call -> {
            int s = PyMath.compareNumbers(call.arg(0), 0L);
            return s == 1 ? 1L : s == -1 ? -1L : 0L;
        }));
        c.register(function("round").param("number", Types.NUMBER).param("ndigits", Types.INT, 0L)
                .body(call -> PyMath.round(call.arg(0), call.lng(1))));
        c.register(function("isInteger").param("value", Types.ANY).body(call -> Py.isIntNotBool(call.arg(0))));
        c.register(function("isNumber").param("value", Types.ANY).body(call -> Py.isNumber(call.arg(0))));
    }

    private static void binary(YaqlContext c, String name, BinaryOperator<Object> op) {
        c.register(function(name).param("left", Types.NUMBER).param("right", Types.NUMBER).body(call -> op.apply(call.arg(0), call.arg(1))));
    }

    private static void bits(YaqlContext c, String name, BinaryOperator<BigInteger> op) {
        c.register(function(name).param("left", Types.INT).param("right", Types.INT)
                .body(call -> Py.normalize(op.apply(PyMath.big(call.arg(0)), PyMath.big(call.arg(1))))));
    }

    private static long shift(Object n) {
        BigInteger b = PyMath.big(n);
        if (b.signum() < 0) throw YaqlException.valueError("negative shift count");
        return b.bitLength() > 62 ? Long.MAX_VALUE : b.longValue();
    }

    /** Python's int(): null is 0 (yaql), floats truncate, strings parse. */
    static Object toInt(Object v) {
        return switch (v) {
            case null -> 0L;
            case Boolean b -> b ? 1L : 0L;
            case Long l -> l;
            case BigInteger b -> b;
            case Double d -> {
                if (Double.isNaN(d)) throw YaqlException.valueError("cannot convert float NaN to integer");
                if (Double.isInfinite(d)) throw new YaqlException("OverflowError", "cannot convert float infinity to integer");
                yield Py.normalize(new java.math.BigDecimal(d).toBigInteger());
            }
            case String s -> PyStr.parseInt(s);
            default -> throw YaqlException.typeError("int() argument must be a string, a bytes-like object or a real number, not '" + Py.typeName(v) + "'");
        };
    }

    /** Python's float(): null is 0.0 (yaql). */
    static Object toFloat(Object v) {
        return switch (v) {
            case null -> 0.0;
            case Boolean b -> b ? 1.0 : 0.0;
            case Long l -> (double) l;
            case BigInteger b -> PyMath.toDouble(b);
            case Double d -> d;
            case String s -> PyStr.parseFloat(s);
            default -> throw YaqlException.typeError("float() argument must be a string or a real number, not '" + Py.typeName(v) + "'");
        };
    }
}
