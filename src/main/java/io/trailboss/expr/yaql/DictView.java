package io.trailboss.expr.yaql;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code dict.keys()}, {@code values()} and {@code items()}: reusable views over a dictionary. Keys and items
 * behave as sets (yaql's isSet is true for them), values as a plain iterable; items are (key, value) tuples.
 */
record DictView(PyDict dict, Kind kind) implements Iterable<Object> {
    enum Kind { KEYS, VALUES, ITEMS }

    boolean setLike() {
        return kind != Kind.VALUES;
    }

    int size() {
        return dict.size();
    }

    @Override
    public Iterator<Object> iterator() {
        Iterator<Map.Entry<PyKey, Object>> it = dict.entries();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object next() {
                Map.Entry<PyKey, Object> e = it.next();
                return switch (kind) {
                    case KEYS -> e.getKey().value;
                    case VALUES -> e.getValue();
                    case ITEMS -> PySeq.of(e.getKey().value, e.getValue());
                };
            }
        };
    }

    /** The view as a frozenset, for set comparisons. */
    PySet asSet() {
        return PySet.of(iterator(), null);
    }

    boolean contains(Object o) {
        return switch (kind) {
            case KEYS -> dict.containsKey(o);
            case VALUES -> {
                for (Object v : dict.values()) if (Py.eq(v, o)) yield true;
                yield false;
            }
            case ITEMS -> o instanceof PySeq s && s.tuple && s.size() == 2 && dict.containsKey(s.get(0)) && Py.eq(dict.get(s.get(0), null), s.get(1));
        };
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
