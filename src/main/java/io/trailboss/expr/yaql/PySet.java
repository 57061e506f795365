package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A Python frozenset, laid out as CPython 3.11 lays out its hash table (open addressing, nine linear probes,
 * then perturbation), because yaql returns sets as lists in table order: {@code set(1, 2, 3).add([1, 2])} is
 * {@code [[1, 2], 1, 2, 3]} in yaql, and here too. Built once, then never changed.
 */
final class PySet implements Iterable<Object> {
    private static final int MIN_SIZE = 8;
    private static final int LINEAR_PROBES = 9;
    private static final int PERTURB_SHIFT = 5;
    private static final Object DUMMY = new Object();
    /** How null (Python's None) sits in the table, where a Java null marks an empty slot. */
    private static final Object NONE = new Object();

    private Object[] keys = new Object[MIN_SIZE];
    private long[] hashes = new long[MIN_SIZE];
    private int mask = MIN_SIZE - 1;
    private int fill;
    private int used;
    private long hash = Long.MIN_VALUE;

    private PySet() {}

    static PySet empty() {
        return new PySet();
    }

    /** {@code frozenset(iterable)}: elements added one by one in iteration order. */
    static PySet of(Iterator<?> items, Evaluation ev) {
        PySet s = new PySet();
        while (items.hasNext()) {
            Object o = items.next();
            s.add(o == null ? NONE : o, Py.hash(o));
            if (ev != null) ev.tick();
        }
        return s;
    }

    static PySet of(Object... items) {
        return of(java.util.Arrays.asList(items).iterator(), null);
    }

    int size() {
        return used;
    }

    /** Table size, for Python's sys.getsizeof. */
    int tableSize() {
        return mask + 1;
    }

    boolean contains(Object key) {
        return lookup(key == null ? NONE : key, Py.hash(key)) >= 0;
    }

    /** The slot holding an element equal to {@code key}, or -1. */
    private int lookup(Object key, long h) {
        long perturb = h;
        int i = (int) (h & mask);
        while (true) {
            int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
            int j = i;
            do {
                Object k = keys[j];
                if (k == null && hashes[j] == 0) return -1;
                if (hashes[j] == h && k != DUMMY && (k == key || Py.eq(unwrap(k), unwrap(key)))) return j;
                j++;
            } while (probes-- > 0);
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** CPython's set_add_entry. */
    private void add(Object key, long h) {
        int freeslot = -1;
        long perturb = h;
        int i = (int) (h & mask);
        int found;
        while (true) {
            int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
            int j = i;
            int hit = -2;
            do {
                if (keys[j] == null) {
                    hit = j;
                    break;
                }
                if (hashes[j] == h && keys[j] != DUMMY && (keys[j] == key || Py.eq(unwrap(keys[j]), unwrap(key)))) return;
                if (keys[j] == DUMMY) freeslot = j;
                j++;
            } while (probes-- > 0);
            if (hit >= 0) {
                found = hit;
                break;
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
        if (freeslot >= 0) {
            used++;
            keys[freeslot] = key;
            hashes[freeslot] = h;
            return;
        }
        fill++;
        used++;
        keys[found] = key;
        hashes[found] = h;
        if ((long) fill * 5 < (long) mask * 3) return;
        resize(used > 50000 ? used * 2 : used * 4);
    }

    private static void insertClean(Object[] keys, long[] hashes, int mask, Object key, long h) {
        long perturb = h;
        int i = (int) (h & mask);
        while (true) {
            if (keys[i] == null) {
                keys[i] = key;
                hashes[i] = h;
                return;
            }
            if (i + LINEAR_PROBES <= mask) {
                for (int j = 1; j <= LINEAR_PROBES; j++) {
                    if (keys[i + j] == null) {
                        keys[i + j] = key;
                        hashes[i + j] = h;
                        return;
                    }
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    private void resize(int minUsed) {
        int size = MIN_SIZE;
        while (size <= minUsed) size <<= 1;
        if (size == MIN_SIZE && mask == MIN_SIZE - 1 && fill == used) return;
        Object[] oldKeys = keys;
        long[] oldHashes = hashes;
        keys = new Object[size];
        hashes = new long[size];
        mask = size - 1;
        fill = used;
        for (int j = 0; j < oldKeys.length; j++) {
            Object k = oldKeys[j];
            if (k != null && k != DUMMY) insertClean(keys, hashes, mask, k, oldHashes[j]);
        }
    }

    private boolean discard(Object key, long h) {
        int j = lookup(key, h);
        if (j < 0) return false;
        keys[j] = DUMMY;
        hashes[j] = -1;
        used--;
        return true;
    }

    /** CPython's set_merge: adds every element of {@code other}, in its table order. */
    private void merge(PySet other) {
        if (other == this || other.used == 0) return;
        if ((long) (fill + other.used) * 5 >= (long) mask * 3) resize((used + other.used) * 2);
        if (fill == 0 && mask == other.mask && other.fill == other.used) {
            for (int j = 0; j <= mask; j++) {
                if (other.keys[j] != null) {
                    keys[j] = other.keys[j];
                    hashes[j] = other.hashes[j];
                }
            }
            fill = other.fill;
            used = other.used;
            return;
        }
        if (fill == 0) {
            fill = other.used;
            used = other.used;
            for (int j = 0; j <= other.mask; j++) {
                Object k = other.keys[j];
                if (k != null && k != DUMMY) insertClean(keys, hashes, mask, k, other.hashes[j]);
            }
            return;
        }
        for (int j = 0; j <= other.mask; j++) {
            Object k = other.keys[j];
            if (k != null && k != DUMMY) add(k, other.hashes[j]);
        }
    }

    private PySet copy() {
        PySet s = new PySet();
        s.merge(this);
        return s;
    }

    PySet union(PySet other) {
        PySet s = copy();
        s.merge(other);
        return s;
    }

    PySet difference(PySet other) {
        if ((used >> 2) > other.used) {
            PySet s = copy();
            PySet o = (other.used >> 3) > s.used ? s.intersection(other) : other;
            for (int j = 0; j <= o.mask; j++) {
                Object k = o.keys[j];
                if (k != null && k != DUMMY) s.discard(k, o.hashes[j]);
            }
            if (s.fill - s.used > s.mask / 4) s.resize(s.used > 50000 ? s.used * 2 : s.used * 4);
            return s;
        }
        PySet s = new PySet();
        for (int j = 0; j <= mask; j++) {
            Object k = keys[j];
            if (k != null && k != DUMMY && other.lookup(k, hashes[j]) < 0) s.add(k, hashes[j]);
        }
        return s;
    }

    PySet intersection(PySet other) {
        if (other == this) return copy();
        PySet s = new PySet();
        PySet big = this;
        PySet small = other;
        if (other.used > used) {
            big = other;
            small = this;
        }
        for (int j = 0; j <= small.mask; j++) {
            Object k = small.keys[j];
            if (k != null && k != DUMMY && big.lookup(k, small.hashes[j]) >= 0) s.add(k, small.hashes[j]);
        }
        return s;
    }

    PySet symmetricDifference(PySet other) {
        PySet s = other.copy();
        for (int j = 0; j <= mask; j++) {
            Object k = keys[j];
            if (k != null && k != DUMMY && !s.discard(k, hashes[j])) s.add(k, hashes[j]);
        }
        return s;
    }

    boolean isSubsetOf(PySet other) {
        if (used > other.used) return false;
        for (Object k : this) {
            if (!other.contains(k)) return false;
        }
        return true;
    }

    private static Object unwrap(Object k) {
        return k == NONE ? null : k;
    }

    List<Object> toList() {
        List<Object> out = new ArrayList<>(used);
        for (Object k : this) out.add(k);
        return out;
    }

    @Override
    public Iterator<Object> iterator() {
        return new Iterator<>() {
            int j = advance(0);

            private int advance(int from) {
                while (from <= mask && (keys[from] == null || keys[from] == DUMMY)) from++;
                return from;
            }

            @Override
            public boolean hasNext() {
                return j <= mask;
            }

            @Override
            public Object next() {
                if (j > mask) throw new NoSuchElementException();
                Object k = keys[j];
                j = advance(j + 1);
                return unwrap(k);
            }
        };
    }

    /** CPython's frozenset hash: order-independent, from the elements' hashes. */
    long pyHash() {
        if (hash != Long.MIN_VALUE) return hash;
        long h = 0;
        for (int j = 0; j <= mask; j++) {
            if (keys[j] != null && keys[j] != DUMMY) h ^= shuffle(hashes[j]);
        }
        h ^= ((long) used + 1) * 1927868237L;
        h ^= (h >>> 11) ^ (h >>> 25);
        h = h * 69069L + 907133923L;
        if (h == -1) h = 590923713L;
        hash = h;
        return h;
    }

    private static long shuffle(long h) {
        return ((h ^ 89869747L) ^ (h << 16)) * 3644798167L;
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
