package io.trailboss.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The job_prompt table (questions running jobs asked on their output) and the inbox: everything
 * waiting for a person, manual jobs and open prompts together, oldest first.
 */
public final class PromptStore {
    // the jobs of these executions, found by their tasks (indexed), not by the job's execution_id (not indexed)
    private static final String JOBS_OF_EXECUTIONS = "select j.id from job j where j.task_execution_id in (select t.id from task_execution t where t.execution_id in (<executions>))";
    public static final String OPEN = "OPEN";
    public static final String ANSWERED = "ANSWERED";
    public static final String CLOSED = "CLOSED";

    private static final String COLUMNS = "id, job_id, execution_id, text, state, created_at, answered_by, answered_at, closed_at";
    private static final String INSERT = """
            insert into job_prompt (id, job_id, execution_id, text, state, created_at)
            values (:id, :jobId, :executionId, :text, 'OPEN', :createdAt)
            """;
    private static final String FIND = "select " + COLUMNS + " from job_prompt where id = :id";
    private static final String BY_JOB = "select " + COLUMNS + " from job_prompt where job_id = :jobId order by created_at, id";
    private static final String ANSWER = """
            update job_prompt set state = 'ANSWERED', answered_by = :by, answered_at = :now
            where id = :id and state = 'OPEN'
            """;
    private static final String CLOSE = "update job_prompt set state = 'CLOSED', closed_at = :now where id = :id and state <> 'CLOSED'";
    private static final String CLOSE_FOR_JOB = "update job_prompt set state = 'CLOSED', closed_at = :now where job_id = :jobId and state = 'OPEN'";
    // a manual job waits once its async result is recorded; a prompt only while its job runs
    private static final String WAITING = """
            select 'manual' as kind, j.id as id, j.id as job_id, j.execution_id as execution_id, e.workflow_name as workflow,
                   t.name as task_name, t.id as task_id, j.target as target, coalesce(j.started_at, j.created_at) as since, j.input as body,
                   e.target_id as execution_target
            from job j join task_execution t on t.id = j.task_execution_id join execution e on e.id = j.execution_id
            where j.action = 'manual' and j.state = 'RUNNING' and j.is_async = true
            union all
            select 'prompt' as kind, p.id as id, p.job_id as job_id, p.execution_id as execution_id, e.workflow_name as workflow,
                   t.name as task_name, t.id as task_id, j.target as target, p.created_at as since, p.text as body,
                   e.target_id as execution_target
            from job_prompt p join job j on j.id = p.job_id join task_execution t on t.id = j.task_execution_id
                 join execution e on e.id = p.execution_id
            where p.state = 'OPEN' and j.state = 'RUNNING'
            """;
    private static final String INBOX = "select w.* from (" + WAITING + ") w%s order by w.since, w.id limit :limit offset :offset";
    private static final String COUNT = "select count(*) from (" + WAITING + ") w%s";

    public record Prompt(String id, String jobId, String executionId, String text, String state, long createdAt,
            String answeredBy, Long answeredAt, Long closedAt) {}

    /** One thing waiting for a person. {@code body}: the manual job's input (JSON) or the prompt's text. */
    public record Waiting(String kind, String id, String jobId, String executionId, String workflow, String taskName,
            String taskId, String target, long since, String body) {}

    public void insert(Handle h, Prompt p) {
        h.createUpdate(INSERT).bind("id", p.id()).bind("jobId", p.jobId()).bind("executionId", p.executionId())
                .bind("text", p.text()).bind("createdAt", p.createdAt()).execute();
    }

    public Optional<Prompt> find(Handle h, String id) {
        return h.createQuery(FIND).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<Prompt> byJob(Handle h, String jobId) {
        return h.createQuery(BY_JOB).bind("jobId", jobId).map((rs, ctx) -> map(rs)).list();
    }

    /** Marks an open prompt answered; false if it was not open (answered or closed meanwhile). */
    public boolean answer(Handle h, String id, String by, long now) {
        return h.createUpdate(ANSWER).bind("id", id).bind("by", by).bind("now", now).execute() == 1;
    }

    public void close(Handle h, String id, long now) {
        h.createUpdate(CLOSE).bind("id", id).bind("now", now).execute();
    }

    public int closeForJob(Handle h, String jobId, long now) {
        return h.createUpdate(CLOSE_FOR_JOB).bind("jobId", jobId).bind("now", now).execute();
    }

    /**
     * What waits, oldest first; with a {@code scope} (a reader with scoped grants) only what waits on a job of a
     * target in it (or, for a job without a target, in an execution bound to one); with {@code job}, only that job's.
     */
    public List<Waiting> waiting(Handle h, TargetScope scope, String job, int limit, int offset) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return List.of();
        Query q = h.createQuery(INBOX.formatted(where(ids, job))).bind("limit", limit).bind("offset", offset);
        bind(q, ids, job);
        return q.map((rs, ctx) -> new Waiting(rs.getString("kind").trim(), rs.getString("id"), rs.getString("job_id"), rs.getString("execution_id"),
                        rs.getString("workflow"), rs.getString("task_name"), rs.getString("task_id"), rs.getString("target"),
                        rs.getLong("since"), rs.getString("body")))
                .list();
    }

    public long countWaiting(Handle h, TargetScope scope, String job) {
        List<String> ids = scope == null ? null : scope.targetIds(h);
        if (ids != null && ids.isEmpty()) return 0;
        Query q = h.createQuery(COUNT.formatted(where(ids, job)));
        bind(q, ids, job);
        return q.mapTo(Long.class).one();
    }

    private static String where(List<String> scopeIds, String job) {
        String joins = "";
        List<String> conditions = new java.util.ArrayList<>();
        if (job != null) conditions.add("w.job_id = :onlyJob");
        if (scopeIds != null) {
            // the job's own target (by its name), else the target its execution is bound to
            joins = " left join target wt on wt.name = w.target";
            conditions.add("(wt.id = any(:scopeIds) or (w.target is null and w.execution_target = any(:scopeIds)))");
        }
        return joins + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions));
    }

    private static void bind(Query q, List<String> scopeIds, String job) {
        if (job != null) q.bind("onlyJob", job);
        if (scopeIds != null) q.bindArray("scopeIds", String.class, scopeIds);
    }

    private static Prompt map(java.sql.ResultSet rs) throws java.sql.SQLException {
        Long answered = Rows.nullableLong(rs, "answered_at");
        Long closed = Rows.nullableLong(rs, "closed_at");
        return new Prompt(rs.getString("id"), rs.getString("job_id"), rs.getString("execution_id"), rs.getString("text"),
                rs.getString("state"), rs.getLong("created_at"), rs.getString("answered_by"), answered, closed);
    }

    /** Deletes the prompts of the jobs of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from job_prompt where job_id in (%s)".formatted(JOBS_OF_EXECUTIONS)).bindList("executions", List.copyOf(executionIds)).execute();
    }

}
