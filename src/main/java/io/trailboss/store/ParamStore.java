package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.ParamDecl;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The param table: one row per declared param (schema, default, secret flag, description). */
public final class ParamStore {
    private static final String COLUMNS = "name, json_schema, default_value, secret, description, created_at, updated_at";
    private static final String INSERT = """
            insert into param (name, json_schema, default_value, secret, description, created_at, updated_at)
            values (:name, :schema, :defaultValue, :secret, :description, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update param set json_schema = :schema, default_value = :defaultValue, secret = :secret,
                   description = :description, updated_at = :updatedAt
            where name = :name
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from param where name = :name";
    private static final String LOCK = "select " + COLUMNS + " from param where name = :name for update";
    private static final String LIST = "select " + COLUMNS + " from param order by name limit :limit offset :offset";
    private static final String ALL = "select " + COLUMNS + " from param order by name";
    private static final String COUNT = "select count(*) from param";
    private static final String DELETE = "delete from param where name = :name";

    public void insert(Handle h, ParamDecl p) {
        h.createUpdate(INSERT).bind("name", p.name()).bind("schema", Rows.jsonOrNull(p.schema()))
                .bind("defaultValue", p.hasDefault() ? Json.write(p.defaultValue()) : null).bind("secret", p.secret())
                .bind("description", p.description()).bind("createdAt", p.createdAt()).bind("updatedAt", p.updatedAt()).execute();
    }

    public void update(Handle h, ParamDecl p) {
        h.createUpdate(UPDATE).bind("name", p.name()).bind("schema", Rows.jsonOrNull(p.schema()))
                .bind("defaultValue", p.hasDefault() ? Json.write(p.defaultValue()) : null).bind("secret", p.secret())
                .bind("description", p.description()).bind("updatedAt", p.updatedAt()).execute();
    }

    public Optional<ParamDecl> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Locks a declaration's row until the transaction ends and reads it. */
    public Optional<ParamDecl> lock(Handle h, String name) {
        return h.createQuery(LOCK).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<ParamDecl> list(Handle h, int limit, int offset) {
        return h.createQuery(LIST).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public List<ParamDecl> all(Handle h) {
        return h.createQuery(ALL).map((rs, ctx) -> map(rs)).list();
    }

    public long count(Handle h) {
        return h.createQuery(COUNT).mapTo(Long.class).one();
    }

    public boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    private static ParamDecl map(ResultSet rs) throws SQLException {
        String def = rs.getString("default_value");
        return new ParamDecl(rs.getString("name"), Rows.json(rs, "json_schema"), def != null, def == null ? null : Json.read(def),
                rs.getBoolean("secret"), rs.getString("description"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
