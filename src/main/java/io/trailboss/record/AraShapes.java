package io.trailboss.record;

import com.fasterxml.jackson.databind.util.RawValue;
import io.trailboss.record.AraResource.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A row (column → value) in the JSON shape of ARA's API: times, counts of what lies below, derived statuses. */
final class AraShapes {
    private AraShapes() {}

    static Map<String, Object> present(AraResource r, Map<String, Object> row, AraForm form) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", row.get("id"));
        for (Field f : r.fields) {
            if (f.large() && form == AraForm.LIST) continue;
            Object v = row.get(f.column());
            m.put(f.name(), switch (f.kind()) {
                case TIME -> AraTimes.format(v == null ? null : ((Number) v).longValue());
                case JSON, IDS -> v == null ? null : new RawValue(v.toString());
                case ID -> v == null ? null : ((Number) v).longValue();
                case INT -> v == null ? null : ((Number) v).intValue();
                default -> v;
            });
        }
        if (r.timed) m.put("duration", AraTimes.duration(asLong(row.get("started_at")), asLong(row.get("ended_at"))));
        m.put("created", AraTimes.format(asLong(row.get("created_at"))));
        m.put("updated", AraTimes.format(asLong(row.get("updated_at"))));
        switch (r) {
            case PLAYBOOKS -> {
                m.put("labels", row.getOrDefault("$labels", List.of()));
                if (row.containsKey("items_plays")) {
                    Map<String, Object> items = new LinkedHashMap<>();
                    for (String k : List.of("plays", "tasks", "results", "hosts", "files", "records")) items.put(k, asLong(row.get("items_" + k)));
                    m.put("items", items);
                }
            }
            case PLAYS -> {
                if (row.containsKey("items_tasks")) m.put("items", Map.of("tasks", asLong(row.get("items_tasks")), "results", asLong(row.get("items_results"))));
            }
            case TASKS -> {
                if (row.containsKey("items_results")) {
                    m.put("items", Map.of("results", asLong(row.get("items_results"))));
                    m.put("path", row.get("file_path"));
                }
            }
            case RESULTS -> {
                if (form != AraForm.CREATE) {
                    String status = (String) m.get("status");
                    if ("ok".equals(status) && Boolean.TRUE.equals(m.get("changed"))) m.put("status", "changed");
                    else if ("failed".equals(status) && Boolean.TRUE.equals(m.get("ignore_errors"))) m.put("status", "ignored");
                }
            }
            case FILES -> {
                m.put("sha1", row.get("sha1"));
                if (form != AraForm.LIST) m.put("content", row.get("content"));
            }
            default -> { }
        }
        return m;
    }

    private static Long asLong(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }
}
