package io.trailboss.environment;

import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The environment_def table. */
final class EnvironmentStore {
    private static final String COLUMNS = "id, name, description, variables, scope, created_at, updated_at";
    private static final String INSERT = """
            insert into environment_def (id, name, description, variables, scope, created_at, updated_at)
            values (:id, :name, :description, :variables, :scope, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update environment_def set description = :description, variables = :variables, scope = :scope, updated_at = :updatedAt
            where name = :name
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from environment_def where name = :name";
    private static final String LIST = "select " + COLUMNS + " from environment_def order by name limit :limit";
    private static final String DELETE = "delete from environment_def where name = :name";

    void insert(Handle h, Environment e) {
        bind(h, INSERT, e).bind("id", e.id()).bind("createdAt", e.createdAt()).execute();
    }

    void update(Handle h, Environment e) {
        bind(h, UPDATE, e).execute();
    }

    private static org.jdbi.v3.core.statement.Update bind(Handle h, String sql, Environment e) {
        return h.createUpdate(sql).bind("name", e.name()).bind("description", e.description()).bind("variables", Json.write(e.variables()))
                .bind("scope", e.scope()).bind("updatedAt", e.updatedAt());
    }

    Optional<Environment> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    List<Environment> list(Handle h, int limit) {
        return h.createQuery(LIST).bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    private static Environment map(ResultSet rs) throws SQLException {
        return new Environment(rs.getString("id"), rs.getString("name"), rs.getString("description"), Json.readMap(rs.getString("variables")),
                rs.getString("scope"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
