package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.extension;
import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** yaql's string functions. */
final class StringsLibrary {
    private StringsLibrary() {}

    static void register(YaqlContext c) {
        compare(c, "#operator_>", 1);
        compare(c, "#operator_<", -1);
        compare(c, "#operator_>=", 2);
        compare(c, "#operator_<=", -2);
        c.register(extension("len").param("string", Types.STRING).body(call -> (long) PyStr.length(call.str(0))));
        c.register(method("toLower").param("string", Types.STRING).body(call -> call.str(0).toLowerCase(java.util.Locale.ROOT)));
        c.register(method("toUpper").param("string", Types.STRING).body(call -> call.str(0).toUpperCase(java.util.Locale.ROOT)));
        c.register(method("split").param("string", Types.STRING).param("separator", Types.STRING_OR_NULL, null).param("maxSplits", Types.INT, -1L)
                .body(call -> PySeq.list(PyStr.split(call.str(0), (String) call.arg(1), call.lng(2), false))));
        c.register(method("rightSplit").param("string", Types.STRING).param("separator", Types.STRING_OR_NULL, null).param("maxSplits", Types.INT, -1L)
                .body(call -> PySeq.list(PyStr.split(call.str(0), (String) call.arg(1), call.lng(2), true))));
        c.register(method("join").param("sequence", Types.ITERABLE).param("separator", Types.STRING)
                .body(call -> join(call, call.iter(0), call.str(1))));
        c.register(method("join").param("separator", Types.STRING).param("sequence", Types.ITERABLE)
                .body(call -> join(call, call.iter(1), call.str(0))));
        c.register(function("str").param("value", Types.ANY).body(call -> str(call.arg(0))));
        YaqlFunction concat = function("concat").varargs("args", Types.STRING).body(call -> {
            StringBuilder b = new StringBuilder();
            for (Object o : call.rest()) b.append((String) o);
            return b.toString();
        });
        c.register(concat);
        c.register(concat.renamed("#operator_+", true, false));
        c.register(method("trim").param("string", Types.STRING).param("chars", Types.STRING_OR_NULL, null)
                .body(call -> PyStr.strip(call.str(0), (String) call.arg(1), true, true)));
        c.register(method("trimLeft").param("string", Types.STRING).param("chars", Types.STRING_OR_NULL, null)
                .body(call -> PyStr.strip(call.str(0), (String) call.arg(1), true, false)));
        c.register(method("trimRight").param("string", Types.STRING).param("chars", Types.STRING_OR_NULL, null)
                .body(call -> PyStr.strip(call.str(0), (String) call.arg(1), false, true)));
        c.register(method("replace").param("string", Types.STRING).param("old", Types.STRING).param("new", Types.STRING).param("count", Types.INT, -1L)
                .body(call -> {
                    call.ev.limitMemory(PySize.string(call.str(0)) + 2 * PyStr.replacedLength(call.str(0), call.str(1), call.str(2), call.lng(3)));
                    return PyStr.replace(call.str(0), call.str(1), call.str(2), call.lng(3));
                }));
        c.register(method("replace").param("string", Types.STRING).param("replacements", Types.MAPPING).param("count", Types.INT, -1L)
                .body(call -> {
                    String s = call.str(0);
                    for (PyDict.Entry e : ((PyDict) call.arg(1)).entrySet()) {
                        String from = (String) call.delegate("str", e.key());
                        String to = (String) call.delegate("str", e.value());
                        call.ev.limitMemory(PySize.string(s) + 2 * PyStr.replacedLength(s, from, to, call.lng(2)));
                        s = PyStr.replace(s, from, to, call.lng(2));
                    }
                    return s;
                }));
        c.register(extension("isEmpty").param("string", Types.STRING_OR_NULL).param("trim", Types.BOOL, true).param("chars", Types.STRING_OR_NULL, null)
                .body(call -> {
                    String s = (String) call.arg(0);
                    if (s == null) return true;
                    if (call.bool(1)) s = PyStr.strip(s, (String) call.arg(2), true, true);
                    return s.isEmpty();
                }));
        c.register(extension("norm").param("string", Types.STRING_OR_NULL).param("chars", Types.STRING_OR_NULL, null)
                .body(call -> {
                    String s = (String) call.arg(0);
                    if (s == null) return null;
                    String v = PyStr.strip(s, (String) call.arg(1), true, true);
                    return v.isEmpty() ? null : v;
                }));
        c.register(function("#operator_*").param("left", Types.STRING).param("right", Types.INT).body(call -> times(call, call.str(0), call.arg(1))));
        c.register(function("#operator_*").param("left", Types.INT).param("right", Types.STRING).body(call -> times(call, call.str(1), call.arg(0))));
        c.register(function("#operator_in").param("left", Types.STRING).param("right", Types.STRING).body(call -> call.str(1).contains(call.str(0))));
        c.register(method("substring").param("string", Types.STRING).param("start", Types.INT).param("length", Types.INT, -1L).body(call -> {
            String s = call.str(0);
            long n = PyStr.length(s);
            long start = call.lng(1);
            long length = call.lng(2);
            if (length < 0) length = n;
            if (start < 0) start += n;
            return PyStr.slice(s, start, start + length);
        }));
        c.register(method("indexOf").param("string", Types.STRING).param("sub", Types.STRING).param("start", Types.INT, 0L)
                .body(call -> PyStr.find(call.str(0), call.str(1), call.lng(2), Integer.MAX_VALUE, false)));
        c.register(method("indexOf").param("string", Types.STRING).param("sub", Types.STRING).param("start", Types.INT).param("length", Types.INT)
                .body(call -> findRange(call, false)));
        c.register(method("lastIndexOf").param("string", Types.STRING).param("sub", Types.STRING).param("start", Types.INT, 0L)
                .body(call -> PyStr.find(call.str(0), call.str(1), call.lng(2), Integer.MAX_VALUE, true)));
        c.register(method("lastIndexOf").param("string", Types.STRING).param("sub", Types.STRING).param("start", Types.INT).param("length", Types.INT)
                .body(call -> findRange(call, true)));
        c.register(method("toCharArray").param("string", Types.STRING)
                .body(call -> PySeq.tuple(call.str(0).codePoints().mapToObj(Character::toString).toArray())));
        YaqlFunction.Builder characters = function("characters");
        for (String n : List.of("digits", "hexdigits", "asciiLowercase", "asciiUppercase", "asciiLetters", "letters", "octdigits",
                "punctuation", "printable", "lowercase", "uppercase", "whitespace")) {
            characters.param(n, Types.BOOL_OR_NULL, false);
        }
        c.register(characters.body(StringsLibrary::characters));
        c.register(function("isString").param("arg", Types.ANY).body(call -> call.arg(0) instanceof String));
        c.register(method("startsWith").param("string", Types.STRING).varargs("prefixes", Types.STRING).body(call -> {
            for (Object p : call.rest()) if (call.str(0).startsWith((String) p)) return true;
            return false;
        }));
        c.register(method("endsWith").param("string", Types.STRING).varargs("suffixes", Types.STRING).body(call -> {
            for (Object p : call.rest()) if (call.str(0).endsWith((String) p)) return true;
            return false;
        }));
        c.register(function("hex").param("num", Types.NUMBER_OR_NULL).body(call -> {
            Object n = call.arg(0);
            if (!(n instanceof Long || n instanceof BigInteger)) throw YaqlException.typeError("'" + Py.typeName(n) + "' object cannot be interpreted as an integer");
            BigInteger b = PyMath.big(n);
            return (b.signum() < 0 ? "-0x" : "0x") + b.abs().toString(16);
        }));
        c.register(extension("format").param("format", Types.STRING).varargs("args", Types.ANY).varkw("kwargs", Types.ANY)
                .body(call -> PyFormat.format(call.str(0), call.rest(), call.restKw(), call.ev)));
    }

    private static void compare(YaqlContext c, String name, int kind) {
        c.register(function(name).param("left", Types.STRING).param("right", Types.STRING).body(call -> {
            int r = compare(call.str(0), call.str(1));
            return switch (kind) {
                case 1 -> r > 0;
                case -1 -> r < 0;
                case 2 -> r >= 0;
                default -> r <= 0;
            };
        }));
    }

    /** Python compares strings by code point (Java's compareTo by UTF-16 unit differs past the BMP). */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** yaql's str(): null, true and false as yaql writes them, anything else as Python's str(). */
    static String str(Object o) {
        if (o == null) return "null";
        if (o instanceof Boolean b) return b ? "true" : "false";
        return Py.str(o);
    }

    private static String join(Call call, Iterator<Object> items, String separator) {
        StringBuilder b = new StringBuilder();
        boolean first = true;
        while (items.hasNext()) {
            Object o = items.next();
            if (!first) b.append(separator);
            first = false;
            b.append((String) call.delegate("str", o));
            call.ev.limitMemory(49L + b.length());
        }
        return b.toString();
    }

    /** s * n, after yaql's memory check: (1 - n) empty strings plus n copies of s. */
    private static String times(Call call, String s, Object count) {
        BigInteger n = PyMath.big(count);
        BigInteger total = BigInteger.ONE.subtract(n).multiply(BigInteger.valueOf(49)).add(n.multiply(BigInteger.valueOf(PySize.string(s))));
        call.ev.limitMemory(total.min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.valueOf(Long.MIN_VALUE)).longValue());
        if (n.signum() <= 0 || s.isEmpty()) return "";
        long size = (long) s.length() * n.longValue();
        if (n.bitLength() > 31 || size > Integer.MAX_VALUE - 16) {
            throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (a string of " + n + " copies)");
        }
        call.ev.limitMemory(49 + size);
        return s.repeat(n.intValue());
    }

    private static Object findRange(Call call, boolean last) {
        String s = call.str(0);
        long n = PyStr.length(s);
        long start = call.lng(2);
        long length = call.lng(3);
        if (start < 0) start += n;
        if (length < 0) length = n - start;
        return PyStr.find(s, call.str(1), start, start + length, last);
    }

    private static Object characters(Call call) {
        String[] sets = {"0123456789", "0123456789abcdefABCDEF", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", null, "01234567", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
                "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\u000b\f",
                null, null, " \t\n\r\u000b\f"};
        String[] names = {"letters", "lowercase", "uppercase"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sets.length; i++) {
            if (!Py.truthy(call.arg(i))) continue;
            if (sets[i] == null) {
                String name = i == 5 ? names[0] : i == 9 ? names[1] : names[2];
                throw new YaqlException("AttributeError", "module 'string' has no attribute '" + name + "'");
            }
            b.append(sets[i]);
        }
        PySet set = PySet.of(b.codePoints().mapToObj(cp -> (Object) Character.toString(cp)).iterator(), call.ev);
        return PySeq.tuple(set.toList());
    }
}
