package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Python dictionary: insertion-ordered, keys under Python's equality. yaql's own dictionaries (input data,
 * literals, most results) are frozen and hashable; a few library functions return plain, unhashable ones.
 */
final class PyDict {
    private final LinkedHashMap<PyKey, Object> map;
    final boolean frozen;
    private long hash = Long.MIN_VALUE;

    private PyDict(LinkedHashMap<PyKey, Object> map, boolean frozen) {
        this.map = map;
        this.frozen = frozen;
    }

    static PyDict frozen() {
        return new PyDict(new LinkedHashMap<>(), true);
    }

    static PyDict mutable() {
        return new PyDict(new LinkedHashMap<>(), false);
    }

    static PyDict mutable(int expected) {
        return new PyDict(new LinkedHashMap<>(Math.max(4, expected * 4 / 3 + 1)), false);
    }

    /** A frozen copy of {@code other}. */
    static PyDict frozenCopy(PyDict other) {
        return new PyDict(new LinkedHashMap<>(other.map), true);
    }

    static PyDict mutableCopy(PyDict other) {
        return new PyDict(new LinkedHashMap<>(other.map), false);
    }

    PyDict freeze() {
        return frozen ? this : new PyDict(map, true);
    }

    /** Python's {@code d[key] = value}: an existing equal key keeps its first form. */
    void put(Object key, Object value) {
        PyKey k = new PyKey(key);
        map.put(k, value);
    }

    Object remove(Object key) {
        return map.remove(new PyKey(key));
    }

    boolean containsKey(Object key) {
        return map.containsKey(new PyKey(key));
    }

    /** The value, or {@code otherwise} when the key is absent. */
    Object get(Object key, Object otherwise) {
        PyKey k = new PyKey(key);
        Object v = map.get(k);
        if (v == null && !map.containsKey(k)) return otherwise;
        return v;
    }

    /** Python's {@code d[key]}: a KeyError when absent. */
    Object item(Object key) {
        PyKey k = new PyKey(key);
        Object v = map.get(k);
        if (v == null && !map.containsKey(k)) throw YaqlException.keyError(key);
        return v;
    }

    int size() {
        return map.size();
    }

    List<Object> keys() {
        List<Object> out = new ArrayList<>(map.size());
        for (PyKey k : map.keySet()) out.add(k.value);
        return out;
    }

    List<Object> values() {
        return new ArrayList<>(map.values());
    }

    Iterator<Map.Entry<PyKey, Object>> entries() {
        return map.entrySet().iterator();
    }

    Iterable<Map.Entry<PyKey, Object>> entrySet() {
        return map.entrySet();
    }

    long pyHash() {
        if (!frozen) throw YaqlException.typeError("unhashable type: 'dict'");
        if (hash == Long.MIN_VALUE) {
            long h = 0;
            for (Map.Entry<PyKey, Object> e : map.entrySet()) h ^= PyHash.tuple(new Object[] {e.getKey().value, e.getValue()});
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
