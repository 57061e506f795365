package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The execution table. Every engine transaction on an execution starts by locking its row. */
public final class ExecutionStore {
    private static final String COLUMNS = """
            id, workflow_id, workflow_name, source_sha, state, state_info, input, params, context, output, description,
            parent_job_id, root_execution_id, active_tasks, waiting_joins, unhandled_errors, created_at, updated_at, finished_at, steered,
            target_id""";
    private static final String INSERT = """
            insert into execution (id, workflow_id, workflow_name, source_sha, state, state_info, input, params, context,
                output, description, parent_job_id, root_execution_id, active_tasks, waiting_joins, unhandled_errors,
                created_at, updated_at, finished_at, steered, target_id)
            values (:id, :workflowId, :workflowName, :sourceSha, :state, :stateInfo, :input, :params, :context,
                :output, :description, :parentJobId, :rootExecutionId, :activeTasks, :waitingJoins, :unhandledErrors,
                :createdAt, :updatedAt, :finishedAt, :steered, :targetId)
            """;
    private static final String LOCK = "select " + COLUMNS + " from execution where id = :id for update";
    private static final String FIND = "select " + COLUMNS + " from execution where id = :id";
    private static final String UPDATE = """
            update execution set state = :state, state_info = :stateInfo, output = :output, active_tasks = :activeTasks,
                waiting_joins = :waitingJoins, unhandled_errors = :unhandledErrors, updated_at = :updatedAt,
                finished_at = :finishedAt, steered = :steered
            where id = :id
            """;
    private static final String RESTART = """
            update execution set input = :input, params = :params, context = :context
            where id = :id
            """;
    private static final String BY_PARENT_JOB = "select " + COLUMNS + " from execution where parent_job_id = :jobId";
    private static final String UNFINISHED = "select id from execution where state in ('RUNNING', 'PAUSED')";

    public void insert(Handle h, Execution e) {
        h.createUpdate(INSERT)
                .bind("id", e.id()).bind("workflowId", e.workflowId()).bind("workflowName", e.workflowName())
                .bind("sourceSha", e.sourceSha()).bind("state", e.state().name()).bind("stateInfo", e.stateInfo())
                .bind("input", Json.write(e.input())).bind("params", Json.write(e.params()))
                .bind("context", Json.write(e.context())).bind("output", Rows.jsonOrNull(e.output()))
                .bind("description", e.description()).bind("parentJobId", e.parentJobId())
                .bind("rootExecutionId", e.rootExecutionId()).bind("activeTasks", e.activeTasks())
                .bind("waitingJoins", e.waitingJoins()).bind("unhandledErrors", e.unhandledErrors())
                .bind("createdAt", e.createdAt()).bind("updatedAt", e.updatedAt()).bind("finishedAt", e.finishedAt())
                .bind("steered", e.steered()).bind("targetId", e.targetId())
                .execute();
    }

    /** Reads and row-locks an execution: engine transactions on one execution run one at a time. */
    public Optional<Execution> lock(Handle h, String id) {
        return h.createQuery(LOCK).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Only an execution's input (null if there is no such execution). */
    public Map<String, Object> input(Handle h, String id) {
        return h.createQuery("select input from execution where id = :id").bind("id", id)
                .map((rs, ctx) -> Rows.map(rs, "input")).findOne().orElse(null);
    }

    public Optional<Execution> find(Handle h, String id) {
        return h.createQuery(FIND).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Execution> byParentJob(Handle h, String jobId) {
        return h.createQuery(BY_PARENT_JOB).bind("jobId", jobId).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<String> unfinishedIds(Handle h) {
        return h.createQuery(UNFINISHED).mapTo(String.class).list();
    }

    public void update(Handle h, Execution e) {
        h.createUpdate(UPDATE)
                .bind("id", e.id()).bind("state", e.state().name()).bind("stateInfo", e.stateInfo())
                .bind("output", Rows.jsonOrNull(e.output())).bind("activeTasks", e.activeTasks())
                .bind("waitingJoins", e.waitingJoins()).bind("unhandledErrors", e.unhandledErrors())
                .bind("updatedAt", e.updatedAt()).bind("finishedAt", e.finishedAt())
                .bind("steered", e.steered())
                .execute();
    }

    /** A new description; false when there is no such execution. */
    public boolean describe(Handle h, String id, String description, long now) {
        return h.createUpdate("update execution set description = :description, updated_at = :now where id = :id")
                .bind("id", id).bind("description", description).bind("now", now).execute() == 1;
    }

    /** A rerun with changed input or env: the execution's input, params and context are replaced. */
    public void replaceInput(Handle h, Execution e) {
        h.createUpdate(RESTART).bind("id", e.id()).bind("input", Json.write(e.input())).bind("params", Json.write(e.params()))
                .bind("context", Json.write(e.context())).execute();
    }

    /**
     * Filters for listing; null fields do not filter. {@code scope}: only executions bound to a target in it (a
     * reader whose grants are scoped); {@code id}: only that one execution (a job's own).
     */
    public record Filter(String workflowName, ExecutionState state, Long createdAfter, Long createdBefore, String parentJobId,
            TargetScope scope, String id) {
        public static final Filter ALL = new Filter(null, null, null, null, null);

        public Filter(String workflowName, ExecutionState state, Long createdAfter, Long createdBefore, String parentJobId) {
            this(workflowName, state, createdAfter, createdBefore, parentJobId, null, null);
        }

        public Filter within(TargetScope s) {
            return new Filter(workflowName, state, createdAfter, createdBefore, parentJobId, s, id);
        }

        public Filter only(String executionId) {
            return new Filter(workflowName, state, createdAfter, createdBefore, parentJobId, scope, executionId);
        }
    }

    /**
     * More executions in a reader's scope than this, and a page is found sooner by going through all executions
     * newest first (the created_at index) and keeping those in scope than by reading every one in scope through
     * the target_id index and sorting them: that costs a row read per execution in scope.
     */
    static final int SCAN_SCOPE_AFTER = 2_000;

    /** The ids of a filter's scope, once read, and whether a page goes through the created_at order instead. */
    private record Scope(List<String> ids, boolean byTime) {}

    public List<Execution> list(Handle h, Filter f, int limit, int offset, boolean newestFirst) {
        Scope scope = scope(h, f, true);
        if (scope != null && scope.ids().isEmpty()) return List.of();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from execution");
        where(sql, f, scope);
        sql.append(" order by created_at ").append(newestFirst ? "desc" : "asc").append(", id limit :limit offset :offset");
        Query q = h.createQuery(sql.toString()).bind("limit", limit).bind("offset", offset);
        bind(q, f, scope);
        return q.map((rs, ctx) -> map(rs)).list();
    }

    public long count(Handle h, Filter f) {
        Scope scope = scope(h, f, false);
        if (scope != null && scope.ids().isEmpty()) return 0;
        StringBuilder sql = new StringBuilder("select count(*) from execution");
        where(sql, f, scope);
        Query q = h.createQuery(sql.toString());
        bind(q, f, scope);
        return q.mapTo(Long.class).one();
    }

    /** How many executions match, counting no further than {@code cap} (a page that only says "10,000+" need not count a million). */
    public long countUpTo(Handle h, Filter f, long cap) {
        return countUpTo(h, f, scope(h, f, false), cap);
    }

    private long countUpTo(Handle h, Filter f, Scope scope, long cap) {
        if (scope != null && scope.ids().isEmpty()) return 0;
        StringBuilder inner = new StringBuilder("select 1 from execution");
        where(inner, f, scope);
        Query q = h.createQuery("select count(*) from (" + inner + " limit :cap) as capped").bind("cap", cap);
        bind(q, f, scope);
        return q.mapTo(Long.class).one();
    }

    /** A filter's scope read (null without one); for a page, {@code byTime} when many executions are in it. */
    private Scope scope(Handle h, Filter f, boolean forPage) {
        if (f.scope() == null) return null;
        List<String> ids = f.scope().targetIds(h);
        if (ids.isEmpty() || !forPage) return new Scope(ids, false);
        Scope byIndex = new Scope(ids, false);
        return new Scope(ids, countUpTo(h, f, byIndex, SCAN_SCOPE_AFTER + 1) > SCAN_SCOPE_AFTER);
    }

    private static void where(StringBuilder sql, Filter f, Scope scope) {
        List<String> conditions = new ArrayList<>();
        if (f.workflowName() != null) conditions.add("workflow_name = :workflowName");
        if (f.state() != null) conditions.add("state = :state");
        if (f.createdAfter() != null) conditions.add("created_at >= :createdAfter");
        if (f.createdBefore() != null) conditions.add("created_at < :createdBefore");
        if (f.parentJobId() != null) conditions.add("parent_job_id = :parentJobId");
        if (f.id() != null) conditions.add("id = :onlyId");
        // through the target_id index; or, as an expression no index serves, checked on each row of the created_at order
        if (scope != null) conditions.add(scope.byTime() ? "coalesce(target_id, '') = any(:scopeIds)" : "target_id = any(:scopeIds)");
        if (!conditions.isEmpty()) sql.append(" where ").append(String.join(" and ", conditions));
    }

    private static void bind(Query q, Filter f, Scope scope) {
        if (f.workflowName() != null) q.bind("workflowName", f.workflowName());
        if (f.state() != null) q.bind("state", f.state().name());
        if (f.createdAfter() != null) q.bind("createdAfter", f.createdAfter());
        if (f.createdBefore() != null) q.bind("createdBefore", f.createdBefore());
        if (f.parentJobId() != null) q.bind("parentJobId", f.parentJobId());
        if (f.id() != null) q.bind("onlyId", f.id());
        if (scope != null) q.bindArray("scopeIds", String.class, scope.ids());
    }

    private static Execution map(ResultSet rs) throws SQLException {
        return new Execution(
                rs.getString("id"), rs.getString("workflow_id"), rs.getString("workflow_name"), rs.getString("source_sha"),
                ExecutionState.valueOf(rs.getString("state")), rs.getString("state_info"), Rows.map(rs, "input"),
                Rows.map(rs, "params"), Rows.map(rs, "context"), Rows.json(rs, "output"), rs.getString("description"),
                rs.getString("parent_job_id"), rs.getString("root_execution_id"), rs.getInt("active_tasks"),
                rs.getInt("waiting_joins"), rs.getInt("unhandled_errors"), rs.getLong("created_at"),
                rs.getLong("updated_at"), Rows.nullableLong(rs, "finished_at"), rs.getBoolean("steered"), rs.getString("target_id"));
    }

    /** Deletes these executions (an execution's delete: everything they own goes first, in the same transaction). */
    public int deleteAll(Handle h, java.util.Collection<String> ids) {
        if (ids.isEmpty()) return 0;
        return h.createUpdate("delete from execution where id in (<ids>)").bindList("ids", List.copyOf(ids)).execute();
    }
}
