package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A Python dictionary: insertion-ordered, keys under Python's equality. yaql's own dictionaries (input data,
 * literals, most results) are frozen and hashable; a few library functions return plain, unhashable ones.
 * Entries sit in arrays in insertion order; a dictionary of more than a few keys also gets a hash index.
 *
 * <p>A dictionary of input data starts as a view of the caller's map ({@link #view}): a lookup by a string key
 * reads that map, and only what needs more (a value that is a map or list, the size, iteration, hashing)
 * converts the entries into the arrays, once. Most expressions read a few keys of many dictionaries, and
 * converting every entry of every input map up front was most of their cost.
 */
final class PyDict {
    private static final int SCAN = 8;
    /** A key's absence, told apart from a null value and from "not answered here". */
    private static final Object ABSENT = new Object();

    record Entry(Object key, Object value, int hash) {}

    private Object[] keys;
    private Object[] values;
    private int[] hashes;
    private int size;
    private HashMap<PyKey, Integer> index;
    final boolean frozen;
    private long hash = Long.MIN_VALUE;
    /**
     * The caller's map this frozen dictionary stands for until its entries are converted (null after that, and
     * for every dictionary built here). Volatile: evaluations on several threads may share converted data.
     */
    private volatile Map<?, ?> source;

    private PyDict(Map<?, ?> source) {
        this.frozen = true;
        this.source = source;
    }

    private PyDict(int capacity, boolean frozen) {
        keys = new Object[capacity];
        values = new Object[capacity];
        hashes = new int[capacity];
        this.frozen = frozen;
    }

    private PyDict(PyDict other, boolean frozen) {
        other.ensureConverted();
        keys = Arrays.copyOf(other.keys, Math.max(4, other.size));
        values = Arrays.copyOf(other.values, Math.max(4, other.size));
        hashes = Arrays.copyOf(other.hashes, Math.max(4, other.size));
        size = other.size;
        this.frozen = frozen;
        if (size > SCAN) buildIndex();
    }

    /**
     * A frozen dictionary over {@code source}, a map whose lookups follow {@code equals} (as {@link Map} says
     * they do), which must not change while an expression may read it.
     */
    static PyDict view(Map<?, ?> source) {
        return new PyDict(source);
    }

    /** The entries as yaql's convert_input_data makes them: keys and values converted, an equal key given twice kept once. */
    private void ensureConverted() {
        if (source != null) convertSource();
    }

    private synchronized void convertSource() {
        Map<?, ?> m = source;
        if (m == null) return;
        PyDict d = mutable(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) d.put(Input.convert(e.getKey()), Input.convert(e.getValue()));
        keys = d.keys;
        values = d.values;
        hashes = d.hashes;
        size = d.size;
        index = d.index;
        source = null; // the volatile write publishes the arrays
    }

    /**
     * A lookup by string straight in the caller's map, when its value needs no conversion into a container of
     * ours (that one is converted once, with the others, so that each read gets the same value); ABSENT when the
     * key is not there; NO_VALUE when the converted entries must answer. Under Python's equality a string equals
     * only an equal string, so the caller's map answers as the converted entries would.
     */
    private Object lookupInSource(Object key) {
        Map<?, ?> m = source;
        if (m == null || !(key instanceof String)) return Py.NO_VALUE;
        Object raw = m.get(key);
        if (raw == null && !m.containsKey(key)) return ABSENT;
        return Input.isContainer(raw) ? Py.NO_VALUE : Input.convert(raw);
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
        ensureConverted();
        PyDict d = new PyDict(0, true);
        d.keys = keys;
        d.values = values;
        d.hashes = hashes;
        d.size = size;
        d.index = index;
        return d;
    }

    private int find(Object key, int h) {
        ensureConverted();
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
        Map<?, ?> m = source;
        if (m != null && key instanceof String) return m.containsKey(key);
        return find(key, Py.fastHash(key)) >= 0;
    }

    /** The value, or {@code otherwise} when the key is absent. */
    Object get(Object key, Object otherwise) {
        Object v = lookupInSource(key);
        if (v == ABSENT) return otherwise;
        if (v != Py.NO_VALUE) return v;
        int i = find(key, Py.fastHash(key));
        return i < 0 ? otherwise : values[i];
    }

    /** Python's {@code d[key]}: a KeyError when absent. */
    Object item(Object key) {
        Object v = lookupInSource(key);
        if (v == ABSENT) throw YaqlException.keyError(key);
        if (v != Py.NO_VALUE) return v;
        int i = find(key, Py.fastHash(key));
        if (i < 0) throw YaqlException.keyError(key);
        return values[i];
    }

    int size() {
        ensureConverted();
        return size;
    }

    Object keyAt(int i) {
        ensureConverted();
        return keys[i];
    }

    Object valueAt(int i) {
        ensureConverted();
        return values[i];
    }

    List<Object> keys() {
        ensureConverted();
        return new ArrayList<>(Arrays.asList(keys).subList(0, size));
    }

    List<Object> values() {
        ensureConverted();
        return new ArrayList<>(Arrays.asList(values).subList(0, size));
    }

    Iterable<Entry> entrySet() {
        ensureConverted();
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
        ensureConverted();
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
