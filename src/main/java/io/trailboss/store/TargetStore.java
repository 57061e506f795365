package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Target;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The target table and its labels (target_label): one row per target, one per label. */
public final class TargetStore {
    private static final String COLUMNS = "t.id, t.kind, t.name, t.parent_id, t.params, t.profiles, t.stage, t.created_at, t.updated_at";
    private static final String INSERT = """
            insert into target (id, kind, name, parent_id, params, profiles, stage, created_at, updated_at)
            values (:id, :kind, :name, :parentId, :params, :profiles, :stage, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update target set kind = :kind, name = :name, parent_id = :parentId, params = :params, profiles = :profiles,
                   stage = :stage, updated_at = :updatedAt
            where id = :id
            """;
    private static final String BY_ID = "select " + COLUMNS + " from target t where t.id = :id";
    private static final String BY_NAME = "select " + COLUMNS + " from target t where t.name = :name";
    private static final String LOCK = "select " + COLUMNS + " from target t where t.id = :id for update";
    private static final String ALL = "select " + COLUMNS + " from target t order by t.name";
    private static final String CHILDREN = "select count(*) from target where parent_id = :id";
    private static final String LABELS = "select name, label_value from target_label where target_id = :id order by name";
    private static final String LABELS_OF_MANY = "select target_id, name, label_value from target_label where target_id in (<ids>) order by name";
    private static final String INSERT_LABEL = "insert into target_label (target_id, name, label_value) values (:id, :name, :value)";
    private static final String DELETE_LABELS = "delete from target_label where target_id = :id";
    private static final String DELETE = "delete from target where id = :id";

    /** Filters for listing; null fields and an empty label map do not filter. */
    /** Records a target's current stage (its lifecycle moved it). */
    public void setStage(Handle h, String id, String stage, long now) {
        h.createUpdate("update target set stage = :stage, updated_at = :now where id = :id").bind("id", id).bind("stage", stage).bind("now", now).execute();
    }

    /** {@code scope}: only the targets a reader with scoped grants sees (null: all). */
    public record Filter(String kind, Map<String, String> labels, String parentId, TargetScope scope) {
        public static final Filter ALL = new Filter(null, Map.of(), null, null);

        public Filter(String kind, Map<String, String> labels, String parentId) {
            this(kind, labels, parentId, null);
        }
    }

    public void insert(Handle h, Target t) {
        h.createUpdate(INSERT).bind("id", t.id()).bind("kind", t.kind()).bind("name", t.name()).bind("parentId", t.parentId())
                .bind("params", Json.write(t.params())).bind("profiles", Json.write(t.profiles())).bind("stage", t.stage())
                .bind("createdAt", t.createdAt()).bind("updatedAt", t.updatedAt()).execute();
        insertLabels(h, t);
    }

    public void update(Handle h, Target t) {
        h.createUpdate(UPDATE).bind("id", t.id()).bind("kind", t.kind()).bind("name", t.name()).bind("parentId", t.parentId())
                .bind("params", Json.write(t.params())).bind("profiles", Json.write(t.profiles())).bind("stage", t.stage())
                .bind("updatedAt", t.updatedAt()).execute();
        h.createUpdate(DELETE_LABELS).bind("id", t.id()).execute();
        insertLabels(h, t);
    }

    private static void insertLabels(Handle h, Target t) {
        if (t.labels().isEmpty()) return;
        var batch = h.prepareBatch(INSERT_LABEL);
        t.labels().forEach((k, v) -> batch.bind("id", t.id()).bind("name", k).bind("value", v).add());
        batch.execute();
    }

    public Optional<Target> byId(Handle h, String id) {
        return h.createQuery(BY_ID).bind("id", id).map((rs, ctx) -> map(rs)).findOne().map(t -> withLabels(h, t));
    }

    public Optional<Target> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne().map(t -> withLabels(h, t));
    }

    /** A target by id or, failing that, by name (the API accepts either). */
    public Optional<Target> byIdOrName(Handle h, String idOrName) {
        Optional<Target> byId = byId(h, idOrName);
        return byId.isPresent() ? byId : byName(h, idOrName);
    }

    /** Locks a target's row until the transaction ends and reads it. */
    public Optional<Target> lock(Handle h, String id) {
        return h.createQuery(LOCK).bind("id", id).map((rs, ctx) -> map(rs)).findOne().map(t -> withLabels(h, t));
    }

    public List<Target> list(Handle h, Filter f, int limit, int offset) {
        List<String> ids = f.scope() == null ? null : f.scope().targetIds(h);
        if (ids != null && ids.isEmpty()) return List.of();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from target t");
        where(sql, f, ids);
        sql.append(" order by t.name limit :limit offset :offset");
        Query q = h.createQuery(sql.toString()).bind("limit", limit).bind("offset", offset);
        bind(q, f, ids);
        return withLabels(h, q.map((rs, ctx) -> map(rs)).list());
    }

    public long count(Handle h, Filter f) {
        List<String> ids = f.scope() == null ? null : f.scope().targetIds(h);
        if (ids != null && ids.isEmpty()) return 0;
        StringBuilder sql = new StringBuilder("select count(*) from target t");
        where(sql, f, ids);
        Query q = h.createQuery(sql.toString());
        bind(q, f, ids);
        return q.mapTo(Long.class).one();
    }

    private static final String NODE_COLUMNS = COLUMNS + ", (select count(*) from target c where c.parent_id = t.id) as child_count";

    /** A target with how many children it has (a tree node). */
    public record Node(Target target, long children) {}

    /**
     * Children of {@code parentId} (null: the targets without a parent) by name, each with its number of children.
     * With a {@code scope} (a reader with scoped grants), only targets in it, and its tops stand at the root: the
     * targets in scope whose parent is not (or who have none); children are counted in scope too.
     */
    public List<Node> level(Handle h, String parentId, TargetScope scope, int limit, int offset) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return List.of();
        Query q = h.createQuery("select " + NODE_COLUMNS + " from target t where " + levelWhere(parentId, ids) + " order by t.name limit :limit offset :offset")
                .bind("limit", limit).bind("offset", offset);
        bindLevel(q, parentId, ids);
        return nodes(h, q, ids);
    }

    public long countLevel(Handle h, String parentId, TargetScope scope) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return 0;
        Query q = h.createQuery("select count(*) from target t where " + levelWhere(parentId, ids));
        bindLevel(q, parentId, ids);
        return q.mapTo(Long.class).one();
    }

    private static String levelWhere(String parentId, List<String> scopeIds) {
        if (parentId != null) return "t.parent_id = :parentId" + (scopeIds == null ? "" : " and t.id = any(:scopeIds)");
        if (scopeIds == null) return "t.parent_id is null";
        return "t.id = any(:scopeIds) and (t.parent_id is null or not (t.parent_id = any(:scopeIds)))";
    }

    private static void bindLevel(Query q, String parentId, List<String> scopeIds) {
        if (parentId != null) q.bind("parentId", parentId);
        if (scopeIds != null) q.bindArray("scopeIds", String.class, scopeIds);
    }

    /** Targets whose name contains {@code text} (case-insensitive), by name; with a {@code scope}, only those in it. */
    public List<Node> search(Handle h, String text, TargetScope scope, int limit, int offset) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return List.of();
        Query q = h.createQuery("select " + NODE_COLUMNS + " from target t where lower(t.name) like :pattern" + (ids == null ? "" : " and t.id = any(:scopeIds)")
                        + " order by t.name limit :limit offset :offset")
                .bind("pattern", "%" + likeEscape(text.toLowerCase(java.util.Locale.ROOT)) + "%").bind("limit", limit).bind("offset", offset);
        if (ids != null) q.bindArray("scopeIds", String.class, ids);
        return nodes(h, q, ids);
    }

    public long countSearch(Handle h, String text, TargetScope scope) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return 0;
        Query q = h.createQuery("select count(*) from target t where lower(t.name) like :pattern" + (ids == null ? "" : " and t.id = any(:scopeIds)"))
                .bind("pattern", "%" + likeEscape(text.toLowerCase(java.util.Locale.ROOT)) + "%");
        if (ids != null) q.bindArray("scopeIds", String.class, ids);
        return q.mapTo(Long.class).one();
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** {@code scopeIds}: a scoped reader's targets, whose children alone are counted (null: all are). */
    private List<Node> nodes(Handle h, Query q, List<String> scopeIds) {
        List<long[]> counts = new java.util.ArrayList<>();
        List<Target> list = q.map((rs, ctx) -> {
            counts.add(new long[] {rs.getLong("child_count")});
            return map(rs);
        }).list();
        List<Target> labelled = withLabels(h, list);
        if (scopeIds != null && !labelled.isEmpty()) {
            // one query for the page, not one per row
            Map<String, Long> inScope = new java.util.HashMap<>();
            h.createQuery("select parent_id, count(*) as n from target where parent_id in (<ids>) and id = any(:scopeIds) group by parent_id")
                    .bindList("ids", labelled.stream().map(Target::id).toList()).bindArray("scopeIds", String.class, scopeIds)
                    .map((rs, ctx) -> Map.entry(rs.getString("parent_id"), rs.getLong("n"))).forEach(e -> inScope.put(e.getKey(), e.getValue()));
            for (int i = 0; i < labelled.size(); i++) counts.get(i)[0] = inScope.getOrDefault(labelled.get(i).id(), 0L);
        }
        List<Node> out = new java.util.ArrayList<>(labelled.size());
        for (int i = 0; i < labelled.size(); i++) out.add(new Node(labelled.get(i), counts.get(i)[0]));
        return out;
    }

    /** Every target (for checks that span all of them, such as a new schema for a param). */
    public List<Target> all(Handle h) {
        return withLabels(h, h.createQuery(ALL).map((rs, ctx) -> map(rs)).list());
    }

    public long children(Handle h, String id) {
        return h.createQuery(CHILDREN).bind("id", id).mapTo(Long.class).one();
    }

    /** Names of targets whose profile list names {@code profile}. */
    public List<String> usingProfile(Handle h, String profile) {
        String quoted = Json.write(profile);
        // a cheap pre-filter on the JSON text; the exact check is on the parsed list
        return h.createQuery("select " + COLUMNS + " from target t where t.profiles like :pattern order by t.name")
                .bind("pattern", "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                .map((rs, ctx) -> map(rs)).list().stream()
                .filter(t -> t.profiles().contains(profile)).map(Target::name).toList();
    }

    public boolean delete(Handle h, String id) {
        h.createUpdate(DELETE_LABELS).bind("id", id).execute();
        return h.createUpdate(DELETE).bind("id", id).execute() > 0;
    }

    private static void where(StringBuilder sql, Filter f, List<String> scopeIds) {
        List<String> conditions = new ArrayList<>();
        if (f.kind() != null) conditions.add("t.kind = :kind");
        if (f.parentId() != null) conditions.add("t.parent_id = :parentId");
        for (int i = 0; i < f.labels().size(); i++) {
            conditions.add("exists (select 1 from target_label l where l.target_id = t.id and l.name = :ln" + i + " and l.label_value = :lv" + i + ")");
        }
        if (scopeIds != null) conditions.add("t.id = any(:scopeIds)");
        if (!conditions.isEmpty()) sql.append(" where ").append(String.join(" and ", conditions));
    }

    private static void bind(Query q, Filter f, List<String> scopeIds) {
        if (f.kind() != null) q.bind("kind", f.kind());
        if (f.parentId() != null) q.bind("parentId", f.parentId());
        int i = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(f.labels()).entrySet()) {
            q.bind("ln" + i, e.getKey()).bind("lv" + i, e.getValue());
            i++;
        }
        if (scopeIds != null) q.bindArray("scopeIds", String.class, scopeIds);
    }

    private static Target withLabels(Handle h, Target t) {
        Map<String, String> labels = new LinkedHashMap<>();
        h.createQuery(LABELS).bind("id", t.id()).map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getString("label_value")))
                .forEach(e -> labels.put(e.getKey(), e.getValue()));
        return copy(t, labels);
    }

    private static List<Target> withLabels(Handle h, List<Target> targets) {
        if (targets.isEmpty()) return targets;
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        h.createQuery(LABELS_OF_MANY).bindList("ids", targets.stream().map(Target::id).toList())
                .map((rs, ctx) -> new String[] {rs.getString("target_id"), rs.getString("name"), rs.getString("label_value")})
                .forEach(r -> labels.computeIfAbsent(r[0], k -> new LinkedHashMap<>()).put(r[1], r[2]));
        return targets.stream().map(t -> copy(t, labels.getOrDefault(t.id(), Map.of()))).toList();
    }

    private static Target copy(Target t, Map<String, String> labels) {
        return new Target(t.id(), t.kind(), t.name(), t.parentId(), labels, t.params(), t.profiles(), t.stage(), t.createdAt(), t.updatedAt());
    }

    private static Target map(ResultSet rs) throws SQLException {
        return new Target(rs.getString("id"), rs.getString("kind"), rs.getString("name"), rs.getString("parent_id"), Map.of(),
                Rows.map(rs, "params"), Rows.strings(rs, "profiles"), rs.getString("stage"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    /** The change counter (table {@code target_change}, see {@code Targets#version}). */
    public long changeVersion(Handle h) {
        return h.createQuery("select version from target_change where id = 1").mapTo(Long.class).one();
    }

    /** Raises the change counter, in the transaction of a change to targets, profiles or declarations. */
    public void changed(Handle h) {
        h.createUpdate("update target_change set version = version + 1 where id = 1").execute();
    }
}
