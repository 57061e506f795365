package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A Python dictionary: insertion-ordered, keys under Python's equality. yaql's own dictionaries (input data,
 * literals, most results) are frozen and hashable; a few library functions return plain, unhashable ones.
 * Entries sit in arrays in insertion order; a dictionary of more than a few keys also gets a hash index.
 */
final class PyDict {
    private static final int SCAN = 8;

    record Entry(Object key, Object value, int hash) {}

    private Object[] keys;
    private Object[] values;
    private int[] hashes;
    private int size;
    private HashMap<PyKey, Integer> index;
    final boolean frozen;
    private long hash = Long.MIN_VALUE;

    private PyDict(int capacity, boolean frozen) {
        keys = new Object[capacity];
        values = new Object[capacity];
        hashes = new int[capacity];
        this.frozen = frozen;
    }

    private PyDict(PyDict other, boolean frozen) {
        keys = Arrays.copyOf(other.keys, Math.max(4, other.size));
        values = Arrays.copyOf(other.values, Math.max(4, other.size));
        hashes = Arrays.copyOf(other.hashes, Math.max(4, other.size));
        size = other.size;
        this.frozen = frozen;
        if (size > SCAN) buildIndex();
    }

    static PyDict frozen() {
        return new PyDict(4, true);
    }

    static PyDict mutable() {
        return new PyDict(4, false);
    }

    static PyDict mutable(int expected) {
        return new PyDict(Math.max(2, expected), false);
    }

    static PyDict frozenCopy(PyDict other) {
        return new PyDict(other, true);
    }

    static PyDict mutableCopy(PyDict other) {
        return new PyDict(other, false);
    }

    /** The same entries, frozen (this dictionary is not changed afterwards). */
    PyDict freeze() {
        if (frozen) return this;
        PyDict d = new PyDict(0, true);
        d.keys = keys;
        d.values = values;
        d.hashes = hashes;
        d.size = size;
        d.index = index;
        return d;
    }

    private int find(Object key, int h) {
        if (index != null) {
            Integer i = index.get(new PyKey(key, h));
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (hashes[i] == h && (keys[i] == key || Py.eq(keys[i], key))) return i;
        }
        return -1;
    }

    private void buildIndex() {
        index = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) index.put(new PyKey(keys[i], hashes[i]), i);
    }

    /** Python's {@code d[key] = value}: an existing equal key keeps its first form. */
    void put(Object key, Object value) {
        int h = Py.fastHash(key);
        int i = find(key, h);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        if (size == keys.length) {
            int n = Math.max(4, size * 2);
            keys = Arrays.copyOf(keys, n);
            values = Arrays.copyOf(values, n);
            hashes = Arrays.copyOf(hashes, n);
        }
        keys[size] = key;
        values[size] = value;
        hashes[size] = h;
        if (index != null) index.put(new PyKey(key, h), size);
        size++;
        if (index == null && size > SCAN) buildIndex();
    }

    void remove(Object key) {
        int i = find(key, Py.fastHash(key));
        if (i < 0) return;
        int tail = size - i - 1;
        System.arraycopy(keys, i + 1, keys, i, tail);
        System.arraycopy(values, i + 1, values, i, tail);
        System.arraycopy(hashes, i + 1, hashes, i, tail);
        size--;
        keys[size] = null;
        values[size] = null;
        if (index != null) buildIndex();
    }

    boolean containsKey(Object key) {
        return find(key, Py.fastHash(key)) >= 0;
    }

    /** The value, or {@code otherwise} when the key is absent. */
    Object get(Object key, Object otherwise) {
        int i = find(key, Py.fastHash(key));
        return i < 0 ? otherwise : values[i];
    }

    /** Python's {@code d[key]}: a KeyError when absent. */
    Object item(Object key) {
        int i = find(key, Py.fastHash(key));
        if (i < 0) throw YaqlException.keyError(key);
        return values[i];
    }

    int size() {
        return size;
    }

    Object keyAt(int i) {
        return keys[i];
    }

    Object valueAt(int i) {
        return values[i];
    }

    List<Object> keys() {
        return new ArrayList<>(Arrays.asList(keys).subList(0, size));
    }

    List<Object> values() {
        return new ArrayList<>(Arrays.asList(values).subList(0, size));
    }

    Iterable<Entry> entrySet() {
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < size;
            }

            @Override
            public Entry next() {
                if (i >= size) throw new NoSuchElementException();
                Entry e = new Entry(keys[i], values[i], hashes[i]);
                i++;
                return e;
            }
        };
    }

    long pyHash() {
        if (!frozen) throw YaqlException.typeError("unhashable type: 'dict'");
        if (hash == Long.MIN_VALUE) {
            long h = 0;
            for (int i = 0; i < size; i++) h ^= PyHash.tuple(new Object[] {keys[i], values[i]});
            hash = h == -1 ? -2 : h;
        }
        return hash;
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
