package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.StoredAction;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The adhoc_action table (global ad-hoc actions, one row per name) and its change counter, adhoc_action_change. */
public final class AdHocActionStore {
    private static final String COLUMNS = "id, name, source_sha, description, tags, input_summary, scope, created_at, updated_at";
    private static final String INSERT = """
            insert into adhoc_action (id, name, source_sha, description, tags, input_summary, scope, created_at, updated_at)
            values (:id, :name, :sha, :description, :tags, :input, :scope, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update adhoc_action set name = :name, source_sha = :sha, description = :description, tags = :tags, input_summary = :input,
                   scope = :scope, updated_at = :updatedAt
            where id = :id
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from adhoc_action where name = :name";
    private static final String BY_ID = "select " + COLUMNS + " from adhoc_action where id = :id";
    private static final String ALL = "select " + COLUMNS + " from adhoc_action order by name";
    private static final String DELETE = "delete from adhoc_action where id = :id";
    private static final String VERSION = "select version from adhoc_action_change where id = 1";
    private static final String RAISE = "update adhoc_action_change set version = version + 1 where id = 1";

    public void insert(Handle h, StoredAction a) {
        bind(h.createUpdate(INSERT), a).bind("createdAt", a.createdAt()).execute();
        raiseVersion(h);
    }

    public void update(Handle h, StoredAction a) {
        bind(h.createUpdate(UPDATE), a).execute();
        raiseVersion(h);
    }

    public boolean delete(Handle h, String id) {
        boolean deleted = h.createUpdate(DELETE).bind("id", id).execute() > 0;
        if (deleted) raiseVersion(h);
        return deleted;
    }

    public Optional<StoredAction> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /** An action by id or, failing that, by name. */
    public Optional<StoredAction> byIdOrName(Handle h, String idOrName) {
        Optional<StoredAction> byId = h.createQuery(BY_ID).bind("id", idOrName).map((rs, ctx) -> map(rs)).findOne();
        return byId.isPresent() ? byId : byName(h, idOrName);
    }

    /** Every stored action, by name (there are few: people write them one by one). */
    public List<StoredAction> all(Handle h) {
        return h.createQuery(ALL).map((rs, ctx) -> map(rs)).list();
    }

    /** The change counter: raised in the transaction of every insert, update and delete. */
    public long version(Handle h) {
        return h.createQuery(VERSION).mapTo(Long.class).one();
    }

    private static void raiseVersion(Handle h) {
        h.createUpdate(RAISE).execute();
    }

    private static org.jdbi.v3.core.statement.Update bind(org.jdbi.v3.core.statement.Update u, StoredAction a) {
        return u.bind("id", a.id()).bind("name", a.name()).bind("sha", a.sourceSha()).bind("description", a.description())
                .bind("tags", Json.write(a.tags())).bind("input", a.inputSummary()).bind("scope", a.scope()).bind("updatedAt", a.updatedAt());
    }

    private static StoredAction map(ResultSet rs) throws SQLException {
        return new StoredAction(rs.getString("id"), rs.getString("name"), rs.getString("source_sha"), rs.getString("description"),
                Rows.strings(rs, "tags"), rs.getString("input_summary"), rs.getString("scope"), rs.getLong("created_at"),
                Rows.nullableLong(rs, "updated_at"));
    }
}
