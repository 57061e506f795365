package io.trailboss.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain data helpers: copying template results back to maps/lists/scalars, and truthiness. */
public final class Values {
    private Values() {}

    /** Copies any map/list/number the template engine produced into plain JDK data. */
    public static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : b.doubleValue();
            case BigDecimal d -> {
                try {
                    yield d.longValueExact();
                } catch (ArithmeticException notIntegral) {
                    yield d.doubleValue();
                }
            }
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
                yield out;
            }
            case Collection<?> c -> {
                List<Object> out = new ArrayList<>(c.size());
                for (Object o : c) out.add(plain(o));
                yield out;
            }
            case Object[] a -> {
                List<Object> out = new ArrayList<>(a.length);
                for (Object o : a) out.add(plain(o));
                yield out;
            }
            case Character c -> String.valueOf(c);
            // a pair from items(), a tuple in Python: a two-element list in JSON, as Mistral gives it
            case Map.Entry<?, ?> e -> {
                List<Object> pair = new ArrayList<>(2);
                pair.add(String.valueOf(e.getKey()));
                pair.add(plain(e.getValue()));
                yield pair;
            }
            default -> String.valueOf(value);
        };
    }

    /** Python's truthiness, which Mistral guards follow: empty, zero, false and null are false. */
    public static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** The kind of a plain value, for messages: "a string", "a list", "null". */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case java.util.Map<?, ?> m -> "a map";
            case java.util.List<?> l -> "a list";
            default -> "a " + value.getClass().getSimpleName();
        };
    }
}
