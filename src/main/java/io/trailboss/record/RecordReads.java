package io.trailboss.record;

import com.fasterxml.jackson.databind.util.RawValue;
import io.trailboss.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Recordings read in ARA's shapes: one object (its parents nested, as ARA's detail views do), a page of a list, several by id. */
final class RecordReads {
    private final Jdbi jdbi;
    private final RecordStore store;
    private final RecordLabelStore labels;

    RecordReads(Jdbi jdbi, RecordStore store, RecordLabelStore labels) {
        this.jdbi = jdbi;
        this.store = store;
        this.labels = labels;
    }

    Map<String, Object> get(AraResource r, long id) {
        return jdbi.withHandle(h -> {
            Map<String, Object> one = fetch(h, r, id, AraForm.DETAIL).orElseThrow(RecordException::notFound);
            nest(h, r, one);
            return one;
        });
    }

    Map<Long, Map<String, Object>> byIds(AraResource r, Collection<Long> ids) {
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        return jdbi.withHandle(h -> {
            for (Map<String, Object> row : store.rows(h, r, ids)) {
                Map<String, Object> item = AraShapes.present(r, row, AraForm.LIST);
                out.put(((Number) item.get("id")).longValue(), item);
            }
            return out;
        });
    }

    Recordings.Page list(AraResource r, Map<String, List<String>> query, int limit, int offset) {
        Map<String, Object> binds = new LinkedHashMap<>();
        List<String> where = AraFilters.where(r, query, binds);
        if (r == AraResource.LATESTHOSTS) where.add(0, RecordStore.LATEST);
        String whereSql = where.isEmpty() ? "" : " where " + String.join(" and ", where);
        String order = AraOrder.orderBy(r, query.getOrDefault("order", List.of()));
        return jdbi.withHandle(h -> {
            long count = store.count(h, r, whereSql, binds);
            List<Map<String, Object>> rows = store.page(h, r, whereSql, order, binds, limit, offset);
            if (r == AraResource.PLAYBOOKS) labels.attach(h, rows);
            List<Map<String, Object>> out = new ArrayList<>(rows.size());
            for (Map<String, Object> row : rows) {
                Map<String, Object> item = AraShapes.present(r, row, AraForm.LIST);
                if (r == AraResource.LATESTHOSTS) {
                    Map<String, Object> latest = new LinkedHashMap<>();
                    latest.put("name", item.get("name"));
                    latest.put("host", item);
                    latest.put("created", item.get("created"));
                    latest.put("updated", item.get("updated"));
                    item = latest;
                }
                out.add(item);
            }
            return new Recordings.Page(count, out);
        });
    }

    /** One object in a form, a playbook with its labels. */
    Optional<Map<String, Object>> fetch(Handle h, AraResource r, long id, AraForm form) {
        Optional<Map<String, Object>> row = store.row(h, r, id, form);
        if (row.isPresent() && r == AraResource.PLAYBOOKS) labels.attach(h, List.of(row.get()));
        return row.map(x -> AraShapes.present(r, x, form));
    }

    /** Replaces parent ids of a detail view by the parents' short forms, as ARA's detail views do. */
    @SuppressWarnings("unchecked")
    private void nest(Handle h, AraResource r, Map<String, Object> one) {
        if (r == AraResource.PLAYBOOKS || r == AraResource.LABELS || r == AraResource.LATESTHOSTS) return;
        one.put("playbook", simple(h, AraResource.PLAYBOOKS, one.get("playbook"), "created", "updated"));
        if (r == AraResource.TASKS) {
            one.put("play", simple(h, AraResource.PLAYS, one.get("play"), "playbook", "uuid", "created", "updated"));
            one.put("file", simple(h, AraResource.FILES, one.get("file"), "playbook", "created", "updated"));
        }
        if (r == AraResource.RESULTS) {
            one.put("play", simple(h, AraResource.PLAYS, one.get("play"), "playbook", "uuid", "created", "updated"));
            one.put("task", simple(h, AraResource.TASKS, one.get("task"), "playbook", "play", "created", "updated"));
            one.put("host", simple(h, AraResource.HOSTS, one.get("host"), "playbook", "created", "updated"));
            Object delegated = one.get("delegated_to");
            List<Object> hosts = new ArrayList<>();
            if (delegated instanceof RawValue raw) {
                for (Object id : (List<Object>) Json.read(String.valueOf(raw.rawValue()))) hosts.add(simple(h, AraResource.HOSTS, id, "playbook", "created", "updated"));
            }
            one.put("delegated_to", hosts);
        }
    }

    private Object simple(Handle h, AraResource r, Object id, String... drop) {
        if (!(id instanceof Number n)) return id;
        Optional<Map<String, Object>> m = fetch(h, r, n.longValue(), AraForm.LIST);
        if (m.isEmpty()) return id;
        Set.of(drop).forEach(m.get()::remove);
        return m.get();
    }
}
