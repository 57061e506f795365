package io.trailboss.record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;

/** The rec_label and rec_playbook_label tables: labels are shared by name, and a playbook links to its own. */
final class RecordLabelStore {
    private static final String BY_NAME = "select id, name from rec_label where name in (<names>)";
    private static final String INSERT = "insert into rec_label (name, created_at, updated_at) values (:name, :now, :now)";
    private static final String LINKS_DELETE = "delete from rec_playbook_label where playbook_id = :playbook";
    private static final String LINK_INSERT = "insert into rec_playbook_label (playbook_id, label_id) values (:playbook, :label)";
    private static final String OF_PLAYBOOKS = """
            select pl.playbook_id, l.id, l.name from rec_playbook_label pl join rec_label l on l.id = pl.label_id
            where pl.playbook_id in (<ids>) order by l.name
            """;

    /** Replaces a playbook's labels by these, creating the labels that do not exist yet. */
    void set(Handle h, long playbookId, List<String> names, long now) {
        Map<String, Long> ids = ids(h, names);
        for (String name : names) {
            if (ids.containsKey(name)) continue;
            try {
                h.createUpdate(INSERT).bind("name", name).bind("now", now).execute();
            } catch (StatementException e) {
                if (!SqlStates.isUniqueViolation(e)) throw e;
            }
        }
        Map<String, Long> all = ids(h, names);
        h.useTransaction(tx -> {
            tx.createUpdate(LINKS_DELETE).bind("playbook", playbookId).execute();
            if (all.isEmpty()) return;
            var batch = tx.prepareBatch(LINK_INSERT);
            for (long label : new LinkedHashSet<>(all.values())) batch.bind("playbook", playbookId).bind("label", label).add();
            batch.execute();
        });
    }

    /** Puts each playbook row's labels (id and name, by name) under {@code $labels}. */
    void attach(Handle h, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) return;
        Map<Long, List<Map<String, Object>>> byPlaybook = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            List<Map<String, Object>> labels = new ArrayList<>();
            row.put("$labels", labels);
            byPlaybook.put(((Number) row.get("id")).longValue(), labels);
        }
        h.createQuery(OF_PLAYBOOKS).bindList("ids", new ArrayList<>(byPlaybook.keySet())).map((rs, ctx) -> {
            Map<String, Object> label = new LinkedHashMap<>();
            label.put("id", rs.getLong("id"));
            label.put("name", rs.getString("name"));
            byPlaybook.get(rs.getLong("playbook_id")).add(label);
            return label;
        }).list();
    }

    private static Map<String, Long> ids(Handle h, List<String> names) {
        Map<String, Long> ids = new LinkedHashMap<>();
        if (names.isEmpty()) return ids;
        h.createQuery(BY_NAME).bindList("names", names).map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("id")))
                .forEach(e -> ids.put(e.getKey(), e.getValue()));
        return ids;
    }
}
