package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Workflow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The workflow table: one row per workflow name, pointing at its current document. */
public final class WorkflowStore {
    private static final String COLUMNS = "id, name, source_sha, description, tags, input_summary, created_at, updated_at";
    private static final String INSERT = """
            insert into workflow (id, name, source_sha, description, tags, input_summary, created_at, updated_at, workbook)
            values (:id, :name, :sha, :description, :tags, :inputSummary, :createdAt, :updatedAt, :workbook)
            """;
    private static final String UPDATE = """
            update workflow set source_sha = :sha, description = :description, tags = :tags,
                   input_summary = :inputSummary, updated_at = :updatedAt
            where id = :id
            """;
    private static final String BY_NAME = "select " + COLUMNS + " from workflow where name = :name";
    private static final String BY_ID = "select " + COLUMNS + " from workflow where id = :id";
    private static final String LIST = "select " + COLUMNS + " from workflow order by name limit :limit offset :offset";
    private static final String COUNT = "select count(*) from workflow";
    private static final String DELETE = "delete from workflow where name = :name";
    private static final String WORKBOOK_OF = "select workbook from workflow where name = :name";
    private static final String DELETE_WORKBOOK = "delete from workflow where workbook = :workbook";

    public void insert(Handle h, Workflow w) {
        insert(h, w, null);
    }

    /** Stores a workflow that belongs to {@code workbook} (null: to none). */
    public void insert(Handle h, Workflow w, String workbook) {
        h.createUpdate(INSERT).bind("workbook", workbook).bind("id", w.id()).bind("name", w.name()).bind("sha", w.sourceSha())
                .bind("description", w.description()).bind("tags", Json.write(w.tags()))
                .bind("inputSummary", w.inputSummary()).bind("createdAt", w.createdAt()).bind("updatedAt", w.updatedAt())
                .execute();
    }

    public void update(Handle h, Workflow w) {
        h.createUpdate(UPDATE).bind("id", w.id()).bind("sha", w.sourceSha()).bind("description", w.description())
                .bind("tags", Json.write(w.tags())).bind("inputSummary", w.inputSummary()).bind("updatedAt", w.updatedAt())
                .execute();
    }

    public Optional<Workflow> byName(Handle h, String name) {
        return h.createQuery(BY_NAME).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    /** A workflow by id or, failing that, by name (the API accepts either). */
    public Optional<Workflow> byIdOrName(Handle h, String idOrName) {
        // ids are UUIDs: anything else can only be a name, and needs no look-up by id
        if (idOrName == null || idOrName.length() != 36 || idOrName.charAt(8) != '-') return byName(h, idOrName);
        Optional<Workflow> byId = h.createQuery(BY_ID).bind("id", idOrName).map((rs, ctx) -> map(rs)).findOne();
        return byId.isPresent() ? byId : byName(h, idOrName);
    }

    public List<Workflow> list(Handle h, int limit, int offset) {
        return h.createQuery(LIST).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public long count(Handle h) {
        return h.createQuery(COUNT).mapTo(Long.class).one();
    }

    /**
     * Whether a workflow of this name is stored, and the workbook it belongs to: empty when there is no such
     * workflow, an empty string when it belongs to none.
     */
    public Optional<String> workbookOf(Handle h, String name) {
        return h.createQuery(WORKBOOK_OF).bind("name", name).map((rs, ctx) -> rs.getString("workbook") == null ? "" : rs.getString("workbook")).findOne();
    }

    /** Removes every workflow of a workbook; how many there were. */
    public int deleteWorkbook(Handle h, String workbook) {
        return h.createUpdate(DELETE_WORKBOOK).bind("workbook", workbook).execute();
    }

    public boolean delete(Handle h, String name) {
        return h.createUpdate(DELETE).bind("name", name).execute() > 0;
    }

    private static Workflow map(ResultSet rs) throws SQLException {
        return new Workflow(rs.getString("id"), rs.getString("name"), rs.getString("source_sha"), rs.getString("description"),
                Rows.strings(rs, "tags"), rs.getString("input_summary"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
