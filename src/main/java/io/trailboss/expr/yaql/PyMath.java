package io.trailboss.expr.yaql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Python's arithmetic on yaql's numbers: ints without overflow (Long, then BigInteger), floats as doubles, an
 * int meeting a float becomes a float, {@code //} and {@code %} floor toward negative infinity, and dividing by
 * zero is an error even for floats.
 */
final class PyMath {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private PyMath() {}

    static BigInteger big(Object o) {
        return switch (o) {
            case Long l -> BigInteger.valueOf(l);
            case BigInteger b -> b;
            case Boolean b -> b ? BigInteger.ONE : BigInteger.ZERO;
            default -> throw YaqlException.typeError("an integer is required, not " + Py.typeName(o));
        };
    }

    static long asLong(Object o) {
        return switch (o) {
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case BigInteger b -> {
                if (b.bitLength() >= 64) throw new YaqlException("OverflowError", "Python int too large to convert to C ssize_t");
                yield b.longValue();
            }
            default -> throw YaqlException.typeError("an integer is required, not " + Py.typeName(o));
        };
    }

    /** An int index clamped into the int range (a huge index behaves as a huge one). */
    static int asIndex(Object o) {
        if (o instanceof BigInteger b) return b.signum() < 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        long l = asLong(o);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
    }

    static double toDouble(Object o) {
        return switch (o) {
            case Double d -> d;
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case BigInteger b -> {
                double d = b.doubleValue();
                if (Double.isInfinite(d)) throw new YaqlException("OverflowError", "int too large to convert to float");
                yield d;
            }
            default -> throw YaqlException.typeError("must be real number, not " + Py.typeName(o));
        };
    }

    private static boolean isFloat(Object a, Object b) {
        return a instanceof Double || b instanceof Double;
    }

    static Object add(Object a, Object b) {
        if (isFloat(a, b)) return toDouble(a) + toDouble(b);
        if (a instanceof Long x && b instanceof Long y) {
            long r = x + y;
            if (((x ^ r) & (y ^ r)) >= 0) return r;
        }
        return Py.normalize(big(a).add(big(b)));
    }

    static Object sub(Object a, Object b) {
        if (isFloat(a, b)) return toDouble(a) - toDouble(b);
        if (a instanceof Long x && b instanceof Long y) {
            long r = x - y;
            if (((x ^ y) & (x ^ r)) >= 0) return r;
        }
        return Py.normalize(big(a).subtract(big(b)));
    }

    static Object mul(Object a, Object b) {
        if (isFloat(a, b)) return toDouble(a) * toDouble(b);
        if (a instanceof Long x && b instanceof Long y) {
            long hi = Math.multiplyHigh(x, y);
            long lo = x * y;
            if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) return lo;
        }
        return Py.normalize(big(a).multiply(big(b)));
    }

    static Object floorDiv(Object a, Object b) {
        if (isFloat(a, b)) {
            double y = toDouble(b);
            if (y == 0) throw YaqlException.zeroDivision("float floor division by zero");
            return Math.floor(toDouble(a) / y);
        }
        if (a instanceof Long x && b instanceof Long y) {
            if (y == 0) throw YaqlException.zeroDivision("integer division or modulo by zero");
            if (!(x == Long.MIN_VALUE && y == -1)) return Math.floorDiv(x, y);
        }
        BigInteger y = big(b);
        if (y.signum() == 0) throw YaqlException.zeroDivision("integer division or modulo by zero");
        BigInteger[] qr = big(a).divideAndRemainder(y);
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && qr[1].signum() != y.signum()) q = q.subtract(BigInteger.ONE);
        return Py.normalize(q);
    }

    static Object trueDiv(Object a, Object b) {
        double y = toDouble(b);
        if (y == 0) throw YaqlException.zeroDivision("float division by zero");
        return toDouble(a) / y;
    }

    static Object mod(Object a, Object b) {
        if (isFloat(a, b)) {
            double x = toDouble(a);
            double y = toDouble(b);
            if (y == 0) throw YaqlException.zeroDivision("float modulo");
            double m = x % y;
            if (m != 0) {
                if ((y < 0) != (m < 0)) m += y;
            } else {
                m = Math.copySign(0.0, y);
            }
            return m;
        }
        if (a instanceof Long x && b instanceof Long y) {
            if (y == 0) throw YaqlException.zeroDivision("integer division or modulo by zero");
            return Math.floorMod(x, y);
        }
        BigInteger y = big(b);
        if (y.signum() == 0) throw YaqlException.zeroDivision("integer division or modulo by zero");
        BigInteger m = big(a).mod(y.abs());
        if (y.signum() < 0 && m.signum() != 0) m = m.add(y);
        return Py.normalize(m);
    }

    static Object neg(Object a) {
        if (a instanceof Double d) return -d;
        if (a instanceof Long l && l != Long.MIN_VALUE) return -l;
        return Py.normalize(big(a).negate());
    }

    static Object abs(Object a) {
        if (a instanceof Double d) return Math.abs(d);
        if (a instanceof Long l && l != Long.MIN_VALUE) return Math.abs(l);
        return Py.normalize(big(a).abs());
    }

    /** Exact comparison of two numbers (an int and a float compare by value, as Python does). */
    static int compareNumbers(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
        if (a instanceof Double || b instanceof Double) {
            if (a instanceof Double x && b instanceof Double y) {
                double p = x;
                double q = y;
                return p < q ? -1 : p > q ? 1 : p == q ? 0 : 2;
            }
            double d = a instanceof Double x ? x : (Double) b;
            if (Double.isNaN(d)) return 2; // unordered: neither less, greater nor equal
            if (Double.isInfinite(d)) return (a instanceof Double) == (d > 0) ? 1 : -1;
            BigDecimal x = a instanceof Double ? new BigDecimal(d) : new BigDecimal(big(a));
            BigDecimal y = b instanceof Double ? new BigDecimal(d) : new BigDecimal(big(b));
            return x.compareTo(y);
        }
        return big(a).compareTo(big(b));
    }

    static boolean lt(Object a, Object b) {
        return compareNumbers(a, b) == -1;
    }

    static boolean gt(Object a, Object b) {
        return compareNumbers(a, b) == 1;
    }

    static boolean le(Object a, Object b) {
        int c = compareNumbers(a, b);
        return c == -1 || c == 0;
    }

    static boolean ge(Object a, Object b) {
        int c = compareNumbers(a, b);
        return c == 1 || c == 0;
    }

    /** Python's pow(a, b[, m]). */
    static Object pow(Object a, Object b, Object m) {
        if (m != null) {
            if (!Py.isInt(a) || !Py.isInt(b) || !Py.isInt(m)) throw YaqlException.typeError("pow() 3rd argument not allowed unless all arguments are integers");
            BigInteger mod = big(m);
            if (mod.signum() == 0) throw YaqlException.valueError("pow() 3rd argument cannot be 0");
            BigInteger base = big(a);
            BigInteger exp = big(b);
            BigInteger abs = mod.abs();
            if (exp.signum() < 0) {
                try {
                    base = base.modInverse(abs);
                } catch (ArithmeticException e) {
                    throw YaqlException.valueError("base is not invertible for the given modulus");
                }
                exp = exp.negate();
            }
            BigInteger r = base.modPow(exp, abs);
            if (mod.signum() < 0 && r.signum() != 0) r = r.add(mod);
            return Py.normalize(r);
        }
        if (Py.isInt(a) && Py.isInt(b)) {
            BigInteger exp = big(b);
            if (exp.signum() < 0) {
                double base = toDouble(a);
                if (base == 0) throw YaqlException.zeroDivision("0.0 cannot be raised to a negative power");
                return Math.pow(base, exp.doubleValue());
            }
            BigInteger base = big(a);
            if (base.abs().compareTo(BigInteger.ONE) <= 0) {
                if (base.signum() == 0) return exp.signum() == 0 ? 1L : 0L;
                if (base.equals(BigInteger.ONE)) return 1L;
                return exp.testBit(0) ? -1L : 1L;
            }
            if (exp.bitLength() > 31 || (long) base.bitLength() * exp.longValue() > 4_000_000) {
                throw new YaqlException("MemoryQuotaExceededException", "the power " + base + " ** " + exp + " is too large");
            }
            return Py.normalize(base.pow(exp.intValue()));
        }
        double x = toDouble(a);
        double y = toDouble(b);
        if (x == 0 && y < 0) throw YaqlException.zeroDivision("0.0 cannot be raised to a negative power");
        if (x < 0 && y != Math.rint(y)) throw YaqlException.valueError("math domain error: a negative number to a fractional power is complex");
        double r = Math.pow(x, y);
        if (Double.isInfinite(r) && !Double.isInfinite(x) && !Double.isInfinite(y)) throw new YaqlException("OverflowError", "(34, 'Numerical result out of range')");
        return r;
    }

    /** Python's round(number, ndigits): half to even on the exact binary value; an int stays an int. */
    static Object round(Object number, long ndigits) {
        if (Py.isInt(number)) {
            if (ndigits >= 0) return number instanceof Boolean b ? (b ? 1L : 0L) : number;
            if (ndigits < -400) return 0L;
            BigDecimal bd = new BigDecimal(big(number)).setScale((int) ndigits, RoundingMode.HALF_EVEN);
            return Py.normalize(bd.toBigInteger());
        }
        double d = (Double) number;
        if (Double.isNaN(d) || Double.isInfinite(d)) return d;
        if (ndigits > 330) return d;
        if (ndigits < -330) return 0.0 * d;
        BigDecimal bd = new BigDecimal(d).setScale((int) ndigits, RoundingMode.HALF_EVEN);
        double r = bd.doubleValue();
        if (Double.isInfinite(r)) throw new YaqlException("OverflowError", "rounded value too large to represent");
        return r == 0 ? Math.copySign(0.0, d) : r;
    }

    static boolean fitsLong(BigInteger b) {
        return b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0;
    }
}
