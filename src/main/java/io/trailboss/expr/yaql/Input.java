package io.trailboss.expr.yaql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Plain data in: maps become frozen dictionaries, lists tuples, sets frozensets, numbers ints or floats, as
 * yaql's convert_input_data makes them. Nothing else gets in: an expression never sees a Java object.
 *
 * <p>A map becomes a dictionary that reads the caller's map and converts its entries only when it has to (see
 * {@link PyDict#view}), so the data must not change while an expression reads it; a value that is not plain data
 * is refused when the expression reaches it. Lists, sets and arrays are copied at once, their maps as views.
 */
final class Input {
    private Input() {}

    static Object convert(Object o) {
        return switch (o) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case PySeq s -> s;
            case PyDict d -> d;
            case PySet s -> s;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger b -> Py.normalize(b);
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case Map<?, ?> m when readsByEquals(m) -> PyDict.view(m);
            case Map<?, ?> m -> {
                PyDict d = PyDict.mutable(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) d.put(convert(e.getKey()), convert(e.getValue()));
                yield d.freeze();
            }
            case List<?> l -> {
                Object[] items = new Object[l.size()];
                int i = 0;
                for (Object x : l) items[i++] = convert(x);
                yield PySeq.tuple(items);
            }
            case Set<?> s -> PySet.of(s.stream().map(Input::convert).iterator(), null);
            case Collection<?> c -> convert(List.copyOf(c));
            case Object[] a -> convert(java.util.Arrays.asList(a));
            default -> throw new IllegalArgumentException("only plain data (maps, lists, strings, numbers, booleans, null) can be given to an expression, not " + o.getClass().getSimpleName());
        };
    }

    /** True when converting the value builds a dictionary, tuple or set of ours (false for one already ours). */
    static boolean isContainer(Object o) {
        return (o instanceof Map || o instanceof Collection || o instanceof Object[]) && !(o instanceof PySeq);
    }

    /** A map whose lookups agree with its keys' equals (not an identity map, nor one sorted by a comparator). */
    private static boolean readsByEquals(Map<?, ?> m) {
        return !(m instanceof IdentityHashMap) && !(m instanceof SortedMap<?, ?> s && s.comparator() != null);
    }
}
