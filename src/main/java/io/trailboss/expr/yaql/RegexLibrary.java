package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/** yaql's regex functions, over Python's regular expression syntax. */
final class RegexLibrary {
    private RegexLibrary() {}

    static void register(YaqlContext c) {
        c.register(function("regex").param("pattern", Types.STRING).param("ignoreCase", Types.BOOL_OR_NULL, false)
                .param("multiLine", Types.BOOL_OR_NULL, false).param("dotAll", Types.BOOL_OR_NULL, false).body(call -> {
                    int flags = (call.bool(1) ? PyRegex.IGNORECASE : 0) | (call.bool(2) ? PyRegex.MULTILINE : 0) | (call.bool(3) ? PyRegex.DOTALL : 0);
                    return PyRegex.compile(call.str(0), flags);
                }));
        c.register(method("matches").param("regexp", Types.REGEX).param("string", Types.STRING).body(call -> search(regex(call, 0), call.str(1), call.ev) != null));
        c.register(method("matches").param("string", Types.STRING).param("regexp", Types.STRING).body(call -> search(compile(call.str(1)), call.str(0), call.ev) != null));
        c.register(function("#operator_=~").param("string", Types.STRING).param("regexp", Types.REGEX).body(call -> search(regex(call, 1), call.str(0), call.ev) != null));
        c.register(function("#operator_=~").param("string", Types.STRING).param("pattern", Types.STRING).body(call -> search(compile(call.str(1)), call.str(0), call.ev) != null));
        c.register(function("#operator_!~").param("string", Types.STRING).param("regexp", Types.REGEX).body(call -> search(regex(call, 1), call.str(0), call.ev) == null));
        c.register(function("#operator_!~").param("string", Types.STRING).param("pattern", Types.STRING).body(call -> search(compile(call.str(1)), call.str(0), call.ev) == null));
        c.register(method("search").param("regexp", Types.REGEX).param("string", Types.STRING).param("selector", Types.LAMBDA_WITH_CONTEXT, null).body(call -> {
            String s = call.str(1);
            Matcher m = search(regex(call, 0), s, call.ev);
            YaqlContext own = call.context().child();
            if (m == null) return null;
            if (call.arg(2) == null) return m.group();
            publish(own, m, s, regex(call, 0));
            return call.fn(2).call(own);
        }));
        c.register(method("searchAll").param("regexp", Types.REGEX).param("string", Types.STRING).param("selector", Types.LAMBDA_WITH_CONTEXT, null).body(call -> {
            PyRegex r = regex(call, 0);
            String s = call.str(1);
            Matcher m = matcher(r, s, call.ev);
            YaqlLambda selector = (YaqlLambda) call.arg(2);
            return PyIter.of("generator", () -> {
                if (!m.find()) return PyIter.END;
                call.ev.tick();
                YaqlContext own = call.context().child();
                if (selector == null) return m.group();
                publish(own, m, s, r);
                return selector.call(own);
            });
        }));
        c.register(method("split").param("regexp", Types.REGEX).param("string", Types.STRING).param("maxSplit", Types.INT, 0L)
                .body(call -> split(regex(call, 0), call.str(1), call.lng(2), call.ev)));
        c.register(method("split").param("string", Types.STRING).param("regexp", Types.REGEX).param("maxSplit", Types.INT, 0L)
                .body(call -> split(regex(call, 1), call.str(0), call.lng(2), call.ev)));
        c.register(method("replace").param("regexp", Types.REGEX).param("string", Types.STRING).param("repl", Types.STRING).param("count", Types.INT, 0L)
                .body(call -> sub(regex(call, 0), call.str(1), m -> template(call.str(2), m, regex(call, 0)), call.lng(3), call.ev)));
        c.register(method("replace").param("string", Types.STRING).param("regexp", Types.REGEX).param("repl", Types.STRING).param("count", Types.INT, 0L)
                .body(call -> sub(regex(call, 1), call.str(0), m -> template(call.str(2), m, regex(call, 1)), call.lng(3), call.ev)));
        c.register(method("replaceBy").param("regexp", Types.REGEX).param("string", Types.STRING).param("repl", Types.LAMBDA_WITH_CONTEXT).param("count", Types.INT, 0L)
                .body(call -> replaceBy(call, regex(call, 0), call.str(1))));
        c.register(method("replaceBy").param("string", Types.STRING).param("regexp", Types.REGEX).param("repl", Types.LAMBDA_WITH_CONTEXT).param("count", Types.INT, 0L)
                .body(call -> replaceBy(call, regex(call, 1), call.str(0))));
        c.register(function("escapeRegex").param("string", Types.STRING).body(call -> PyRegex.escape(call.str(0))));
        c.register(function("isRegex").param("value", Types.ANY).body(call -> call.arg(0) instanceof PyRegex));
    }

    /**
     * A matcher over the text that watches the deadline: a pattern that backtracks for ever (such as (a+)+$) reads
     * the text again and again, and stops there.
     */
    static Matcher matcher(PyRegex r, String s, Evaluation ev) {
        return r.pattern().matcher(new Timed(s, ev));
    }

    private record Timed(String text, Evaluation ev) implements CharSequence {
        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            ev.tick();
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static PyRegex regex(Call call, int i) {
        return (PyRegex) call.arg(i);
    }

    private static PyRegex compile(String pattern) {
        return PyRegex.compile(pattern, 0);
    }

    private static Matcher search(PyRegex r, String s, Evaluation ev) {
        Matcher m = matcher(r, s, ev);
        return m.find() ? m : null;
    }

    /** Puts a match in the context: $1 the whole match, $2... the groups, each {value, start, end}. */
    private static void publish(YaqlContext context, Matcher m, String s, PyRegex r) {
        context.setNormalized("$1", group(m, 0, s));
        for (int i = 1; i <= m.groupCount(); i++) context.setNormalized(YaqlContext.positional(i + 1), group(m, i, s));
        if (!r.groupNames().isEmpty()) {
            // yaql 2.0 unpacks each named group's value as a (key, value) pair: it fails for anything else
            for (int i = 0; i < r.groupNames().size(); i++) {
                String v = m.group("g" + (i + 1) + "n");
                if (v == null) throw YaqlException.typeError("cannot unpack non-iterable NoneType object");
                if (PyStr.length(v) != 2) throw YaqlException.valueError("too many values to unpack (expected 2)");
                throw YaqlException.indexError("no such group");
            }
        }
    }

    private static PyDict group(Matcher m, int i, String s) {
        PyDict d = PyDict.mutable();
        String v = m.group(i);
        d.put("value", v);
        d.put("start", v == null ? -1L : (long) PyStr.index(s, m.start(i)));
        d.put("end", v == null ? -1L : (long) PyStr.index(s, m.end(i)));
        return d;
    }

    /** re.split: the pieces between matches, with the groups of each match between them. */
    private static PySeq split(PyRegex r, String s, long maxSplit, Evaluation ev) {
        Matcher m = matcher(r, s, ev);
        List<Object> out = new ArrayList<>();
        int last = 0;
        long n = 0;
        while ((maxSplit <= 0 || n < maxSplit) && m.find()) {
            ev.tick();
            out.add(s.substring(last, m.start()));
            for (int i = 1; i <= m.groupCount(); i++) out.add(m.group(i));
            last = m.end();
            n++;
        }
        out.add(s.substring(last));
        return PySeq.list(out);
    }

    private static String sub(PyRegex r, String s, java.util.function.Function<Matcher, String> replacement, long count, Evaluation ev) {
        Matcher m = matcher(r, s, ev);
        StringBuilder b = new StringBuilder();
        int last = 0;
        long n = 0;
        while ((count <= 0 || n < count) && m.find()) {
            ev.tick();
            b.append(s, last, m.start()).append(replacement.apply(m));
            last = m.end();
            n++;
            ev.limitMemory(49L + b.length());
        }
        return b.append(s.substring(last)).toString();
    }

    private static String replaceBy(Call call, PyRegex r, String s) {
        YaqlLambda repl = call.fn(2);
        return sub(r, s, m -> {
            YaqlContext own = call.context().child();
            publish(call.context(), m, s, r);
            Object v = repl.call(own);
            if (!(v instanceof String str)) throw YaqlException.typeError("expected str instance, " + Py.typeName(v) + " found");
            return str;
        }, call.lng(3), call.ev);
    }

    /** Python's replacement template: \1, \g<1>, \g<name>, and the escapes \n \t \\ ... */
    private static String template(String repl, Matcher m, PyRegex r) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < repl.length()) {
            char c = repl.charAt(i);
            if (c != '\\' || i + 1 >= repl.length()) {
                if (c == '\\') throw new YaqlException("re.error", "bad escape (end of pattern)");
                b.append(c);
                i++;
                continue;
            }
            char e = repl.charAt(i + 1);
            if (Character.isDigit(e)) {
                int j = i + 1;
                int g = 0;
                while (j < repl.length() && j < i + 3 && Character.isDigit(repl.charAt(j))) g = g * 10 + (repl.charAt(j++) - '0');
                if (g > m.groupCount()) throw new YaqlException("re.error", "invalid group reference " + g);
                String v = m.group(g);
                if (v != null) b.append(v);
                i = j;
            } else if (e == 'g' && i + 2 < repl.length() && repl.charAt(i + 2) == '<') {
                int close = repl.indexOf('>', i);
                if (close < 0) throw new YaqlException("re.error", "missing >, unterminated name");
                String name = repl.substring(i + 3, close);
                String v;
                if (name.matches("\\d+")) {
                    int g = Integer.parseInt(name);
                    if (g > m.groupCount()) throw new YaqlException("re.error", "invalid group reference " + g);
                    v = m.group(g);
                } else {
                    int idx = r.groupNames().indexOf(name);
                    if (idx < 0) throw YaqlException.indexError("unknown group name '" + name + "'");
                    v = m.group("g" + (idx + 1) + "n");
                }
                if (v != null) b.append(v);
                i = close + 1;
            } else {
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'f' -> b.append('\f');
                    case 'v' -> b.append('\u000b');
                    case 'a' -> b.append('\u0007');
                    case 'b' -> b.append('\b');
                    case '\\' -> b.append('\\');
                    default -> {
                        if (Character.isLetter(e) && e < 128) throw new YaqlException("re.error", "bad escape \\" + e);
                        b.append('\\').append(e);
                    }
                }
                i += 2;
            }
        }
        return b.toString();
    }
}
