package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The task_execution table. Rows are written whole: the engine changes a record and saves it. */
public final class TaskStore {
    private static final String COLUMNS = """
            id, execution_id, name, state, state_info, in_context, published, result, attempt, items_total, items_next,
            items_done, items_failed, arrived, flags, error_handled, leaf, seq, created_at, started_at, finished_at, updated_at,
            error_kind, error_cause""";
    private static final String INSERT = """
            insert into task_execution (id, execution_id, name, state, state_info, in_context, published, result, attempt,
                items_total, items_next, items_done, items_failed, arrived, flags, error_handled, leaf, seq, created_at,
                started_at, finished_at, updated_at, error_kind, error_cause)
            values (:id, :executionId, :name, :state, :stateInfo, :inContext, :published, :result, :attempt,
                :itemsTotal, :itemsNext, :itemsDone, :itemsFailed, :arrived, :flags, :errorHandled, :leaf, :seq, :createdAt,
                :startedAt, :finishedAt, :updatedAt, :errorKind, :errorCause)
            """;
    private static final String UPDATE = """
            update task_execution set state = :state, state_info = :stateInfo, in_context = :inContext, published = :published, result = :result,
                attempt = :attempt, items_total = :itemsTotal, items_next = :itemsNext, items_done = :itemsDone,
                items_failed = :itemsFailed, arrived = :arrived, flags = :flags, error_handled = :errorHandled,
                leaf = :leaf, started_at = :startedAt, finished_at = :finishedAt, updated_at = :updatedAt,
                error_kind = :errorKind, error_cause = :errorCause
            where id = :id
            """;
    private static final String FIND = "select " + COLUMNS + " from task_execution where id = :id";
    private static final String BY_EXECUTION = "select " + COLUMNS + " from task_execution where execution_id = :executionId order by seq";
    private static final String LATEST_BY_NAME = """
            select %s from task_execution where execution_id = :executionId and name = :name order by seq desc limit 1
            """.formatted(COLUMNS);
    private static final String IN_STATE = "select " + COLUMNS + " from task_execution where execution_id = :executionId and state = :state order by seq";
    private static final String LEAVES = "select " + COLUMNS + " from task_execution where execution_id = :executionId and leaf = true order by seq";
    private static final String UNFINISHED = """
            select %s from task_execution where execution_id = :executionId
            and state in ('IDLE', 'WAITING', 'RUNNING', 'DELAYED', 'PAUSED', 'BLOCKED', 'INTERRUPTED') order by seq
            """.formatted(COLUMNS);
    // "order by execution_id, seq desc limit 1" reads one entry of task_by_execution_seq on H2 and PostgreSQL
    private static final String MAX_SEQ = """
            select seq from task_execution where execution_id = :executionId order by execution_id, seq desc limit 1
            """;

    public void insert(Handle h, TaskExecution t) {
        bindAll(h.createUpdate(INSERT), t).bind("executionId", t.executionId()).bind("name", t.name())
                .bind("inContext", Json.write(t.inContext())).bind("seq", t.seq()).bind("createdAt", t.createdAt())
                .execute();
    }

    public void update(Handle h, TaskExecution t) {
        bindAll(h.createUpdate(UPDATE), t).bind("inContext", Json.write(t.inContext())).execute();
    }

    private static org.jdbi.v3.core.statement.Update bindAll(org.jdbi.v3.core.statement.Update u, TaskExecution t) {
        return u.bind("id", t.id()).bind("state", t.state().name()).bind("stateInfo", t.stateInfo())
                .bind("published", Rows.jsonOrNull(t.published())).bind("result", Rows.jsonOrNull(t.result()))
                .bind("attempt", t.attempt()).bind("itemsTotal", t.itemsTotal()).bind("itemsNext", t.itemsNext())
                .bind("itemsDone", t.itemsDone()).bind("itemsFailed", t.itemsFailed())
                .bind("arrived", Rows.jsonOrNull(t.arrived())).bind("flags", io.trailboss.model.TaskFlag.write(t.flags()))
                .bind("errorHandled", t.errorHandled()).bind("leaf", t.leaf()).bind("startedAt", t.startedAt())
                .bind("finishedAt", t.finishedAt()).bind("updatedAt", t.updatedAt())
                .bind("errorKind", t.errorKind() == null ? null : t.errorKind().name()).bind("errorCause", t.errorCause());
    }

    public Optional<TaskExecution> find(Handle h, String id) {
        return h.createQuery(FIND).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<TaskExecution> byExecution(Handle h, String executionId) {
        return h.createQuery(BY_EXECUTION).bind("executionId", executionId).map((rs, ctx) -> map(rs)).list();
    }

    /** Task executions of every execution, oldest first, a page at a time. */
    public List<TaskExecution> page(Handle h, int limit, int offset) {
        return h.createQuery("select " + COLUMNS + " from task_execution order by created_at, id limit :limit offset :offset")
                .bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    public Optional<TaskExecution> latestByName(Handle h, String executionId, String name) {
        return h.createQuery(LATEST_BY_NAME).bind("executionId", executionId).bind("name", name).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<TaskExecution> inState(Handle h, String executionId, ExecutionState state) {
        return h.createQuery(IN_STATE).bind("executionId", executionId).bind("state", state.name()).map((rs, ctx) -> map(rs)).list();
    }

    public List<TaskExecution> leaves(Handle h, String executionId) {
        return h.createQuery(LEAVES).bind("executionId", executionId).map((rs, ctx) -> map(rs)).list();
    }

    public List<TaskExecution> unfinished(Handle h, String executionId) {
        return h.createQuery(UNFINISHED).bind("executionId", executionId).map((rs, ctx) -> map(rs)).list();
    }

    public long maxSeq(Handle h, String executionId) {
        return h.createQuery(MAX_SEQ).bind("executionId", executionId).mapTo(Long.class).findOne().orElse(0L);
    }

    private static TaskExecution map(ResultSet rs) throws SQLException {
        return new TaskExecution(
                rs.getString("id"), rs.getString("execution_id"), rs.getString("name"),
                ExecutionState.valueOf(rs.getString("state")), rs.getString("state_info"), Rows.map(rs, "in_context"),
                rs.getString("published") == null ? null : Rows.map(rs, "published"), Rows.json(rs, "result"),
                rs.getInt("attempt"), rs.getInt("items_total"), rs.getInt("items_next"), rs.getInt("items_done"),
                rs.getInt("items_failed"), rs.getString("arrived") == null ? null : Rows.strings(rs, "arrived"),
                io.trailboss.model.TaskFlag.read(rs.getString("flags")), rs.getBoolean("error_handled"), rs.getBoolean("leaf"), rs.getLong("seq"),
                rs.getLong("created_at"), Rows.nullableLong(rs, "started_at"), Rows.nullableLong(rs, "finished_at"),
                rs.getLong("updated_at"), rs.getString("error_kind") == null ? null : TaskErrorKind.valueOf(rs.getString("error_kind")),
                rs.getString("error_cause"));
    }

    /** Deletes the task executions of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from task_execution where execution_id in (<executions>)").bindList("executions", List.copyOf(executionIds)).execute();
    }
}
