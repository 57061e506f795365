package io.trailboss.expr.yaql;

import static io.trailboss.expr.yaql.YaqlFunction.extension;
import static io.trailboss.expr.yaql.YaqlFunction.function;
import static io.trailboss.expr.yaql.YaqlFunction.method;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/** yaql's query functions (LINQ-like): where, select, orderBy, groupBy, join, aggregate ... lazy where yaql is lazy. */
final class QueriesLibrary {
    private QueriesLibrary() {}

    static void register(YaqlContext c) {
        YaqlFunction where = method("where").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA).body(call -> {
            YaqlLambda p = call.fn(1);
            return PyIter.filter(call.iter(0), o -> Py.truthy(p.apply(o)));
        });
        c.register(where);
        c.register(where.renamed("filter", false, true));
        YaqlFunction select = method("select").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA).body(call -> {
            YaqlLambda f = call.fn(1);
            return PyIter.map(call.iter(0), f::apply);
        });
        c.register(select);
        c.register(select.renamed("map", false, true));
        c.register(function("#operator_.").param("collection", Types.ITERABLE).param("attribute", Types.KEYWORD_EXPRESSION).body(call -> {
            Object attribute = call.arg(1);
            return PyIter.map(call.iter(0), t -> call.delegate("#operator_.", t, attribute));
        }));
        c.register(method("skip").param("collection", Types.ITERABLE).param("count", Types.INT).body(call -> islice(call.iter(0), call.lng(1), -1)));
        YaqlFunction limit = method("limit").param("collection", Types.ITERABLE).param("count", Types.INT).body(call -> islice(call.iter(0), 0, call.lng(1)));
        c.register(limit);
        c.register(limit.renamed("take", false, true));
        c.register(extension("append").param("collection", Types.ITERABLE).varargs("args", Types.ANY)
                .body(call -> chain(List.of(call.arg(0), PySeq.tuple(call.rest().toArray())), call.ev)));
        c.register(extension("distinct").param("collection", Types.ITERABLE).param("keySelector", Types.LAMBDA, null).body(call -> {
            Iterator<Object> it = call.iter(0);
            YaqlLambda key = (YaqlLambda) call.arg(1);
            Set<PyKey> seen = new HashSet<>();
            return PyIter.of("generator", () -> {
                while (it.hasNext()) {
                    Object t = it.next();
                    PyKey k = new PyKey(key == null ? t : key.apply(t));
                    if (seen.add(k)) {
                        call.ev.limitMemory(setSize(seen.size()));
                        return t;
                    }
                }
                return PyIter.END;
            });
        }));
        c.register(extension("enumerate").param("collection", Types.ITERABLE).param("start", Types.INT_OR_NULL, 0L).body(call -> {
            Iterator<Object> it = call.iter(0);
            Object[] i = {call.arg(1)};
            return PyIter.of("generator", () -> {
                if (!it.hasNext()) return PyIter.END;
                Object item = PySeq.list(new Object[] {i[0], it.next()});
                i[0] = PyMath.add(i[0], 1L);
                return item;
            });
        }));
        c.register(extension("any").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA, null).body(call -> {
            YaqlLambda p = (YaqlLambda) call.arg(1);
            Iterator<Object> it = call.iter(0);
            while (it.hasNext()) {
                Object t = it.next();
                if (p == null || Py.truthy(p.apply(t))) return true;
            }
            return false;
        }));
        c.register(extension("all").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA, null).body(call -> {
            YaqlLambda p = (YaqlLambda) call.arg(1);
            Iterator<Object> it = call.iter(0);
            while (it.hasNext()) {
                Object t = it.next();
                if (!Py.truthy(p == null ? t : p.apply(t))) return false;
            }
            return true;
        }));
        c.register(extension("concat").varargs("collections", Types.ITERABLE).body(call -> chain(call.rest(), call.ev)));
        c.register(extension("len").param("collection", Types.ITERATOR_CLASS).body(call -> count(call.iter(0), call.ev)));
        c.register(method("count").param("collection", Types.ITERABLE).body(call -> count(call.iter(0), call.ev)));
        c.register(method("memorize").param("collection", Types.ITERABLE)
                .body(call -> call.arg(0) instanceof PyIter ? PyIter.memorize(call.iter(0), call.ev) : call.arg(0)));
        c.register(method("sum").param("collection", Types.ITERABLE).param("initial", Types.ANY, Py.NO_VALUE)
                .body(call -> reduce(call.iter(0), (a, b) -> call.delegate("#operator_+", a, b), call.arg(1), call.ev)));
        c.register(method("max").param("collection", Types.ITERABLE).param("initial", Types.ANY, Py.NO_VALUE)
                .body(call -> reduce(call.iter(0), (a, b) -> call.delegate("max", a, b), call.arg(1), call.ev)));
        c.register(method("min").param("collection", Types.ITERABLE).param("initial", Types.ANY, Py.NO_VALUE)
                .body(call -> reduce(call.iter(0), (a, b) -> call.delegate("min", a, b), call.arg(1), call.ev)));
        c.register(method("first").param("collection", Types.ITERABLE).param("default", Types.ANY, Py.NO_VALUE).body(call -> {
            Iterator<Object> it = call.iter(0);
            if (it.hasNext()) return it.next();
            if (!call.given(1)) throw YaqlException.stopIteration("the collection is empty");
            return call.arg(1);
        }));
        c.register(method("single").param("collection", Types.ITERABLE).body(call -> {
            Iterator<Object> it = call.iter(0);
            if (!it.hasNext()) throw YaqlException.stopIteration("the collection is empty");
            Object result = it.next();
            if (!it.hasNext()) return result;
            throw YaqlException.stopIteration("Collection contains more than one item");
        }));
        c.register(method("last").param("collection", Types.ITERABLE).param("default", Types.ANY, Py.NO_VALUE).body(call -> {
            Object o = call.arg(0);
            if (o instanceof PySeq s) {
                if (s.isEmpty()) {
                    if (!call.given(1)) throw YaqlException.stopIteration("the collection is empty");
                    return call.arg(1);
                }
                return s.get(s.size() - 1);
            }
            Object last = call.arg(1);
            Iterator<Object> it = call.iter(0);
            while (it.hasNext()) last = it.next();
            if (last == Py.NO_VALUE) throw YaqlException.stopIteration("the collection is empty");
            return last;
        }));
        c.register(method("selectMany").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA).body(call -> {
            Iterator<Object> it = call.iter(0);
            YaqlLambda f = call.fn(1);
            Iterator<Object>[] inner = new Iterator[] {null};
            return PyIter.of("generator", () -> {
                while (true) {
                    if (inner[0] != null) {
                        if (inner[0].hasNext()) return inner[0].next();
                        inner[0] = null;
                    }
                    if (!it.hasNext()) return PyIter.END;
                    Object r = f.apply(it.next());
                    if (Py.isIterable(r)) inner[0] = Py.iter(r);
                    else return r;
                }
            });
        }));
        c.register(function("range").param("stop", Types.INT).body(call -> range(BigInteger.ZERO, PyMath.big(call.arg(0)), BigInteger.ONE, call.ev)));
        c.register(function("range").param("start", Types.INT).param("stop", Types.INT).param("step", Types.INT, 1L)
                .body(call -> range(PyMath.big(call.arg(0)), PyMath.big(call.arg(1)), PyMath.big(call.arg(2)), call.ev)));
        c.register(function("sequence").param("start", Types.INT, 0L).param("step", Types.INT, 1L).body(call -> {
            Object[] next = {call.arg(0)};
            Object step = call.arg(1);
            return PyIter.of("count", () -> {
                call.ev.tick();
                Object v = next[0];
                next[0] = PyMath.add(v, step);
                return v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v;
            });
        }));
        c.register(method("orderBy").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA)
                .body(call -> new Ordering(call.arg(0), call).then(call.fn(1), true)));
        c.register(method("orderByDescending").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA)
                .body(call -> new Ordering(call.arg(0), call).then(call.fn(1), false)));
        c.register(method("thenBy").param("collection", Types.ORDERING).param("selector", Types.LAMBDA)
                .body(call -> ((Ordering) call.arg(0)).then(call.fn(1), true)));
        c.register(method("thenByDescending").param("collection", Types.ORDERING).param("selector", Types.LAMBDA)
                .body(call -> ((Ordering) call.arg(0)).then(call.fn(1), false)));
        c.register(method("groupBy").param("collection", Types.ITERABLE).param("keySelector", Types.LAMBDA).param("valueSelector", Types.LAMBDA, null)
                .param("aggregator", Types.LAMBDA, null).body(QueriesLibrary::groupBy));
        c.register(method("join").param("collection1", Types.ITERABLE).param("collection2", Types.ITERABLE).param("predicate", Types.LAMBDA)
                .param("selector", Types.LAMBDA).body(call -> {
                    Iterator<Object> outer = call.iter(0);
                    PyIter inner = PyIter.memorize(call.iter(1), call.ev);
                    YaqlLambda predicate = call.fn(2);
                    YaqlLambda selector = call.fn(3);
                    Object[] self = {null};
                    Iterator<Object>[] others = new Iterator[] {null};
                    return PyIter.of("generator", () -> {
                        while (true) {
                            if (others[0] != null) {
                                while (others[0].hasNext()) {
                                    Object other = others[0].next();
                                    call.ev.tick();
                                    if (Py.truthy(predicate.call(self[0], other))) return selector.call(self[0], other);
                                }
                                others[0] = null;
                            }
                            if (!outer.hasNext()) return PyIter.END;
                            self[0] = outer.next();
                            others[0] = inner.restart();
                        }
                    });
                }));
        c.register(method("zip").varargs("collections", Types.ITERABLE).body(call -> zip(call.rest(), false, null)));
        c.register(method("zipLongest").varargs("collections", Types.ITERABLE).varkw("kwargs", Types.ANY)
                .body(call -> zip(call.rest(), true, call.restKw().get("default"))));
        c.register(method("repeat").param("value", Types.ANY).param("times", Types.INT, -1L).body(call -> {
            Object value = call.arg(0);
            long times = call.lng(1);
            long[] done = {0};
            return PyIter.of("repeat", () -> {
                call.ev.tick();
                if (times >= 0 && done[0] >= times) return PyIter.END;
                done[0]++;
                return value;
            });
        }));
        c.register(method("cycle").param("collection", Types.ITERABLE).body(call -> {
            Iterator<Object> it = call.iter(0);
            List<Object> saved = new ArrayList<>();
            int[] i = {-1};
            return PyIter.of("cycle", () -> {
                call.ev.tick();
                if (i[0] < 0) {
                    if (it.hasNext()) {
                        Object o = it.next();
                        saved.add(o);
                        return o;
                    }
                    if (saved.isEmpty()) return PyIter.END;
                    i[0] = 0;
                }
                Object o = saved.get(i[0]);
                i[0] = (i[0] + 1) % saved.size();
                return o;
            });
        }));
        c.register(method("takeWhile").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA).body(call -> {
            Iterator<Object> it = call.iter(0);
            YaqlLambda p = call.fn(1);
            boolean[] stopped = {false};
            return PyIter.of("takewhile", () -> {
                if (stopped[0] || !it.hasNext()) return PyIter.END;
                Object t = it.next();
                if (Py.truthy(p.apply(t))) return t;
                stopped[0] = true;
                return PyIter.END;
            });
        }));
        c.register(method("skipWhile").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA).body(call -> {
            Iterator<Object> it = call.iter(0);
            YaqlLambda p = call.fn(1);
            boolean[] started = {false};
            return PyIter.of("dropwhile", () -> {
                while (it.hasNext()) {
                    Object t = it.next();
                    if (started[0]) return t;
                    if (!Py.truthy(p.apply(t))) {
                        started[0] = true;
                        return t;
                    }
                }
                return PyIter.END;
            });
        }));
        c.register(method("indexOf").param("collection", Types.ITERABLE).param("item", Types.ANY).body(call -> indexOf(call, o -> Py.eq(o, call.arg(1)), false)));
        c.register(method("lastIndexOf").param("collection", Types.ITERABLE).param("item", Types.ANY).body(call -> indexOf(call, o -> Py.eq(o, call.arg(1)), true)));
        c.register(method("indexWhere").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA)
                .body(call -> indexOf(call, o -> Py.truthy(call.fn(1).apply(o)), false)));
        c.register(method("lastIndexWhere").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA)
                .body(call -> indexOf(call, o -> Py.truthy(call.fn(1).apply(o)), true)));
        c.register(method("slice").param("collection", Types.ITERABLE).param("length", Types.INT).body(call -> {
            Iterator<Object> it = call.iter(0);
            long length = call.lng(1);
            if (length < 0) throw YaqlException.valueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
            boolean[] done = {false};
            return PyIter.of("generator", () -> {
                if (done[0]) return PyIter.END;
                Object chunk = call.delegateMethod("toList", islice(it, 0, length));
                if (Py.len(chunk) == 0) {
                    done[0] = true;
                    return PyIter.END;
                }
                return chunk;
            });
        }));
        c.register(method("splitWhere").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA).body(call -> {
            PySeq lst = (PySeq) call.delegateMethod("toList", call.arg(0));
            YaqlLambda p = call.fn(1);
            int[] state = {0, 0}; // start, end
            boolean[] finished = {false};
            return PyIter.of("generator", () -> {
                while (state[1] < lst.size()) {
                    int end = state[1]++;
                    if (Py.truthy(p.apply(lst.get(end)))) {
                        Object piece = lst.slice(state[0], end);
                        state[0] = end + 1;
                        return piece;
                    }
                }
                if (!finished[0] && state[0] != state[1]) {
                    finished[0] = true;
                    return lst.slice(state[0], state[1]);
                }
                return PyIter.END;
            });
        }));
        c.register(method("sliceWhere").param("collection", Types.ITERABLE).param("predicate", Types.LAMBDA).body(call -> {
            PySeq lst = (PySeq) call.delegateMethod("toList", call.arg(0));
            YaqlLambda p = call.fn(1);
            int[] state = {0, 0};
            Object[] previous = {Py.NO_VALUE};
            boolean[] finished = {false};
            return PyIter.of("generator", () -> {
                while (state[1] < lst.size()) {
                    int end = state[1];
                    Object p2 = p.apply(lst.get(end));
                    Object p1 = previous[0];
                    state[1]++;
                    previous[0] = p2;
                    if (p1 != Py.NO_VALUE && !Py.eq(p2, p1)) {
                        Object piece = lst.slice(state[0], end);
                        state[0] = end;
                        return piece;
                    }
                }
                if (!finished[0] && state[0] != state[1]) {
                    finished[0] = true;
                    return lst.slice(state[0], state[1]);
                }
                return PyIter.END;
            });
        }));
        c.register(method("splitAt").param("collection", Types.ITERABLE).param("index", Types.INT).body(call -> {
            PySeq lst = (PySeq) call.delegateMethod("toList", call.arg(0));
            int index = call.index(1);
            return PySeq.list(new Object[] {lst.slice(0, index), lst.slice(index, Integer.MAX_VALUE)});
        }));
        YaqlFunction aggregate = method("aggregate").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA).param("seed", Types.ANY, Py.NO_VALUE)
                .body(call -> reduce(call.iter(0), (a, b) -> call.fn(1).call(a, b), call.arg(2), call.ev));
        c.register(aggregate);
        c.register(aggregate.renamed("reduce", false, true));
        c.register(method("accumulate").param("collection", Types.ITERABLE).param("selector", Types.LAMBDA).param("seed", Types.ANY, Py.NO_VALUE).body(call -> {
            Iterator<Object> it = call.iter(0);
            Object seed = call.arg(2);
            if (seed == Py.NO_VALUE) {
                if (!it.hasNext()) throw YaqlException.typeError("accumulate() of empty sequence with no initial value");
                seed = it.next();
            }
            Object[] total = {seed};
            boolean[] first = {true};
            return PyIter.of("generator", () -> {
                if (first[0]) {
                    first[0] = false;
                    return total[0];
                }
                if (!it.hasNext()) return PyIter.END;
                total[0] = call.fn(1).call(total[0], it.next());
                return total[0];
            });
        }));
        c.register(method("reverse").param("collection", Types.ITERABLE).body(call -> {
            PySeq lst = (PySeq) call.delegateMethod("toList", call.arg(0));
            int[] i = {lst.size()};
            return PyIter.of("reversed", () -> i[0] > 0 ? lst.get(--i[0]) : PyIter.END);
        }));
        c.register(method("mergeWith").param("dict", Types.MAPPING).param("another", Types.MAPPING).param("listMerger", Types.LAMBDA, null)
                .param("itemMerger", Types.LAMBDA, null).param("maxLevels", Types.INT, 0L).body(QueriesLibrary::mergeWith));
        c.register(function("isIterable").param("value", Types.ANY).body(call -> Py.isIterable(call.arg(0))));
        c.register(function("generate").param("initial", Types.ANY).param("predicate", Types.LAMBDA).param("producer", Types.LAMBDA)
                .param("selector", Types.LAMBDA, null).param("decycle", Types.BOOL, false).body(call -> {
                    Object[] current = {call.arg(0)};
                    YaqlLambda predicate = call.fn(1);
                    YaqlLambda producer = call.fn(2);
                    YaqlLambda selector = (YaqlLambda) call.arg(3);
                    Set<PyKey> past = call.bool(4) ? new HashSet<>() : null;
                    boolean[] started = {false};
                    return PyIter.of("generator", () -> {
                        call.ev.tick();
                        if (started[0]) current[0] = producer.apply(current[0]);
                        started[0] = true;
                        if (!Py.truthy(predicate.apply(current[0]))) return PyIter.END;
                        if (past != null) {
                            if (!past.add(new PyKey(current[0]))) return PyIter.END;
                            call.ev.limitMemory(setSize(past.size()));
                        }
                        return selector == null ? current[0] : selector.apply(current[0]);
                    });
                }));
        c.register(function("generateMany").param("initial", Types.ANY).param("producer", Types.LAMBDA).param("selector", Types.LAMBDA, null)
                .param("decycle", Types.BOOL, false).param("depthFirst", Types.BOOL, false).body(call -> {
                    ArrayDeque<Object> queue = new ArrayDeque<>();
                    queue.add(call.arg(0));
                    YaqlLambda producer = call.fn(1);
                    YaqlLambda selector = (YaqlLambda) call.arg(2);
                    Set<PyKey> past = call.bool(3) ? new HashSet<>() : null;
                    boolean depthFirst = call.bool(4);
                    Object[] pending = {Py.NO_VALUE};
                    return PyIter.of("generator", () -> {
                        if (pending[0] != Py.NO_VALUE) {
                            // what the last yielded item produces goes into the queue before the next one is taken
                            Object item = pending[0];
                            pending[0] = Py.NO_VALUE;
                            List<Object> produced = Py.toList(producer.apply(item), call.ev);
                            if (depthFirst) {
                                for (int k = produced.size() - 1; k >= 0; k--) queue.addFirst(produced.get(k));
                            } else {
                                queue.addAll(produced);
                            }
                            call.ev.limitMemory(56 + 8L * queue.size());
                        }
                        while (!queue.isEmpty()) {
                            call.ev.tick();
                            Object item = queue.pollFirst();
                            if (past != null) {
                                if (!past.add(new PyKey(item))) continue;
                                call.ev.limitMemory(setSize(past.size()));
                            }
                            pending[0] = item;
                            return selector == null ? item : selector.apply(item);
                        }
                        return PyIter.END;
                    });
                }));
        c.register(method("defaultIfEmpty").param("collection", Types.ITERABLE).param("default", Types.ITERABLE).body(call -> {
            Object o = call.arg(0);
            if (o instanceof PySeq || Py.isSet(o)) return Py.len(o) == 0 ? call.arg(1) : o;
            PyIter memo = PyIter.memorize(Py.iter(o), call.ev);
            return memo.restart().hasNext() ? memo : call.arg(1);
        }));
    }

    /** Python's sys.getsizeof of a set of n elements (its table grows as CPython's does). */
    static long setSize(int n) {
        long table = 8;
        while (n * 5L >= (table - 1) * 3) table *= 4;
        return table == 8 ? 216 : 216 + 16 * table;
    }

    static PyIter chain(List<Object> collections, Evaluation ev) {
        Iterator<Object> outer = collections.iterator();
        Iterator<Object>[] current = new Iterator[] {null};
        return PyIter.of("chain", () -> {
            while (true) {
                if (current[0] != null && current[0].hasNext()) return current[0].next();
                if (!outer.hasNext()) return PyIter.END;
                current[0] = Py.iter(outer.next());
                ev.tick();
            }
        });
    }

    /** itertools.islice(it, start, stop); stop -1: no end. */
    static PyIter islice(Iterator<Object> it, long start, long stop) {
        if (start < 0 || stop < -1) throw YaqlException.valueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
        long[] i = {0};
        return PyIter.of("islice", () -> {
            while (i[0] < start) {
                if (stop >= 0 && i[0] >= stop) return PyIter.END;
                if (!it.hasNext()) return PyIter.END;
                it.next();
                i[0]++;
            }
            if (stop >= 0 && i[0] >= stop) return PyIter.END;
            if (!it.hasNext()) return PyIter.END;
            i[0]++;
            return it.next();
        });
    }

    private static Object count(Iterator<Object> it, Evaluation ev) {
        long n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
            ev.tick();
        }
        return n;
    }

    /** functools.reduce. */
    static Object reduce(Iterator<Object> it, BinaryOperator<Object> f, Object seed, Evaluation ev) {
        Object acc = seed;
        if (acc == Py.NO_VALUE) {
            if (!it.hasNext()) throw YaqlException.typeError("reduce() of empty iterable with no initial value");
            acc = it.next();
        }
        while (it.hasNext()) {
            acc = f.apply(acc, it.next());
            ev.tick();
        }
        return acc;
    }

    private static PyIter range(BigInteger start, BigInteger stop, BigInteger step, Evaluation ev) {
        if (step.signum() == 0) throw YaqlException.valueError("range() arg 3 must not be zero");
        BigInteger[] next = {start};
        return PyIter.of("range_iterator", () -> {
            BigInteger v = next[0];
            if (step.signum() > 0 ? v.compareTo(stop) >= 0 : v.compareTo(stop) <= 0) return PyIter.END;
            next[0] = v.add(step);
            ev.tick();
            return Py.normalize(v);
        });
    }

    private static Object indexOf(Call call, java.util.function.Predicate<Object> test, boolean last) {
        Iterator<Object> it = call.iter(0);
        long index = -1;
        for (long i = 0; it.hasNext(); i++) {
            if (test.test(it.next())) {
                if (!last) return i;
                index = i;
            }
            call.ev.tick();
        }
        return index;
    }

    private static PyIter zip(List<Object> collections, boolean longest, Object fill) {
        List<Iterator<Object>> its = new ArrayList<>();
        for (Object o : collections) its.add(Py.iter(o));
        boolean[] active = new boolean[its.size()];
        java.util.Arrays.fill(active, true);
        boolean[] done = {its.isEmpty()};
        return PyIter.of("zip", () -> {
            if (done[0]) return PyIter.END;
            Object[] row = new Object[its.size()];
            int alive = 0;
            for (int k = 0; k < its.size(); k++) {
                if (active[k] && its.get(k).hasNext()) {
                    row[k] = its.get(k).next();
                    alive++;
                } else {
                    if (!longest) {
                        done[0] = true;
                        return PyIter.END;
                    }
                    active[k] = false;
                    row[k] = fill;
                }
            }
            if (alive == 0) {
                done[0] = true;
                return PyIter.END;
            }
            return PySeq.tuple(row);
        });
    }

    /** groupBy, with yaql 2.0's fallback to the 1.1.1 way of calling the aggregator. */
    private static Object groupBy(Call call) {
        PyDict groups = PyDict.mutable();
        Iterator<Object> it = call.iter(0);
        YaqlLambda key = call.fn(1);
        YaqlLambda values = (YaqlLambda) call.arg(2);
        YaqlLambda aggregator = (YaqlLambda) call.arg(3);
        Map<PyKey, List<Object>> lists = new java.util.LinkedHashMap<>();
        while (it.hasNext()) {
            Object t = it.next();
            Object v = values == null ? t : values.apply(t);
            Object k = key.apply(t);
            PyKey pk = new PyKey(k);
            List<Object> list = lists.get(pk);
            if (list == null) {
                list = new ArrayList<>();
                lists.put(pk, list);
                groups.put(k, null);
            }
            list.add(v);
            call.ev.limitMemory(PySize.dict(groups.size()));
        }
        List<Object> keys = groups.keys();
        int[] i = {0};
        GroupAggregator agg = new GroupAggregator(aggregator);
        return PyIter.of("map", () -> {
            if (i[0] >= keys.size()) return PyIter.END;
            Object k = keys.get(i[0]++);
            Object group = PySeq.of(k, PySeq.list(lists.get(new PyKey(k))));
            return agg.apply(group);
        });
    }

    private static final class GroupAggregator {
        private final YaqlLambda aggregator;
        private boolean allowFallback = true;
        private YaqlException failure;

        GroupAggregator(YaqlLambda aggregator) {
            this.aggregator = aggregator;
        }

        Object apply(Object groupItem) {
            if (aggregator == null) return groupItem;
            PySeq item = (PySeq) groupItem;
            if (failure == null) {
                Object key = item.get(0);
                PySeq valueList = (PySeq) item.get(1);
                try {
                    Object result = aggregator.apply(valueList);
                    if (!(valueList.size() == 2 && result instanceof PySeq r && r.size() == 2 && Py.eq(r.get(0), valueList.get(0)))) {
                        allowFallback = false;
                    }
                    return PySeq.of(key, result);
                } catch (YaqlException e) {
                    if (!(e.kind().equals("NoMatchingMethodException") || e.kind().equals("NoMatchingFunctionException") || e.kind().equals("IndexError"))) throw e;
                    failure = e;
                }
            }
            if (allowFallback) {
                try {
                    Object result = aggregator.apply(groupItem);
                    if (Py.len(result) == 2) return result;
                } catch (YaqlException ignored) {
                    // fall through to the first failure, which says what went wrong in the new syntax
                }
            }
            throw failure;
        }
    }

    private static Object mergeWith(Call call) {
        YaqlLambda listMerger = (YaqlLambda) call.arg(2);
        YaqlLambda itemMerger = (YaqlLambda) call.arg(3);
        BinaryOperator<Object> lists = listMerger != null ? (a, b) -> listMerger.call(a, b) : (a, b) -> {
            PySeq x = (PySeq) a;
            PySeq y = (PySeq) b;
            if (x.tuple != y.tuple) throw YaqlException.typeError("can only concatenate " + Py.typeName(x) + " (not \"" + Py.typeName(y) + "\") to " + Py.typeName(x));
            List<Object> all = new ArrayList<>(x);
            all.addAll(y);
            Set<PyKey> seen = new HashSet<>();
            List<Object> out = new ArrayList<>();
            for (Object o : all) if (seen.add(new PyKey(o))) out.add(o);
            return PySeq.tuple(out.toArray());
        };
        BinaryOperator<Object> items = itemMerger != null ? (a, b) -> itemMerger.call(a, b) : (a, b) -> b;
        return merge((PyDict) call.arg(0), (PyDict) call.arg(1), lists, items, call.lng(4), call.ev);
    }

    private static PyDict merge(PyDict d1, PyDict d2, BinaryOperator<Object> lists, BinaryOperator<Object> items, long maxLevels, Evaluation ev) {
        PyDict result = PyDict.mutable();
        for (PyDict.Entry e : d1.entrySet()) {
            Object key = e.key();
            Object v1 = e.value();
            result.put(key, v1);
            Object v2 = d2.get(key, Py.NO_VALUE);
            if (v2 == Py.NO_VALUE) continue;
            ev.tick();
            if (maxLevels != 1 && v2 instanceof PyDict m2) {
                if (!(v1 instanceof PyDict m1)) throw YaqlException.typeError("Cannot merge " + Py.typeName(v1) + " with " + Py.typeName(v2));
                result.put(key, merge(m1, m2, lists, items, maxLevels == 0 ? 0 : maxLevels - 1, ev));
            } else if (maxLevels != 1 && v2 instanceof PySeq) {
                if (!(v1 instanceof PySeq)) throw YaqlException.typeError("Cannot merge " + Py.typeName(v1) + " with " + Py.typeName(v2));
                result.put(key, lists.apply(v1, v2));
            } else {
                result.put(key, items.apply(v1, v2));
            }
        }
        for (PyDict.Entry e : d2.entrySet()) {
            if (!result.containsKey(e.key())) result.put(e.key(), e.value());
        }
        return result;
    }
}
