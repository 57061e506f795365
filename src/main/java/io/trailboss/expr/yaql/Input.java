package io.trailboss.expr.yaql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain data in: maps become frozen dictionaries, lists tuples, sets frozensets, numbers ints or floats, as
 * yaql's convert_input_data makes them. Nothing else gets in: an expression never sees a Java object.
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
}
