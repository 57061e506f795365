package io.trailboss.expr.yaql;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A Python tuple or list: immutable here either way. yaql keeps input lists and most results as tuples and some
 * library results as lists; the two differ as Python makes them differ: a tuple never equals a list, and a list
 * cannot be a set element or a dictionary key.
 */
final class PySeq extends AbstractList<Object> implements RandomAccess {
    static final PySeq EMPTY_TUPLE = new PySeq(new Object[0], true);

    private final Object[] items;
    final boolean tuple;
    private long hash = Long.MIN_VALUE;

    private PySeq(Object[] items, boolean tuple) {
        this.items = items;
        this.tuple = tuple;
    }

    /** A tuple that owns {@code items} (the caller gives the array away). */
    static PySeq tuple(Object[] items) {
        return items.length == 0 ? EMPTY_TUPLE : new PySeq(items, true);
    }

    static PySeq tuple(List<?> items) {
        return tuple(items.toArray());
    }

    static PySeq list(Object[] items) {
        return new PySeq(items, false);
    }

    static PySeq list(List<?> items) {
        return new PySeq(items.toArray(), false);
    }

    static PySeq of(Object... items) {
        return tuple(items);
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    Object[] array() {
        return items;
    }

    PySeq slice(int from, int to) {
        int[] r = Py.sliceBounds(from, to, items.length);
        Object[] out = Arrays.copyOfRange(items, r[0], Math.max(r[0], r[1]));
        return tuple ? tuple(out) : list(out);
    }

    long pyHash() {
        if (!tuple) throw YaqlException.typeError("unhashable type: 'list'");
        if (hash == Long.MIN_VALUE) hash = PyHash.tuple(items);
        return hash;
    }

    // Java's equality stays identity: Python's equality is Py.eq, with its own rules across types
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
