package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Profile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The profile table: one row per named param set (the row {@code global} always exists). */
public final class ProfileStore {
    private static final String COLUMNS = "name, description, params, created_at, updated_at";
    private static final String INSERT = """
            insert into profile (name, description, params, created_at, updated_at)
            values (:name, :description, :params, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = "update profile set description = :description, params = :params, updated_at = :updatedAt where name = :name";
    private static final String BY_NAME = "select " + COLUMNS + " from profile where name = :name";
    private static final String LOCK = "select " + COLUMNS + " from profile where name = :name for update";
    private static final String LIST = "select " + COLUMNS + " from profile order by name limit :limit offset :offset";
    private static final String ALL = "select " + COLUMNS + " from profile order by name";
    private static final String COUNT = "select count(*) from profile";
    private static final String DELETE = "delete from profile where name = :name";

    public void insert(Handle h, Profile p) {
        h.createUpdate(INSERT).bind("name", p.name()).bind("description", p.description()).bind("params", Json.write(p.params()))
                .bind("createdAt", p.createdAt()).bind("updatedAt", p.updatedAt()).execute();
    }

    public void update(Handle h, Profile p) {
        h.createUpdate(UPDATE).bind("name", p.name()).bind("description", p.description()).bind("params", Json.write(p.params()))
                .bind("updatedAt", p.updatedAt()).execute();
    }

    public Optional<Profile> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Locks a profile's row until the transaction ends and reads it. */
    public Optional<Profile> lock(Handle h, String name) {
        return h.createQuery(LOCK).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<Profile> list(Handle h, int limit, int offset) {
        return h.createQuery(LIST).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public List<Profile> all(Handle h) {
        return h.createQuery(ALL).map((rs, ctx) -> map(rs)).list();
    }

    public long count(Handle h) {
        return h.createQuery(COUNT).mapTo(Long.class).one();
    }

    public boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    private static Profile map(ResultSet rs) throws SQLException {
        return new Profile(rs.getString("name"), rs.getString("description"), Rows.map(rs, "params"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
