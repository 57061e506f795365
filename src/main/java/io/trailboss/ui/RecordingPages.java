package io.trailboss.ui;

import com.fasterxml.jackson.databind.util.RawValue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.api.Access;
import io.trailboss.app.Trailboss;
import io.trailboss.json.Json;
import io.trailboss.record.AraResource;
import io.trailboss.record.RecordException;
import io.trailboss.record.Recordings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ARA's objects as pages: playbooks with filters, a playbook with everything below it, results, a result's JSON, files, a host search. */
final class RecordingPages {
    private static final List<String> PLAYBOOK_STATUSES = List.of("", "completed", "failed", "running", "expired", "unknown");
    private static final List<String> RESULT_STATUSES = List.of("", "ok", "changed", "failed", "skipped", "unreachable", "ignored", "unknown");

    private final Trailboss tb;

    RecordingPages(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/ui/recordings", this::playbooks, Access.VIEWER);
        r.get("/ui/recordings/playbooks/{id}", this::playbook, Access.VIEWER);
        r.get("/ui/recordings/results", ctx -> {
            ListView v = results(ctx, "/ui/recordings/results", null);
            Ui.page(ctx, "list.jte", Ui.params("v", v));
        }, Access.VIEWER);
        r.get("/ui/recordings/results/{id}", this::result, Access.VIEWER);
        r.get("/ui/recordings/files/{id}", this::file, Access.VIEWER);
        r.get("/ui/recordings/hosts", this::hosts, Access.VIEWER);
    }

    private Recordings rec() {
        return tb.recordings();
    }

    private static Map<String, List<String>> query(Object... pairs) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            if (v != null && !String.valueOf(v).isBlank()) q.put((String) pairs[i], List.of(String.valueOf(v)));
        }
        return q;
    }

    private static String s(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private void playbooks(Context ctx) {
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String status = Ui.q(ctx, "status");
        String name = Ui.q(ctx, "name");
        String label = Ui.q(ctx, "label");
        String controller = Ui.q(ctx, "controller");
        String from = Ui.q(ctx, "from");
        String to = Ui.q(ctx, "to");
        Recordings.Page page;
        String error = null;
        try {
            page = rec().list(AraResource.PLAYBOOKS, query("status", status, "name", name, "label", label, "controller", controller,
                    "started_after", from, "started_before", to == null ? null : java.time.LocalDate.parse(to).plusDays(1).toString()), limit, offset);
        } catch (RecordException | java.time.DateTimeException e) {
            page = new Recordings.Page(0, List.of());
            error = e.getMessage();
        }
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> p : page.results()) {
            List<String> labels = new ArrayList<>();
            if (p.get("labels") instanceof List<?> ls) for (Object l : ls) if (l instanceof Map<?, ?> m) labels.add(s(m.get("name")));
            Map<?, ?> items = p.get("items") instanceof Map<?, ?> m ? m : Map.of();
            String id = s(p.get("id"));
            rows.add(List.of(Cell.link(id, "/ui/recordings/playbooks/" + id), Cell.state(s(p.get("status"))),
                    Cell.link(p.get("name") == null ? s(p.get("path")) : s(p.get("name")), "/ui/recordings/playbooks/" + id),
                    Cell.of(String.join(", ", labels)), Cell.of(p.get("controller")), Cell.of(s(p.get("started")).replace('T', ' ')),
                    Cell.of(p.get("duration")), Cell.of(items.get("hosts")), Cell.of(items.get("tasks")),
                    Cell.link(s(items.get("results")), "/ui/recordings/results?playbook=" + id)));
        }
        String base = "/ui/recordings?status=" + Ui.enc(status) + "&name=" + Ui.enc(name) + "&label=" + Ui.enc(label) + "&controller=" + Ui.enc(controller)
                + "&from=" + Ui.enc(from) + "&to=" + Ui.enc(to);
        ListView v = new ListView(Ui.chrome(ctx, "Recordings", "recordings"), "Playbooks", error,
                "/ui/recordings", List.of(FilterField.choice("status", "status", status, PLAYBOOK_STATUSES), FilterField.text("name", "name", name),
                        FilterField.text("label", "label", label), FilterField.text("controller", "controller", controller),
                        FilterField.date("from", "started from", from), FilterField.date("to", "to", to)),
                new Table(List.of("id", "status", "playbook", "labels", "controller", "started", "duration", "hosts", "tasks", "results"), rows),
                new Pager(base, limit, offset, page.count(), false, rows.size()), "No playbooks recorded match.");
        Ui.page(ctx, "recordings.jte", Ui.params("v", v));
    }

    private void playbook(Context ctx) {
        long id = id(ctx);
        Map<String, Object> p = rec().get(AraResource.PLAYBOOKS, id);
        List<String> labels = new ArrayList<>();
        if (p.get("labels") instanceof List<?> ls) for (Object l : ls) if (l instanceof Map<?, ?> m) labels.add(s(m.get("name")));
        Map<String, List<String>> mine = query("playbook", id);
        List<List<Cell>> plays = new ArrayList<>();
        for (Map<String, Object> y : rec().list(AraResource.PLAYS, mine, 200, 0).results()) {
            Map<?, ?> items = y.get("items") instanceof Map<?, ?> m ? m : Map.of();
            plays.add(List.of(Cell.of(y.get("name")), Cell.state(s(y.get("status"))), Cell.of(y.get("duration")), Cell.of(items.get("tasks")), Cell.of(items.get("results"))));
        }
        List<List<Cell>> tasks = new ArrayList<>();
        for (Map<String, Object> t : rec().list(AraResource.TASKS, query("playbook", id, "order", "id"), 500, 0).results()) {
            Map<?, ?> items = t.get("items") instanceof Map<?, ?> m ? m : Map.of();
            tasks.add(List.of(Cell.of(t.get("name")), Cell.of(t.get("action")), Cell.state(s(t.get("status"))), Cell.of(t.get("duration")),
                    Cell.link(s(items.get("results")), "/ui/recordings/playbooks/" + id + "?task=" + t.get("id") + "#results"),
                    Cell.of(s(t.get("path")) + ":" + s(t.get("lineno")))));
        }
        List<List<Cell>> hosts = new ArrayList<>();
        List<String> hostChoices = new ArrayList<>();
        hostChoices.add("");
        for (Map<String, Object> h : rec().list(AraResource.HOSTS, query("playbook", id, "order", "name"), 500, 0).results()) {
            hostChoices.add(s(h.get("name")));
            hosts.add(List.of(Cell.link(h.get("name"), "/ui/recordings/playbooks/" + id + "?host=" + Ui.enc(s(h.get("name"))) + "#results"),
                    new Cell(s(h.get("ok")), null, "st st-ok"), new Cell(s(h.get("changed")), null, "st st-changed"),
                    new Cell(s(h.get("failed")), null, "st st-failed"), new Cell(s(h.get("skipped")), null, "st st-skipped"),
                    new Cell(s(h.get("unreachable")), null, "st st-unreachable")));
        }
        List<List<Cell>> files = new ArrayList<>();
        for (Map<String, Object> f : rec().list(AraResource.FILES, mine, 200, 0).results()) {
            files.add(List.of(Cell.link(f.get("path"), "/ui/recordings/files/" + f.get("id")), Cell.of(f.get("sha1"))));
        }
        List<List<Cell>> records = new ArrayList<>();
        for (Map<String, Object> c : rec().list(AraResource.RECORDS, mine, 200, 0).results()) {
            Map<String, Object> full = rec().get(AraResource.RECORDS, ((Number) c.get("id")).longValue());
            records.add(List.of(Cell.of(full.get("key")), Cell.of(full.get("type")), new Cell(pretty(full.get("value")), null, "pre")));
        }
        ListView results = results(ctx, "/ui/recordings/playbooks/" + id, hostChoices);
        PlaybookView v = new PlaybookView(id, p.get("name") == null ? s(p.get("path")) : s(p.get("name")), s(p.get("path")), s(p.get("status")),
                s(p.get("controller")), s(p.get("user")), s(p.get("ansible_version")), s(p.get("started")).replace('T', ' '), s(p.get("duration")), labels,
                new Table(List.of("play", "status", "duration", "tasks", "results"), plays),
                new Table(List.of("task", "action", "status", "duration", "results", "file"), tasks),
                new Table(List.of("host", "ok", "changed", "failed", "skipped", "unreachable"), hosts),
                new Table(List.of("file", "sha1"), files), new Table(List.of("key", "type", "value"), records), results);
        Ui.page(ctx, "playbook.jte", Ui.params("chrome", Ui.chrome(ctx, "Playbook " + v.name(), "recordings"), "p", v));
    }

    /**
     * Results, newest first, filtered by playbook, task, status and host. On a playbook page {@code hostChoices}
     * holds its host names; elsewhere a host name matches hosts of every playbook.
     */
    private ListView results(Context ctx, String action, List<String> hostChoices) {
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String playbook = hostChoices != null ? ctx.pathParam("id") : Ui.q(ctx, "playbook");
        String task = Ui.q(ctx, "task");
        String status = Ui.q(ctx, "status");
        String host = Ui.q(ctx, "host");
        String error = null;
        Recordings.Page page;
        try {
            String hostId = null;
            if (host != null) {
                // a host is one row per playbook: the name is looked up within the playbook when there is one
                var found = rec().list(AraResource.HOSTS, query("playbook", playbook, "name", host), 50, 0).results().stream()
                        .filter(h -> host.equals(h.get("name"))).toList();
                if (found.isEmpty()) throw RecordException.invalid("host", "no host named '" + host + "'" + (playbook == null ? "" : " in this playbook"));
                if (found.size() > 1 && playbook == null) throw RecordException.invalid("host", "host '" + host + "' is in several playbooks: choose a playbook, or use the host search");
                hostId = s(found.getFirst().get("id"));
            }
            page = rec().list(AraResource.RESULTS, query("playbook", playbook, "task", task, "status", status, "host", hostId), limit, offset);
        } catch (RecordException e) {
            page = new Recordings.Page(0, List.of());
            error = e.getMessage();
        }
        // the page's tasks and hosts in two queries, not two per row
        java.util.Set<Long> taskIds = new java.util.HashSet<>();
        java.util.Set<Long> hostIds = new java.util.HashSet<>();
        for (Map<String, Object> r : page.results()) {
            taskIds.add(((Number) r.get("task")).longValue());
            hostIds.add(((Number) r.get("host")).longValue());
        }
        Map<Long, Map<String, Object>> tasks = rec().byIds(AraResource.TASKS, taskIds);
        Map<Long, Map<String, Object>> hosts = rec().byIds(AraResource.HOSTS, hostIds);
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> r : page.results()) {
            Map<String, Object> t = tasks.getOrDefault(((Number) r.get("task")).longValue(), Map.of());
            Map<String, Object> h = hosts.getOrDefault(((Number) r.get("host")).longValue(), Map.of());
            String id = s(r.get("id"));
            rows.add(List.of(Cell.link(id, "/ui/recordings/results/" + id), Cell.state(s(r.get("status"))), Cell.of(h.get("name")),
                    Cell.of(t.get("name")), Cell.of(t.get("action")), Cell.of(s(r.get("started")).replace('T', ' ')), Cell.of(r.get("duration")),
                    hostChoices == null ? Cell.link(r.get("playbook"), "/ui/recordings/playbooks/" + r.get("playbook")) : Cell.of("")));
        }
        String base = action + "?status=" + Ui.enc(status) + "&host=" + Ui.enc(host) + "&task=" + Ui.enc(task)
                + (hostChoices == null ? "&playbook=" + Ui.enc(playbook) : "");
        List<FilterField> filters = new ArrayList<>();
        if (hostChoices == null) filters.add(FilterField.text("playbook", "playbook id", playbook));
        filters.add(hostChoices == null ? FilterField.text("host", "host", host) : FilterField.choice("host", "host", host, hostChoices));
        filters.add(FilterField.choice("status", "status", status, RESULT_STATUSES));
        if (task != null) filters.add(FilterField.text("task", "task id", task));
        return new ListView(Ui.chrome(ctx, "Results", "recordings"), "Results", error, action, filters,
                new Table(List.of("result", "status", "host", "task", "action", "started", "duration", hostChoices == null ? "playbook" : ""), rows),
                new Pager(base, limit, offset, page.count(), false, rows.size()), "No results match.");
    }

    private void result(Context ctx) {
        long id = id(ctx);
        Map<String, Object> r = rec().get(AraResource.RESULTS, id);
        Map<?, ?> host = r.get("host") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> task = r.get("task") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> playbook = r.get("playbook") instanceof Map<?, ?> m ? m : Map.of();
        Ui.page(ctx, "result.jte", Ui.params("chrome", Ui.chrome(ctx, "Result " + id, "recordings"), "id", id, "status", s(r.get("status")),
                "host", s(host.get("name")), "task", s(task.get("name")), "action", s(task.get("action")), "playbook", s(playbook.get("id")),
                "started", s(r.get("started")).replace('T', ' '), "duration", s(r.get("duration")), "json", pretty(r)));
    }

    private void file(Context ctx) {
        long id = id(ctx);
        Map<String, Object> f = rec().get(AraResource.FILES, id);
        Object playbook = f.get("playbook") instanceof Map<?, ?> m ? m.get("id") : f.get("playbook");
        Ui.page(ctx, "file.jte", Ui.params("chrome", Ui.chrome(ctx, s(f.get("path")), "recordings"), "path", s(f.get("path")),
                "playbook", s(playbook), "content", s(f.get("content"))));
    }

    private void hosts(Context ctx) {
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String name = Ui.q(ctx, "name");
        Recordings.Page page = rec().list(AraResource.HOSTS, query("name", name, "order", "-id"), limit, offset);
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> h : page.results()) {
            String pb = s(h.get("playbook"));
            rows.add(List.of(Cell.of(h.get("name")), Cell.link(pb, "/ui/recordings/playbooks/" + pb + "?host=" + Ui.enc(s(h.get("name"))) + "#results"),
                    new Cell(s(h.get("ok")), null, "st st-ok"), new Cell(s(h.get("changed")), null, "st st-changed"),
                    new Cell(s(h.get("failed")), null, "st st-failed"), new Cell(s(h.get("skipped")), null, "st st-skipped"),
                    new Cell(s(h.get("unreachable")), null, "st st-unreachable"), Cell.of(s(h.get("updated")).replace('T', ' '))));
        }
        ListView v = new ListView(Ui.chrome(ctx, "Hosts", "recordings"), "Hosts across playbooks", null, "/ui/recordings/hosts",
                List.of(FilterField.text("name", "host name", name)),
                new Table(List.of("host", "playbook", "ok", "changed", "failed", "skipped", "unreachable", "updated"), rows),
                new Pager("/ui/recordings/hosts?name=" + Ui.enc(name), limit, offset, page.count(), false, rows.size()), "No hosts match.");
        Ui.page(ctx, "list.jte", Ui.params("v", v));
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new io.trailboss.engine.NotFoundException("no recording '" + ctx.pathParam("id") + "'");
        }
    }

    /** JSON, indented, with the stored JSON documents (raw values) expanded. */
    static String pretty(Object value) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(expand(value));
        } catch (Exception e) {
            return String.valueOf(value);
        }
    }

    private static Object expand(Object v) {
        if (v instanceof RawValue raw) return Json.read(String.valueOf(raw.rawValue()));
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, expand(x)));
            return out;
        }
        if (v instanceof List<?> l) return l.stream().map(RecordingPages::expand).toList();
        return v;
    }
}
