package io.trailboss.expr.yaql;

/** A dictionary key or set element under Python's equality and hash (1, 1.0 and true are one key). */
final class PyKey {
    final Object value;
    final int hash;

    PyKey(Object value) {
        this.value = value;
        this.hash = Py.fastHash(value);
    }

    PyKey(Object value, int hash) {
        this.value = value;
        this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyKey k && k.hash == hash && (k.value == value || Py.eq(k.value, value));
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
