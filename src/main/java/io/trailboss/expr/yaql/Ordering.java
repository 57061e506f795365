package io.trailboss.expr.yaql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The result of orderBy: sorted (stably) the first time it is iterated, by its keys in turn, each compared
 * with yaql's {@code #operator_<} and {@code #operator_>}. thenBy adds a key to the same ordering, as in yaql.
 */
final class Ordering implements Iterable<Object> {
    private final Object collection;
    private final Call call;
    private final List<YaqlLambda> selectors = new ArrayList<>();
    private final List<Boolean> ascending = new ArrayList<>();
    private List<Object> sorted;

    Ordering(Object collection, Call call) {
        this.collection = collection;
        this.call = call;
    }

    Ordering then(YaqlLambda selector, boolean asc) {
        selectors.add(selector);
        ascending.add(asc);
        return this;
    }

    @Override
    public Iterator<Object> iterator() {
        if (sorted == null) sorted = sort();
        return sorted.iterator();
    }

    private List<Object> sort() {
        List<Object> items = new ArrayList<>(Py.toList(collection, call.ev));
        try {
            items.sort((a, b) -> {
                for (int i = 0; i < selectors.size(); i++) {
                    Object x = selectors.get(i).apply(a);
                    Object y = selectors.get(i).apply(b);
                    int r;
                    if (Py.truthy(call.delegate("#operator_<", x, y))) r = -1;
                    else if (Py.truthy(call.delegate("#operator_>", x, y))) r = 1;
                    else continue;
                    return ascending.get(i) ? r : -r;
                }
                return 0;
            });
        } catch (IllegalArgumentException inconsistent) {
            throw YaqlException.typeError("the sort keys do not order consistently: " + inconsistent.getMessage());
        }
        return items;
    }
}
