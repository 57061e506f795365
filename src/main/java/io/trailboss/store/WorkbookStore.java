package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Workbook;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The workbook table: one row per workbook name, pointing at its current document. */
public final class WorkbookStore {
    private static final String COLUMNS = "id, name, source_sha, description, tags, scope, created_at, updated_at";
    private static final String INSERT = """
            insert into workbook (id, name, source_sha, description, tags, scope, created_at, updated_at)
            values (:id, :name, :sha, :description, :tags, :scope, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update workbook set source_sha = :sha, description = :description, tags = :tags, scope = :scope, updated_at = :updatedAt
            where id = :id
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from workbook where name = :name";
    private static final String BY_ID = "select " + COLUMNS + " from workbook where id = :id";
    private static final String DELETE = "delete from workbook where id = :id";
    /** A page in the order of one column (id breaks ties), optionally after a marker row and of one name. */
    private static final String PAGE = """
            select %1$s from workbook
            where (:anyName = true or name = :name)
              and (:after = false or %2$s %3$s :markerKey or (%2$s = :markerKey and id %3$s :markerId))
            order by %2$s %4$s, id %4$s
            limit :limit
            """;

    /** The columns a list may be ordered by. */
    public enum Order {
        CREATED_AT("created_at"), UPDATED_AT("updated_at"), NAME("name"), ID("id");

        private final String column;

        Order(String column) {
            this.column = column;
        }

        public static Optional<Order> of(String key) {
            for (Order o : values()) if (o.column.equals(key)) return Optional.of(o);
            return Optional.empty();
        }

        Object keyOf(Workbook w) {
            return switch (this) {
                case CREATED_AT -> w.createdAt();
                case UPDATED_AT -> w.updatedAt();
                case NAME -> w.name();
                case ID -> w.id();
            };
        }
    }

    public void insert(Handle h, Workbook w) {
        h.createUpdate(INSERT).bind("id", w.id()).bind("name", w.name()).bind("sha", w.sourceSha()).bind("description", w.description())
                .bind("tags", Json.write(w.tags())).bind("scope", w.scope()).bind("createdAt", w.createdAt()).bind("updatedAt", w.updatedAt())
                .execute();
    }

    public void update(Handle h, Workbook w) {
        h.createUpdate(UPDATE).bind("id", w.id()).bind("sha", w.sourceSha()).bind("description", w.description())
                .bind("tags", Json.write(w.tags())).bind("scope", w.scope()).bind("updatedAt", w.updatedAt())
                .execute();
    }

    public Optional<Workbook> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /** A workbook by id or, failing that, by name (a list's marker may be either). */
    public Optional<Workbook> byIdOrName(Handle h, String idOrName) {
        Optional<Workbook> byId = h.createQuery(BY_ID).bind("id", idOrName).map((rs, ctx) -> map(rs)).findOne();
        return byId.isPresent() ? byId : byName(h, idOrName);
    }

    /** Up to {@code limit} workbooks in {@code order}, after {@code marker} when given, only the one named {@code name} when given. */
    public List<Workbook> page(Handle h, Order order, boolean descending, Workbook marker, String name, int limit) {
        String sql = PAGE.formatted(COLUMNS, order.column, descending ? "<" : ">", descending ? "desc" : "asc");
        var q = h.createQuery(sql).bind("anyName", name == null).bind("name", name == null ? "" : name).bind("after", marker != null).bind("limit", limit)
                .bind("markerId", marker == null ? "" : marker.id());
        Object key = marker == null ? null : order.keyOf(marker);
        if (order == Order.CREATED_AT || order == Order.UPDATED_AT) q.bind("markerKey", key == null ? 0L : (Long) key);
        else q.bind("markerKey", key == null ? "" : (String) key);
        return q.map((rs, ctx) -> map(rs)).list();
    }

    public boolean delete(Handle h, String id) {
        return h.createUpdate(DELETE).bind("id", id).execute() > 0;
    }

    private static Workbook map(ResultSet rs) throws SQLException {
        return new Workbook(rs.getString("id"), rs.getString("name"), rs.getString("source_sha"), rs.getString("description"),
                Rows.strings(rs, "tags"), rs.getString("scope"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
