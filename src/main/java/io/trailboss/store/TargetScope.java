package io.trailboss.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The targets a reader with scoped grants may see, for lists filtered in SQL: each target named by a group
 * with its descendants through {@code parent}, and the targets whose labels match a selector (all its pairs).
 * {@link #ids} is a subquery of their ids that a store puts in its own statement.
 */
public record TargetScope(List<String> groups, List<Map<String, String>> selectors) {
    public TargetScope {
        groups = List.copyOf(groups);
        selectors = selectors.stream().filter(s -> !s.isEmpty()).map(s -> (Map<String, String>) new TreeMap<>(s)).toList();
    }

    /**
     * A subquery (in parentheses) selecting the ids of the targets in scope. Its binds are named after
     * {@code p}, so that one statement may hold it twice under two prefixes.
     */
    public String ids(String p) {
        List<String> parts = new ArrayList<>();
        StringBuilder sql = new StringBuilder("(");
        if (!groups.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) names.add(":" + p + "g" + i);
            // the parent chain is at most 64 deep and never loops (Targets refuses both)
            sql.append("with recursive ").append(p).append("tree(id) as (select id from target where name in (").append(String.join(", ", names))
                    .append(") union all select c.id from target c join ").append(p).append("tree g on c.parent_id = g.id) ");
            parts.add("select id from " + p + "tree");
        }
        for (int s = 0; s < selectors.size(); s++) {
            int pairs = selectors.get(s).size();
            StringBuilder one = new StringBuilder("select l0.target_id from target_label l0");
            for (int i = 1; i < pairs; i++) {
                one.append(" join target_label l").append(i).append(" on l").append(i).append(".target_id = l0.target_id and l").append(i)
                        .append(".name = :").append(p).append('s').append(s).append('k').append(i).append(" and l").append(i)
                        .append(".label_value = :").append(p).append('s').append(s).append('v').append(i);
            }
            one.append(" where l0.name = :").append(p).append('s').append(s).append("k0 and l0.label_value = :").append(p).append('s').append(s).append("v0");
            parts.add(one.toString());
        }
        if (parts.isEmpty()) parts.add("select id from target where 1 = 0");
        return sql.append(String.join(" union all ", parts)).append(')').toString();
    }

    /** Binds the values of {@link #ids}{@code (p)}. */
    public void bind(SqlStatement<?> statement, String p) {
        for (int i = 0; i < groups.size(); i++) statement.bind(p + "g" + i, groups.get(i));
        for (int s = 0; s < selectors.size(); s++) {
            int i = 0;
            for (Map.Entry<String, String> e : selectors.get(s).entrySet()) {
                statement.bind(p + "s" + s + "k" + i, e.getKey()).bind(p + "s" + s + "v" + i, e.getValue());
                i++;
            }
        }
    }
}
