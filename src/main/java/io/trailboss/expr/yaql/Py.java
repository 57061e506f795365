package io.trailboss.expr.yaql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Python's semantics for yaql's values, which yaql inherits: equality across numeric types ({@code 1 = 1.0},
 * {@code 1 = true}), truthiness, hashing, str() and repr(), iteration and length. Values are null, Boolean,
 * Long (BigInteger past 64 bits), Double, String, {@link PySeq}, {@link PyDict}, {@link PySet}, {@link DictView},
 * {@link PyIter}, {@link Ordering}, {@link PyRegex}, {@link MappingRule}, {@link Fn} and {@link YaqlContext}.
 */
final class Py {
    /** yaql's NO_VALUE: an argument not given (skipped with {@code f(,1)}, or a parameter's "no default"). */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "<NoValue>";
        }
    };

    private Py() {}

    static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    // ---- types

    static boolean isInt(Object o) {
        return o instanceof Long || o instanceof BigInteger || o instanceof Boolean;
    }

    /** An int that is not a bool (yaql's Integer and Number types refuse booleans; Python's int does not). */
    static boolean isIntNotBool(Object o) {
        return o instanceof Long || o instanceof BigInteger;
    }

    static boolean isNumber(Object o) {
        return o instanceof Long || o instanceof Double || o instanceof BigInteger;
    }

    /** yaql's is_iterable: iterable, but neither a string nor a dictionary. */
    static boolean isIterable(Object o) {
        return o instanceof PySeq || o instanceof PyIter || o instanceof PySet || o instanceof DictView || o instanceof Ordering;
    }

    /** yaql's is_sequence (a tuple or list). */
    static boolean isSequence(Object o) {
        return o instanceof PySeq;
    }

    static boolean isSet(Object o) {
        return o instanceof PySet || o instanceof DictView v && v.setLike();
    }

    static boolean isIterator(Object o) {
        return o instanceof PyIter;
    }

    static String typeName(Object o) {
        return switch (o) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case String s -> "str";
            case PySeq s -> s.tuple ? "tuple" : "list";
            case PyDict d -> d.frozen ? "FrozenDict" : "dict";
            case PySet s -> "frozenset";
            case DictView v -> switch (v.kind()) {
                case KEYS -> "dict_keys";
                case VALUES -> "dict_values";
                case ITEMS -> "dict_items";
            };
            case PyIter i -> i.kind;
            case Ordering o2 -> "OrderingIterable";
            case PyRegex r -> "Pattern";
            case MappingRule m -> "MappingRule";
            case YaqlContext c -> "Context";
            case Fn f -> "function";
            default -> o.getClass().getSimpleName();
        };
    }

    /**
     * A small number for the type of a value or argument, fine enough for every parameter check: two values
     * with the same code pass and fail the same checks (see {@link ParamType}).
     */
    static int typeCode(Object o) {
        if (o == null) return 1;
        Class<?> k = o.getClass();
        if (k == Long.class) return 3;
        if (k == String.class) return 6;
        if (k == PyDict.class) return ((PyDict) o).frozen ? 9 : 10;
        if (k == PySeq.class) return ((PySeq) o).tuple ? 7 : 8;
        if (k == Boolean.class) return 2;
        if (k == Double.class) return 5;
        if (k == Expr.Const.class) {
            Expr.Const c = (Expr.Const) o;
            return c.keyword() ? 21 : 22 + typeCode(c.value());
        }
        return switch (o) {
            case null -> 1;
            case Boolean b -> 2;
            case Long l -> 3;
            case BigInteger b -> 4;
            case Double d -> 5;
            case String s -> 6;
            case PySeq s -> s.tuple ? 7 : 8;
            case PyDict d -> d.frozen ? 9 : 10;
            case PySet s -> 11;
            case DictView v -> 12 + v.kind().ordinal();
            case PyIter i -> 15;
            case Ordering x -> 16;
            case PyRegex r -> 17;
            case MappingRule m -> 18;
            case YaqlContext c -> 19;
            case Fn f -> 20;
            case Expr.Const c -> c.keyword() ? 21 : 22 + typeCode(c.value());
            case Expr.Pair p -> 50;
            case Expr e -> e.usesReceiver() ? 51 : 52;
            default -> o == NO_VALUE ? 53 : 54;
        };
    }

    // ---- truth, equality, hashing

    static boolean truthy(Object o) {
        return switch (o) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case BigInteger b -> b.signum() != 0;
            case String s -> !s.isEmpty();
            case PySeq s -> !s.isEmpty();
            case PyDict d -> d.size() > 0;
            case PySet s -> s.size() > 0;
            case DictView v -> v.size() > 0;
            default -> true;
        };
    }

    static boolean eq(Object a, Object b) {
        if (a == b) return !(a instanceof Double d && d.isNaN());
        if (a == null || b == null) return false;
        if ((a instanceof Number || a instanceof Boolean) && (b instanceof Number || b instanceof Boolean)) {
            if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue();
            return PyMath.compareNumbers(a, b) == 0;
        }
        if (a instanceof String s) return s.equals(b);
        if (a instanceof PySeq x) {
            if (!(b instanceof PySeq y) || x.tuple != y.tuple || x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof PyDict x) {
            if (!(b instanceof PyDict y) || x.size() != y.size()) return false;
            for (PyDict.Entry e : x.entrySet()) {
                Object other = y.get(e.key(), NO_VALUE);
                if (other == NO_VALUE || !eq(e.value(), other)) return false;
            }
            return true;
        }
        if (isSet(a) && isSet(b)) {
            PySet x = asSet(a);
            PySet y = asSet(b);
            return x.size() == y.size() && x.isSubsetOf(y);
        }
        if (a instanceof PyRegex x && b instanceof PyRegex y) return x.source().equals(y.source()) && x.flags() == y.flags();
        return false;
    }

    static PySet asSet(Object o) {
        return o instanceof PySet s ? s : ((DictView) o).asSet();
    }

    static long hash(Object o) {
        return switch (o) {
            case null -> PyHash.NONE;
            case Boolean b -> b ? 1 : 0;
            case Long l -> PyHash.ofLong(l);
            case BigInteger b -> PyHash.ofBig(b);
            case Double d -> PyHash.ofDouble(d);
            case String s -> PyHash.string(s);
            case PySeq s -> s.pyHash();
            case PyDict d -> d.pyHash();
            case PySet s -> s.pyHash();
            case DictView v -> throw YaqlException.typeError("unhashable type: '" + typeName(v) + "'");
            case PyRegex r -> r.source().hashCode() * 31L + r.flags();
            default -> System.identityHashCode(o) >> 4;
        };
    }

    /**
     * A hash consistent with {@link #eq} for dictionary keys and membership sets, cheaper than CPython's (which
     * only sets need, for their order): strings use Java's cached hash. Unhashable values fail as in Python.
     */
    static int fastHash(Object o) {
        return switch (o) {
            case null -> 0x9e3779b9;
            case Boolean b -> b ? 1 : 0;
            case Long l -> Long.hashCode(l);
            case String s -> s.hashCode();
            case BigInteger b -> b.hashCode();
            case Double d -> {
                double v = d;
                if (v == Math.rint(v) && !Double.isInfinite(v)) {
                    if (Math.abs(v) < 9.2e18) yield Long.hashCode((long) v);
                    yield new BigDecimal(v).toBigInteger().hashCode();
                }
                yield Double.hashCode(v);
            }
            case PySeq s -> {
                if (!s.tuple) throw YaqlException.typeError("unhashable type: 'list'");
                int h = 1;
                for (Object x : s) h = 31 * h + fastHash(x);
                yield h;
            }
            case PyDict d -> {
                if (!d.frozen) throw YaqlException.typeError("unhashable type: 'dict'");
                int h = 0;
                for (PyDict.Entry e : d.entrySet()) h ^= e.hash() * 31 + fastHash(e.value());
                yield h;
            }
            case PySet s -> {
                int h = 0x5e7;
                for (Object x : s) h ^= fastHash(x);
                yield h;
            }
            case DictView v -> throw YaqlException.typeError("unhashable type: '" + typeName(v) + "'");
            case PyRegex r -> r.source().hashCode();
            default -> System.identityHashCode(o);
        };
    }

    // ---- iteration

    static Iterator<Object> iter(Object o) {
        return switch (o) {
            case PyIter i -> i.restart();
            case PySeq s -> s.iterator();
            case PySet s -> s.iterator();
            case PyDict d -> d.keys().iterator();
            case DictView v -> v.iterator();
            case Ordering ord -> ord.iterator();
            case String s -> s.codePoints().mapToObj(cp -> (Object) new String(Character.toChars(cp))).iterator();
            case null, default -> throw YaqlException.typeError("'" + typeName(o) + "' object is not iterable");
        };
    }

    /** Python's next(): StopIteration when the iterator is done. */
    static Object next(Iterator<Object> it) {
        try {
            return it.next();
        } catch (NoSuchElementException e) {
            throw YaqlException.stopIteration("the collection has no more elements");
        }
    }

    static int len(Object o) {
        return switch (o) {
            case PySeq s -> s.size();
            case PySet s -> s.size();
            case PyDict d -> d.size();
            case DictView v -> v.size();
            case String s -> s.codePointCount(0, s.length());
            case null, default -> throw YaqlException.typeError("object of type '" + typeName(o) + "' has no len()");
        };
    }

    /** A list of everything an iterable yields. */
    static List<Object> toList(Object o, Evaluation ev) {
        if (o instanceof PySeq s) return s;
        List<Object> out = new java.util.ArrayList<>();
        Iterator<Object> it = iter(o);
        while (it.hasNext()) {
            out.add(it.next());
            ev.tick();
        }
        return out;
    }

    /** Python's {@code item in container}. */
    static boolean contains(Object container, Object item) {
        return switch (container) {
            case PySeq s -> {
                for (Object o : s) if (eq(o, item)) yield true;
                yield false;
            }
            case PySet s -> s.contains(item);
            case PyDict d -> d.containsKey(item);
            case DictView v -> v.contains(item);
            case String s -> {
                if (!(item instanceof String sub)) throw YaqlException.typeError("'in <string>' requires string as left operand, not " + typeName(item));
                yield s.contains(sub);
            }
            default -> {
                Iterator<Object> it = iter(container);
                while (it.hasNext()) if (eq(it.next(), item)) yield true;
                yield false;
            }
        };
    }

    /** Python's slice bounds for [from:to] over a length (negative counts from the end, then clamped). */
    static int[] sliceBounds(int from, int to, int length) {
        if (from < 0) from = Math.max(0, from + length);
        if (to < 0) to = Math.max(0, to + length);
        from = Math.min(from, length);
        to = Math.min(to, length);
        return new int[] {from, to};
    }

    // ---- text

    /** Python's str(). */
    static String str(Object o) {
        return o instanceof String s ? s : repr(o);
    }

    /** Python's repr(). */
    static String repr(Object o) {
        return switch (o) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case BigInteger b -> intString(b);
            case Double d -> floatRepr(d);
            case String s -> stringRepr(s);
            case PySeq s -> {
                StringBuilder b = new StringBuilder(s.tuple ? "(" : "[");
                for (int i = 0; i < s.size(); i++) {
                    if (i > 0) b.append(", ");
                    b.append(repr(s.get(i)));
                }
                if (s.tuple && s.size() == 1) b.append(',');
                yield b.append(s.tuple ? ")" : "]").toString();
            }
            case PyDict d -> {
                StringBuilder b = new StringBuilder("{");
                boolean first = true;
                for (PyDict.Entry e : d.entrySet()) {
                    if (!first) b.append(", ");
                    first = false;
                    b.append(repr(e.key())).append(": ").append(repr(e.value()));
                }
                yield b.append('}').toString();
            }
            case PySet s -> {
                if (s.size() == 0) yield "frozenset()";
                StringBuilder b = new StringBuilder("frozenset({");
                boolean first = true;
                for (Object e : s) {
                    if (!first) b.append(", ");
                    first = false;
                    b.append(repr(e));
                }
                yield b.append("})").toString();
            }
            case DictView v -> {
                if (v.dict().frozen) {
                    yield switch (v.kind()) {
                        case KEYS -> "KeysView(";
                        case VALUES -> "ValuesView(";
                        case ITEMS -> "ItemsView(";
                    } + repr(v.dict()) + ")";
                }
                StringBuilder b = new StringBuilder(typeName(v)).append("([");
                boolean first = true;
                for (Object e : v) {
                    if (!first) b.append(", ");
                    first = false;
                    b.append(repr(e));
                }
                yield b.append("])").toString();
            }
            case PyRegex r -> "re.compile(" + stringRepr(r.source()) + (r.flagNames().isEmpty() ? "" : ", " + r.flagNames()) + ")";
            default -> "<" + typeName(o) + " object>";
        };
    }

    /** Python 3.11 refuses to write an int of more than 4300 digits (and to read one). */
    static final int MAX_INT_DIGITS = 4300;
    private static final BigInteger MAX_INT_STRING = BigInteger.TEN.pow(MAX_INT_DIGITS);

    static String intString(BigInteger b) {
        if (b.abs().compareTo(MAX_INT_STRING) >= 0) {
            throw YaqlException.valueError("Exceeds the limit (" + MAX_INT_DIGITS + " digits) for integer string conversion");
        }
        return b.toString();
    }

    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int decpt = digits.length() - bd.scale();
        StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) b.append("0.").append("0".repeat(-decpt)).append(digits);
            else if (decpt >= digits.length()) b.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            else b.append(digits, 0, decpt).append('.').append(digits.substring(decpt));
        } else {
            b.append(digits.charAt(0));
            if (digits.length() > 1) b.append('.').append(digits.substring(1));
            int exp = decpt - 1;
            b.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            if (e.length() < 2) b.append('0');
            b.append(e);
        }
        return b.toString();
    }

    static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') b.append('\\').appendCodePoint(cp);
            else if (cp == '\t') b.append("\\t");
            else if (cp == '\n') b.append("\\n");
            else if (cp == '\r') b.append("\\r");
            else if (cp < 0x20 || cp == 0x7f) b.append(String.format("\\x%02x", cp));
            else if (cp < 0x7f || printable(cp)) b.appendCodePoint(cp);
            else if (cp <= 0xff) b.append(String.format("\\x%02x", cp));
            else if (cp <= 0xffff) b.append(String.format("\\u%04x", cp));
            else b.append(String.format("\\U%08x", cp));
        }
        return b.append(quote).toString();
    }

    /** Python's str.isprintable for one character. */
    static boolean printable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
