package io.trailboss.expr.yaql;

import java.util.Iterator;

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
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < dict.size();
            }

            @Override
            public Object next() {
                if (i >= dict.size()) throw new java.util.NoSuchElementException();
                int k = i++;
                return switch (kind) {
                    case KEYS -> dict.keyAt(k);
                    case VALUES -> dict.valueAt(k);
                    case ITEMS -> PySeq.of(dict.keyAt(k), dict.valueAt(k));
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
