package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.extension;
import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** yaql's collection functions: lists, dictionaries and sets. */
final class CollectionsLibrary {
    private CollectionsLibrary() {}

    static void register(YaqlContext c) {
        c.register(function("list").varargs("args", Types.ANY).body(call -> call.delegateMethod("toList", flattenIterators(call.rest()))));
        c.register(function("#list").varargs("args", Types.ANY).body(call -> {
            long total = 0;
            for (Object o : call.rest()) total += PySize.of(o);
            call.ev.limitMemory(total);
            return PySeq.tuple(call.rest().toArray());
        }));
        c.register(method("toList").param("collection", Types.ITERABLE).body(call -> {
            Object o = call.arg(0);
            if (o instanceof PySeq s && s.tuple) return s;
            return PySeq.tuple(Py.toList(o, call.ev).toArray());
        }));
        c.register(method("flatten").param("collection", Types.ITERABLE).body(call -> flatten(call.iter(0), call.ev)));
        YaqlFunction dict = function("dict").varargs("args", Types.MAPPING_RULE).noKwargs().body(call -> {
            long total = 0;
            for (Object o : call.rest()) total += PySize.of(o);
            call.ev.limitMemory(total);
            PyDict d = PyDict.mutable();
            for (Object o : call.rest()) {
                MappingRule r = (MappingRule) o;
                d.put(r.source(), r.destination());
            }
            return d.freeze();
        });
        c.register(dict);
        c.register(dict.renamed("#map", true, false));
        c.register(function("dict").param("items", Types.ITERABLE).noKwargs().body(call -> {
            PyDict d = PyDict.mutable();
            Iterator<Object> items = call.iter(0);
            while (items.hasNext()) {
                Iterator<Object> pair = Py.iter(items.next());
                Object key = Py.next(pair);
                Object value = Py.next(pair);
                d.put(key, value);
                call.ev.limitMemory(PySize.dict(d.size()));
            }
            return d.freeze();
        }));
        c.register(method("toDict").param("collection", Types.ITERABLE).param("keySelector", Types.LAMBDA).param("valueSelector", Types.LAMBDA, null)
                .body(call -> {
                    PyDict d = PyDict.mutable();
                    Iterator<Object> it = call.iter(0);
                    YaqlLambda values = (YaqlLambda) call.arg(2);
                    while (it.hasNext()) {
                        Object t = it.next();
                        d.put(call.fn(1).apply(t), values == null ? t : values.apply(t));
                        call.ev.limitMemory(PySize.dict(d.size()));
                    }
                    return d;
                }));
        c.register(function("#operator_.").param("dict", Types.MAPPING).param("key", Types.KEYWORD).body(call -> ((PyDict) call.arg(0)).item(call.arg(1))));
        c.register(function("#indexer").param("dict", Types.MAPPING).param("key", Types.ANY).body(call -> ((PyDict) call.arg(0)).item(call.arg(1))));
        c.register(function("#indexer").param("dict", Types.MAPPING).param("key", Types.ANY).param("default", Types.ANY)
                .body(call -> ((PyDict) call.arg(0)).get(call.arg(1), call.arg(2))));
        c.register(function("#indexer").param("list", Types.SEQUENCE).param("index", Types.INT).body(call -> {
            PySeq s = (PySeq) call.arg(0);
            long i = call.lng(1);
            if (i < 0) i += s.size();
            if (i < 0 || i >= s.size()) throw YaqlException.indexError(Py.typeName(s) + " index out of range");
            return s.get((int) i);
        }));
        c.register(method("get").param("dict", Types.MAPPING).param("key", Types.ANY).param("default", Types.ANY, null)
                .body(call -> ((PyDict) call.arg(0)).get(call.arg(1), call.arg(2))));
        c.register(method("set").param("dict", Types.MAPPING).param("key", Types.ANY).param("value", Types.ANY).noKwargs().body(call -> {
            call.ev.limitMemory(PySize.of(call.arg(0)) + PySize.of(call.arg(1)) + PySize.of(call.arg(2)));
            PyDict d = PyDict.mutableCopy((PyDict) call.arg(0));
            d.put(call.arg(1), call.arg(2));
            return d.freeze();
        }));
        c.register(method("set").param("dict", Types.MAPPING).param("replacements", Types.MAPPING).noKwargs().body(call -> {
            call.ev.limitMemory(PySize.of(call.arg(0)) + PySize.of(call.arg(1)));
            PyDict d = PyDict.mutableCopy((PyDict) call.arg(0));
            for (PyDict.Entry e : ((PyDict) call.arg(1)).entrySet()) d.put(e.key(), e.value());
            return d.freeze();
        }));
        c.register(method("set").param("dict", Types.MAPPING).varargs("args", Types.MAPPING_RULE).noKwargs().body(call -> {
            long total = PySize.of(call.arg(0));
            for (Object o : call.rest()) total += PySize.of(o);
            call.ev.limitMemory(total);
            PyDict d = PyDict.mutableCopy((PyDict) call.arg(0));
            for (Object o : call.rest()) d.put(((MappingRule) o).source(), ((MappingRule) o).destination());
            return d.freeze();
        }));
        c.register(method("keys").param("dict", Types.MAPPING).body(call -> new DictView((PyDict) call.arg(0), DictView.Kind.KEYS)));
        c.register(method("values").param("dict", Types.MAPPING).body(call -> new DictView((PyDict) call.arg(0), DictView.Kind.VALUES)));
        c.register(method("items").param("dict", Types.MAPPING).body(call -> new DictView((PyDict) call.arg(0), DictView.Kind.ITEMS)));
        c.register(function("#operator_in").param("value", Types.ANY).param("collection", Types.ITERABLE).body(call -> Py.contains(call.arg(1), call.arg(0))));
        c.register(method("contains").param("collection", Types.ITERABLE).param("value", Types.ANY).body(call -> Py.contains(call.arg(0), call.arg(1))));
        c.register(method("containsKey").param("dict", Types.MAPPING).param("key", Types.ANY).body(call -> ((PyDict) call.arg(0)).containsKey(call.arg(1))));
        c.register(method("containsValue").param("dict", Types.MAPPING).param("value", Types.ANY)
                .body(call -> new DictView((PyDict) call.arg(0), DictView.Kind.VALUES).contains(call.arg(1))));
        c.register(function("#operator_+").param("left", Types.ITERABLE).param("right", Types.ITERABLE).body(call -> {
            Object left = call.arg(0);
            Object right = call.arg(1);
            if (left instanceof PySeq l && l.tuple && right instanceof PySeq r && r.tuple) {
                call.ev.limitMemory(PySize.of(l) + PySize.of(r));
                Object[] all = new Object[l.size() + r.size()];
                System.arraycopy(l.array(), 0, all, 0, l.size());
                System.arraycopy(r.array(), 0, all, l.size(), r.size());
                return PySeq.tuple(all);
            }
            if (left instanceof PySet l && right instanceof PySet r) {
                call.ev.limitMemory(PySize.of(l) + PySize.of(r));
                return l.union(r);
            }
            return QueriesLibrary.chain(List.of(left, right), call.ev);
        }));
        c.register(function("#operator_*").param("left", Types.SEQUENCE).param("right", Types.INT).body(call -> repeat(call, (PySeq) call.arg(0), call.arg(1))));
        c.register(function("#operator_*").param("left", Types.INT).param("right", Types.SEQUENCE).body(call -> repeat(call, (PySeq) call.arg(1), call.arg(0))));
        c.register(function("#operator_+").param("left", Types.MAPPING).param("right", Types.MAPPING).body(call -> {
            call.ev.limitMemory(PySize.of(call.arg(0)) + PySize.of(call.arg(1)));
            PyDict d = PyDict.mutableCopy((PyDict) call.arg(0));
            for (PyDict.Entry e : ((PyDict) call.arg(1)).entrySet()) d.put(e.key(), e.value());
            return d.freeze();
        }));
        c.register(function("isDict").param("arg", Types.ANY).body(call -> call.arg(0) instanceof PyDict));
        c.register(function("isList").param("arg", Types.ANY).body(call -> Py.isSequence(call.arg(0))));
        c.register(function("isSet").param("arg", Types.ANY).body(call -> Py.isSet(call.arg(0))));
        c.register(extension("len").param("dict", Types.MAPPING).body(call -> (long) Py.len(call.arg(0))));
        c.register(extension("len").param("sequence", Types.SEQUENCE).body(call -> (long) Py.len(call.arg(0))));
        c.register(extension("len").param("set", Types.SET).body(call -> (long) Py.len(call.arg(0))));
        c.register(method("delete").param("collection", Types.ITERABLE).param("position", Types.INT).param("count", Types.INT, 1L).body(call -> {
            Iterator<Object> it = call.iter(0);
            long position = call.lng(1);
            long count = call.lng(2);
            long[] i = {-1};
            return PyIter.of("generator", () -> {
                while (it.hasNext()) {
                    Object t = it.next();
                    i[0]++;
                    if (count >= 0 && !(position <= i[0] && i[0] < position + count)) return t;
                    if (count < 0 && !(i[0] >= position)) return t;
                }
                return PyIter.END;
            });
        }));
        c.register(method("replace").param("collection", Types.ITERABLE).param("position", Types.INT).param("value", Types.ANY).param("count", Types.INT, 1L)
                .body(call -> replace(call, PySeq.of(call.arg(2)))));
        c.register(method("replaceMany").param("collection", Types.ITERABLE).param("position", Types.INT).param("values", Types.ITERABLE).param("count", Types.INT, 1L)
                .body(call -> replace(call, call.arg(2))));
        c.register(method("delete").param("dict", Types.MAPPING).varargs("keys", Types.ANY).body(call -> deleteKeys((PyDict) call.arg(0), call.rest().iterator())));
        c.register(method("deleteAll").param("dict", Types.MAPPING).param("keys", Types.ITERABLE).body(call -> deleteKeys((PyDict) call.arg(0), call.iter(1))));
        c.register(method("insert").param("collection", Types.ITERABLE_NOT_SET).param("position", Types.INT).param("value", Types.ANY).body(call -> {
            Iterator<Object> it = call.iter(0);
            long position = call.lng(1);
            Object value = call.arg(2);
            return insert(it, position, java.util.Collections.singletonList(value).iterator(), false, call.ev);
        }));
        c.register(method("insert").param("collection", Types.SEQUENCE).param("position", Types.INT).param("value", Types.ANY).body(call -> {
            PySeq s = (PySeq) call.arg(0);
            List<Object> copy = new ArrayList<>(s);
            long pos = call.lng(1);
            int n = copy.size();
            if (pos < 0) pos = Math.max(0, pos + n);
            copy.add((int) Math.min(pos, n), call.arg(2));
            return PySeq.list(copy);
        }));
        c.register(method("insertMany").param("collection", Types.ITERABLE).param("position", Types.INT).param("values", Types.ITERABLE)
                .body(call -> insert(call.iter(0), call.lng(1), call.iter(2), true, call.ev)));
        c.register(function("set").varargs("args", Types.ANY).body(call -> call.delegateMethod("toSet", flattenIterators(call.rest()))));
        c.register(method("toSet").param("collection", Types.ITERABLE).body(call -> {
            Object o = call.arg(0);
            return o instanceof PySet s ? s : PySet.of(Py.iter(o), call.ev);
        }));
        c.register(method("union").param("left", Types.SET).param("right", Types.SET).body(call -> set(call, 0).union(set(call, 1))));
        setCompare(c, "#operator_<", (a, b) -> a.size() < b.size() && a.isSubsetOf(b));
        setCompare(c, "#operator_<=", (a, b) -> a.isSubsetOf(b));
        setCompare(c, "#operator_>=", (a, b) -> b.isSubsetOf(a));
        setCompare(c, "#operator_>", (a, b) -> a.size() > b.size() && b.isSubsetOf(a));
        c.register(method("intersect").param("left", Types.SET).param("right", Types.SET).body(call -> set(call, 0).intersection(set(call, 1))));
        YaqlFunction difference = method("difference").param("left", Types.SET).param("right", Types.SET).body(call -> set(call, 0).difference(set(call, 1)));
        c.register(difference);
        c.register(difference.renamed("#operator_-", true, false));
        c.register(method("symmetricDifference").param("left", Types.SET).param("right", Types.SET)
                .body(call -> set(call, 0).symmetricDifference(set(call, 1))));
        c.register(method("add").param("set", Types.SET).varargs("values", Types.ANY)
                .body(call -> set(call, 0).union(PySet.of(call.rest().iterator(), call.ev))));
        c.register(method("remove").param("set", Types.SET).varargs("values", Types.ANY)
                .body(call -> set(call, 0).difference(PySet.of(call.rest().iterator(), call.ev))));
    }

    private static PySet set(Call call, int i) {
        return Py.asSet(call.arg(i));
    }

    private static void setCompare(YaqlContext c, String name, java.util.function.BiPredicate<PySet, PySet> test) {
        c.register(function(name).param("left", Types.SET).param("right", Types.SET).body(call -> test.test(set(call, 0), set(call, 1))));
    }

    /** The arguments of list() and set(): iterators among them are spread, anything else kept as it is. */
    private static PyIter flattenIterators(List<Object> args) {
        Deque<Iterator<Object>> stack = new ArrayDeque<>();
        stack.push(args.iterator());
        return PyIter.of("generator", () -> {
            while (!stack.isEmpty()) {
                Iterator<Object> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Object t = top.next();
                if (t instanceof PyIter i) stack.push(i);
                else return t;
            }
            return PyIter.END;
        });
    }

    static PyIter flatten(Iterator<Object> source, Evaluation ev) {
        Deque<Iterator<Object>> stack = new ArrayDeque<>();
        stack.push(source);
        return PyIter.of("generator", () -> {
            while (!stack.isEmpty()) {
                Iterator<Object> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Object t = top.next();
                ev.tick();
                if (Py.isIterable(t)) {
                    if (stack.size() > YaqlOptions.MAX_CALL_DEPTH) throw new YaqlException("RecursionError", "maximum recursion depth exceeded while flattening");
                    stack.push(Py.iter(t));
                } else {
                    return t;
                }
            }
            return PyIter.END;
        });
    }

    private static PySeq repeat(Call call, PySeq s, Object count) {
        BigInteger n = PyMath.big(count);
        BigInteger total = BigInteger.ONE.subtract(n).multiply(BigInteger.valueOf(56)).add(n.multiply(BigInteger.valueOf(PySize.of(s))));
        call.ev.limitMemory(total.min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.valueOf(Long.MIN_VALUE)).longValue());
        if (n.signum() <= 0 || s.isEmpty()) return s.tuple ? PySeq.EMPTY_TUPLE : PySeq.list(new Object[0]);
        long size = (long) s.size() * n.longValue();
        if (n.bitLength() > 31 || size > 10_000_000) {
            throw new YaqlException("MemoryQuotaExceededException", "Expression consumed too much memory (" + n + " copies of a list)");
        }
        call.ev.limitMemory(56 + 8 * size);
        Object[] out = new Object[(int) size];
        for (int i = 0; i < n.intValue(); i++) System.arraycopy(s.array(), 0, out, i * s.size(), s.size());
        return s.tuple ? PySeq.tuple(out) : PySeq.list(out);
    }

    private static PyIter replace(Call call, Object values) {
        Iterator<Object> it = call.iter(0);
        long position = call.lng(1);
        long count = call.lng(3);
        long[] i = {-1};
        boolean[] yielded = {false};
        Iterator<Object>[] pending = new Iterator[] {null};
        return PyIter.of("generator", () -> {
            while (true) {
                if (pending[0] != null) {
                    if (pending[0].hasNext()) return pending[0].next();
                    pending[0] = null;
                }
                if (!it.hasNext()) return PyIter.END;
                Object t = it.next();
                i[0]++;
                boolean inRange = count >= 0 && position <= i[0] && i[0] < position + count || count < 0 && i[0] >= position;
                if (inRange) {
                    if (!yielded[0]) {
                        yielded[0] = true;
                        pending[0] = Py.iter(values);
                    }
                } else {
                    return t;
                }
            }
        });
    }

    private static PyDict deleteKeys(PyDict d, Iterator<Object> keys) {
        PyDict copy = PyDict.mutableCopy(d);
        while (keys.hasNext()) copy.remove(keys.next());
        return copy;
    }

    /** Inserts values before the element at {@code position}, or at the end when the collection is shorter. */
    private static PyIter insert(Iterator<Object> it, long position, Iterator<Object> values, boolean many, Evaluation ev) {
        long[] i = {-1};
        int[] state = {many && position < 0 ? 1 : 0}; // 1: yielding values before anything
        Object[] held = {null};
        boolean[] holding = {false};
        boolean[] done = {false};
        return PyIter.of("generator", () -> {
            while (true) {
                if (state[0] == 1 || state[0] == 2 || state[0] == 3) {
                    if (values.hasNext()) return values.next();
                    if (state[0] == 3) return PyIter.END;
                    state[0] = 0;
                }
                if (holding[0]) {
                    holding[0] = false;
                    return held[0];
                }
                if (done[0]) return PyIter.END;
                if (it.hasNext()) {
                    Object t = it.next();
                    i[0]++;
                    if (i[0] == position) {
                        held[0] = t;
                        holding[0] = true;
                        state[0] = 2;
                        continue;
                    }
                    return t;
                }
                done[0] = true;
                if (position > i[0]) {
                    state[0] = 3;
                    continue;
                }
                return PyIter.END;
            }
        });
    }
}
