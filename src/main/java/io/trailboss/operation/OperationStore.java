package io.trailboss.operation;

import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The operation table: one row per operation offered on a target kind. */
final class OperationStore {
    private static final String COLUMNS = "name, kind, workflow, description, fields, created_at, updated_at";
    private static final String INSERT = """
            insert into operation (name, kind, workflow, description, fields, created_at, updated_at)
            values (:name, :kind, :workflow, :description, :fields, :createdAt, :updatedAt)
            """;
    private static final String UPDATE = """
            update operation set kind = :kind, workflow = :workflow, description = :description, fields = :fields, updated_at = :updatedAt
            where name = :name
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from operation where name = :name";
    private static final String LIST = "select " + COLUMNS + " from operation order by name";
    private static final String BY_KIND = "select " + COLUMNS + " from operation where kind = :kind order by name";
    private static final String DELETE = "delete from operation where name = :name";

    void save(Handle h, Operation op) {
        boolean exists = byName(h, op.name()).isPresent();
        h.createUpdate(exists ? UPDATE : INSERT).bind("name", op.name()).bind("kind", op.kind()).bind("workflow", op.workflow())
                .bind("description", op.description()).bind("fields", Json.write(op.fields())).bind("createdAt", op.createdAt())
                .bind("updatedAt", op.updatedAt()).execute();
    }

    Optional<Operation> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    List<Operation> list(Handle h, String kind) {
        return kind == null ? h.createQuery(LIST).map((rs, ctx) -> map(rs)).list()
                : h.createQuery(BY_KIND).bind("kind", kind).map((rs, ctx) -> map(rs)).list();
    }

    boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    private static Operation map(ResultSet rs) throws SQLException {
        return new Operation(rs.getString("name"), rs.getString("kind"), rs.getString("workflow"), rs.getString("description"),
                Json.readMap(rs.getString("fields")), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
