package io.trailboss.expr.yaql;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A result out, as yaql's finalizer hands it over: dictionaries to maps, tuples, lists, sets and lazy
 * sequences to lists (each at most limitIterators long), then as JSON would have it: map keys are strings
 * ({@code 1}, {@code 2.5}, {@code true}, {@code null} become "1", "2.5", "true", "null"). A value JSON cannot
 * hold (a regex, a context, a function) is an error.
 */
final class Output {
    private Output() {}

    static Object plain(Object o, Evaluation ev) {
        ev.emit();
        return switch (o) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case BigInteger b -> {
                Py.intString(b);
                yield b;
            }
            case Double d -> d;
            case PyDict d -> {
                Map<String, Object> out = new LinkedHashMap<>();
                ev.limitIterable(new DictView(d, DictView.Kind.ITEMS));
                for (PyDict.Entry e : d.entrySet()) {
                    ev.tick();
                    out.put(key(e.key()), plain(e.value(), ev));
                }
                yield out;
            }
            case PySeq s -> list(s, ev);
            default -> {
                if (o == Py.NO_VALUE) yield null;
                if (!Py.isIterable(o)) throw YaqlException.typeError("Object of type " + Py.typeName(o) + " is not JSON serializable");
                yield list(o, ev);
            }
        };
    }

    private static List<Object> list(Object o, Evaluation ev) {
        Iterator<Object> it = Py.iter(ev.limitIterable(o));
        List<Object> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(plain(it.next(), ev));
            ev.tick();
        }
        return out;
    }

    /** json.dumps's keys: strings as they are, numbers, booleans and null as JSON writes them; nothing else. */
    private static String key(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case BigInteger b -> Py.intString(b);
            case Double d -> Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Py.floatRepr(d);
            case PySeq s -> throw YaqlException.typeError("unhashable type: 'list'");
            case PyDict d -> throw YaqlException.typeError("unhashable type: 'dict'");
            case PySet s -> throw YaqlException.typeError("unhashable type: 'list'");
            default -> throw YaqlException.typeError("keys must be str, int, float, bool or None, not " + Py.typeName(k));
        };
    }

    /** Python's sys.getsizeof of what the finalizer returns (a list or dict), for the memory quota. */
    static long size(Object plain) {
        return switch (plain) {
            case List<?> l -> PySize.listOf(l.size());
            case Map<?, ?> m -> PySize.dict(m.size());
            case null, default -> PySize.of(plain);
        };
    }
}
