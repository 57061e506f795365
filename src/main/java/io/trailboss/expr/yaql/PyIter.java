package io.trailboss.expr.yaql;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Python iterator: lazy and good for one pass, as yaql's {@code map}, {@code filter} and generators are
 * ({@code let(x => [1, 2].select($)) -> $x.sum() + $x.sum()} fails in yaql since the second sum sees nothing).
 * An iterator that raised stays finished.
 */
abstract class PyIter implements Iterator<Object> {
    static final Object END = new Object();

    /** Python's type name, for repr and error messages. */
    final String kind;
    private Object next;
    private boolean ready;
    private boolean done;

    PyIter(String kind) {
        this.kind = kind;
    }

    /** The next element, or {@link #END}. */
    protected abstract Object step();

    @Override
    public final boolean hasNext() {
        if (!ready && !done) {
            Object v;
            try {
                v = step();
            } catch (RuntimeException | Error e) {
                done = true;
                throw e;
            }
            if (v == END) done = true;
            else {
                next = v;
                ready = true;
            }
        }
        return ready;
    }

    @Override
    public final Object next() {
        if (!hasNext()) throw new NoSuchElementException();
        ready = false;
        Object v = next;
        next = null;
        return v;
    }

    /** What Python's {@code iter()} gives for this iterator: itself (a memorizing iterator starts over). */
    Iterator<Object> restart() {
        return this;
    }

    static PyIter of(String kind, java.util.function.Supplier<Object> step) {
        return new PyIter(kind) {
            @Override
            protected Object step() {
                return step.get();
            }
        };
    }

    static PyIter over(String kind, Iterator<?> source) {
        return new PyIter(kind) {
            @Override
            protected Object step() {
                return source.hasNext() ? source.next() : END;
            }
        };
    }

    static PyIter map(Iterator<Object> source, Function<Object, Object> f) {
        return new PyIter("map") {
            @Override
            protected Object step() {
                return source.hasNext() ? f.apply(source.next()) : END;
            }
        };
    }

    static PyIter filter(Iterator<Object> source, Predicate<Object> p) {
        return new PyIter("filter") {
            @Override
            protected Object step() {
                while (source.hasNext()) {
                    Object o = source.next();
                    if (p.test(o)) return o;
                }
                return END;
            }
        };
    }

    /** yaql's memorize: an iterator that remembers what it yielded, so each pass over it starts over. */
    static PyIter memorize(Iterator<Object> source, Evaluation ev) {
        return new Memo(source, new java.util.ArrayList<>(), ev);
    }

    private static final class Memo extends PyIter {
        private final Iterator<Object> source;
        private final java.util.List<Object> seen;
        private final Evaluation ev;
        private int index;

        Memo(Iterator<Object> source, java.util.List<Object> seen, Evaluation ev) {
            super("RememberingIterator");
            this.source = source;
            this.seen = seen;
            this.ev = ev;
        }

        @Override
        protected Object step() {
            if (index < seen.size()) return seen.get(index++);
            if (!source.hasNext()) return END;
            Object v = source.next();
            seen.add(v);
            ev.limitMemory(PySize.listOf(seen.size()));
            index++;
            return v;
        }

        @Override
        Iterator<Object> restart() {
            return new Memo(source, seen, ev);
        }
    }
}
