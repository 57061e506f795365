package io.trailboss.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The targets a reader with scoped grants may see, for lists filtered in SQL: each target named by a group
 * with its descendants through {@code parent}, and the targets whose labels match a selector (all its pairs).
 * {@link #targetIds} reads their ids, which a store's list then matches with {@code = any(:ids)}: an index lookup
 * per id. Not a subquery in the list's own statement: the embedded H2 runs without its result cache (see
 * {@code Database}), so it would run the subquery again for every row it filters.
 */
public record TargetScope(List<String> groups, List<Map<String, String>> selectors) {
    public TargetScope {
        groups = List.copyOf(groups);
        selectors = selectors.stream().filter(s -> !s.isEmpty()).map(s -> (Map<String, String>) new TreeMap<>(s)).toList();
    }

    /** The ids of the targets in scope (each once). */
    public List<String> targetIds(Handle h) {
        if (groups.isEmpty() && selectors.isEmpty()) return List.of();
        Query q = h.createQuery("select distinct x.id from " + ids() + " x");
        bind(q);
        return q.mapTo(String.class).list();
    }

    private String ids() {
        List<String> parts = new ArrayList<>();
        StringBuilder sql = new StringBuilder("(");
        if (!groups.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) names.add(":g" + i);
            // the parent chain is at most 64 deep and never loops (Targets refuses both)
            sql.append("with recursive tree(id) as (select id from target where name in (").append(String.join(", ", names))
                    .append(") union all select c.id from target c join tree g on c.parent_id = g.id) ");
            parts.add("select id from tree");
        }
        for (int s = 0; s < selectors.size(); s++) {
            int pairs = selectors.get(s).size();
            StringBuilder one = new StringBuilder("select l0.target_id as id from target_label l0");
            for (int i = 1; i < pairs; i++) {
                one.append(" join target_label l").append(i).append(" on l").append(i).append(".target_id = l0.target_id and l").append(i)
                        .append(".name = :s").append(s).append('k').append(i).append(" and l").append(i).append(".label_value = :s").append(s).append('v').append(i);
            }
            one.append(" where l0.name = :s").append(s).append("k0 and l0.label_value = :s").append(s).append("v0");
            parts.add(one.toString());
        }
        return sql.append(String.join(" union all ", parts)).append(')').toString();
    }

    private void bind(Query q) {
        for (int i = 0; i < groups.size(); i++) q.bind("g" + i, groups.get(i));
        for (int s = 0; s < selectors.size(); s++) {
            int i = 0;
            for (Map.Entry<String, String> e : selectors.get(s).entrySet()) {
                q.bind("s" + s + "k" + i, e.getKey()).bind("s" + s + "v" + i, e.getValue());
                i++;
            }
        }
    }
}
