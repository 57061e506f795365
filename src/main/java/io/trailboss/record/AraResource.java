package io.trailboss.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The recorded object kinds as ARA's API names them, with their fields (the column each lives in,
 * its kind, whether POST needs it, its default), list filters and sort keys.
 */
public enum AraResource {
    LABELS("labels", "rec_label", "l", List.of(
            new Field("name", "name", Kind.STRING, true, null, false, 255, null, false)),
            false, Map.of(), List.of("id", "created", "updated"), "id"),
    PLAYBOOKS("playbooks", "rec_playbook", "p", List.of(
            new Field("name", "name", Kind.STRING, false, null, true, 255, null, false),
            new Field("ansible_version", "ansible_version", Kind.STRING, true, null, false, 255, null, false),
            new Field("status", "status", Kind.STRING, false, "unknown", false, 25, Set.of("unknown", "running", "completed", "failed", "expired"), false),
            new Field("arguments", "arguments", Kind.JSON, false, Map.of(), false, 0, null, false),
            new Field("path", "path", Kind.STRING, true, null, false, 1024, null, false),
            new Field("controller", "controller", Kind.STRING, false, "localhost", false, 255, null, false),
            new Field("user", "controller_user", Kind.STRING, false, null, true, 255, null, false),
            new Field("client_version", "client_version", Kind.STRING, false, null, true, 255, null, false),
            new Field("python_version", "python_version", Kind.STRING, false, null, true, 255, null, false),
            new Field("started", "started_at", Kind.TIME, false, Field.NOW, false, 0, null, false),
            new Field("ended", "ended_at", Kind.TIME, false, null, true, 0, null, false)),
            true, filters(
                    "ansible_version", Filter.icontains("p.ansible_version"), "controller", Filter.icontains("p.controller"),
                    "name", Filter.icontains("p.name"), "path", Filter.icontains("p.path"),
                    "status", Filter.status("p.status", Set.of("unknown", "running", "completed", "failed", "expired")),
                    "label", new Filter(FilterKind.LABEL, "p.id", null)),
            List.of("id", "created", "updated", "started", "ended", "duration"), "-id"),
    PLAYS("plays", "rec_play", "y", List.of(
            new Field("name", "name", Kind.STRING, false, null, true, 255, null, false),
            new Field("uuid", "uuid", Kind.STRING, true, null, false, 64, null, false),
            new Field("status", "status", Kind.STRING, false, "unknown", false, 25, Set.of("unknown", "running", "completed", "expired"), false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false),
            new Field("started", "started_at", Kind.TIME, false, Field.NOW, false, 0, null, false),
            new Field("ended", "ended_at", Kind.TIME, false, null, true, 0, null, false)),
            true, filters("playbook", Filter.id("y.playbook_id"), "uuid", new Filter(FilterKind.UUID, "y.uuid", null),
                    "status", Filter.status("y.status", Set.of("unknown", "running", "completed", "expired")), "name", Filter.icontains("y.name")),
            List.of("id", "created", "updated", "started", "ended", "duration"), "-id"),
    TASKS("tasks", "rec_task", "t", List.of(
            new Field("name", "name", Kind.STRING, false, null, true, 0, null, false),
            new Field("action", "action", Kind.STRING, true, null, false, 0, null, false),
            new Field("lineno", "lineno", Kind.INT, true, null, false, 0, null, false),
            new Field("tags", "tags", Kind.JSON, false, List.of(), false, 0, null, false),
            new Field("handler", "handler", Kind.BOOL, true, null, false, 0, null, false),
            new Field("status", "status", Kind.STRING, false, "unknown", false, 25, Set.of("unknown", "running", "completed", "failed", "expired"), false),
            new Field("uuid", "uuid", Kind.STRING, false, null, true, 64, null, false),
            new Field("play", "play_id", Kind.ID, true, null, false, 0, null, false),
            new Field("file", "file_id", Kind.ID, true, null, false, 0, null, false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false),
            new Field("started", "started_at", Kind.TIME, false, Field.NOW, false, 0, null, false),
            new Field("ended", "ended_at", Kind.TIME, false, null, true, 0, null, false)),
            true, filters("playbook", Filter.id("t.playbook_id"), "play", Filter.id("t.play_id"),
                    "status", Filter.status("t.status", Set.of("unknown", "running", "completed", "failed", "expired")),
                    "name", Filter.icontains("t.name"), "action", new Filter(FilterKind.IEXACT, "t.action", null),
                    "path", new Filter(FilterKind.FILE_PATH, "t.file_id", null), "handler", new Filter(FilterKind.BOOL, "t.handler", null)),
            List.of("id", "created", "updated", "started", "ended", "duration"), "-id"),
    HOSTS("hosts", "rec_host", "h", List.of(
            new Field("name", "name", Kind.STRING, true, null, false, 255, null, false),
            new Field("facts", "facts", Kind.JSON, false, Map.of(), false, 0, null, true),
            new Field("changed", "changed", Kind.INT, false, 0, false, 0, null, false),
            new Field("failed", "failed", Kind.INT, false, 0, false, 0, null, false),
            new Field("ok", "ok", Kind.INT, false, 0, false, 0, null, false),
            new Field("skipped", "skipped", Kind.INT, false, 0, false, 0, null, false),
            new Field("unreachable", "unreachable", Kind.INT, false, 0, false, 0, null, false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false)),
            false, hostFilters(), List.of("id", "created", "updated", "name", "changed", "failed", "ok", "skipped", "unreachable"), "id"),
    RESULTS("results", "rec_result", "r", List.of(
            new Field("status", "status", Kind.STRING, false, "unknown", false, 25, Set.of("ok", "failed", "skipped", "unreachable", "unknown"), false),
            new Field("changed", "changed", Kind.BOOL, false, false, false, 0, null, false),
            new Field("ignore_errors", "ignore_errors", Kind.BOOL, false, false, false, 0, null, false),
            new Field("content", "content", Kind.JSON, false, Map.of(), false, 0, null, true),
            new Field("host", "host_id", Kind.ID, true, null, false, 0, null, false),
            new Field("delegated_to", "delegated_to", Kind.IDS, false, List.of(), false, 0, null, false),
            new Field("task", "task_id", Kind.ID, true, null, false, 0, null, false),
            new Field("play", "play_id", Kind.ID, true, null, false, 0, null, false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false),
            new Field("started", "started_at", Kind.TIME, false, Field.NOW, false, 0, null, false),
            new Field("ended", "ended_at", Kind.TIME, false, null, true, 0, null, false)),
            true, filters("playbook", Filter.id("r.playbook_id"), "task", Filter.id("r.task_id"), "play", Filter.id("r.play_id"),
                    "host", Filter.id("r.host_id"), "changed", new Filter(FilterKind.BOOL, "r.changed", null),
                    "ignore_errors", new Filter(FilterKind.BOOL, "r.ignore_errors", null),
                    "status", new Filter(FilterKind.RESULT_STATUS, "r.status", Set.of("ok", "failed", "skipped", "unreachable", "unknown", "changed", "ignored"))),
            List.of("id", "created", "updated", "started", "ended", "duration"), "-id"),
    FILES("files", "rec_file", "f", List.of(
            new Field("path", "path", Kind.STRING, true, null, false, 1024, null, false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false)),
            false, filters("playbook", Filter.id("f.playbook_id"), "path", Filter.icontains("f.path")),
            List.of("id", "created", "updated", "path"), "id"),
    RECORDS("records", "rec_record", "c", List.of(
            new Field("key", "record_key", Kind.STRING, true, null, false, 255, null, false),
            new Field("value", "record_value", Kind.JSON, false, "", false, 0, null, true),
            new Field("type", "record_type", Kind.STRING, false, "text", false, 255, null, false),
            new Field("playbook", "playbook_id", Kind.ID, true, null, false, 0, null, false)),
            false, filters("playbook", Filter.id("c.playbook_id"), "key", new Filter(FilterKind.EXACT, "c.record_key", null)),
            List.of("id", "created", "updated", "key"), "id"),
    /** Read-only: the newest host row of each host name. */
    LATESTHOSTS("latesthosts", "rec_host", "h", HOSTS.fields, false, hostFilters(),
            List.of("id", "created", "updated", "name", "changed", "failed", "ok", "skipped", "unreachable"), "name");

    public enum Kind { STRING, INT, BOOL, TIME, JSON, ID, IDS }

    enum FilterKind { ID, ICONTAINS, IEXACT, EXACT, BOOL, STATUS, RESULT_STATUS, UUID, LABEL, FILE_PATH, GT, LT }

    /** One field: ARA's name, our column, kind, required on POST, default, nullable, max length, allowed values, large (left out of lists). */
    public record Field(String name, String column, Kind kind, boolean required, Object dflt, boolean nullable, int maxLength,
                        Set<String> choices, boolean large) {
        static final Object NOW = new Object();
    }

    record Filter(FilterKind kind, String column, Set<String> choices) {
        static Filter id(String column) {
            return new Filter(FilterKind.ID, column, null);
        }

        static Filter icontains(String column) {
            return new Filter(FilterKind.ICONTAINS, column, null);
        }

        static Filter status(String column, Set<String> choices) {
            return new Filter(FilterKind.STATUS, column, choices);
        }
    }

    public final String path;
    final String table;
    final String alias;
    final List<Field> fields;
    /** Has started/ended (and so a duration and the started/ended filters). */
    final boolean timed;
    final Map<String, Filter> filters;
    final List<String> orders;
    final String defaultOrder;

    AraResource(String path, String table, String alias, List<Field> fields, boolean timed, Map<String, Filter> filters,
                List<String> orders, String defaultOrder) {
        this.path = path;
        this.table = table;
        this.alias = alias;
        this.fields = fields;
        this.timed = timed;
        this.filters = filters;
        this.orders = orders;
        this.defaultOrder = defaultOrder;
    }

    public static Optional<AraResource> byPath(String path) {
        for (AraResource r : values()) if (r.path.equals(path)) return Optional.of(r);
        return Optional.empty();
    }

    Field field(String name) {
        for (Field f : fields) if (f.name().equals(name)) return f;
        return null;
    }

    private static Map<String, Filter> filters(Object... pairs) {
        Map<String, Filter> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Filter) pairs[i + 1]);
        return m;
    }

    private static Map<String, Filter> hostFilters() {
        Map<String, Filter> m = filters("playbook", Filter.id("h.playbook_id"), "name", Filter.icontains("h.name"));
        for (String counter : List.of("changed", "failed", "ok", "skipped", "unreachable")) {
            m.put(counter + "__gt", new Filter(FilterKind.GT, "h." + counter, null));
            m.put(counter + "__lt", new Filter(FilterKind.LT, "h." + counter, null));
        }
        return m;
    }
}
