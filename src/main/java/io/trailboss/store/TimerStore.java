package io.trailboss.store;

import io.trailboss.model.Timer;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Durable wake-ups. A timer row is deleted in the same transaction that acts on it. */
public final class TimerStore {
    private static final String INSERT = """
            insert into timer (id, due_at, kind, execution_id, task_execution_id, attempt, created_at)
            values (:id, :dueAt, :kind, :executionId, :taskExecutionId, :attempt, :createdAt)
            """;
    private static final String DELETE = "delete from timer where id = :id";
    private static final String DELETE_FOR_TASK = "delete from timer where task_execution_id = :taskId";
    private static final String ALL = "select id, due_at, kind, execution_id, task_execution_id, attempt from timer order by due_at";

    public void insert(Handle h, Timer t, long now) {
        h.createUpdate(INSERT).bind("id", t.id()).bind("dueAt", t.dueAt()).bind("kind", t.kind().name())
                .bind("executionId", t.executionId()).bind("taskExecutionId", t.taskExecutionId())
                .bind("attempt", t.attempt()).bind("createdAt", now).execute();
    }

    /** Deletes the timer; false if it was already gone (fired elsewhere or cancelled). */
    public boolean delete(Handle h, String id) {
        return h.createUpdate(DELETE).bind("id", id).execute() > 0;
    }

    public void deleteForTask(Handle h, String taskId) {
        h.createUpdate(DELETE_FOR_TASK).bind("taskId", taskId).execute();
    }

    /**
     * Claims up to {@code max} due timers no other node holds (or whose claim ran out) for
     * {@code node} until {@code until}: {@code FOR UPDATE SKIP LOCKED}, so two nodes never claim the
     * same timer. Claiming changes nothing else: the timer still acts only in the transaction that
     * deletes it.
     */
    public List<Timer> claimDue(Handle h, String node, long now, long until, int max) {
        List<Timer> due = h.createQuery("""
                        select id, due_at, kind, execution_id, task_execution_id, attempt from timer
                        where due_at <= :now and (claimed_until is null or claimed_until < :now)
                        order by due_at, id limit :max for update skip locked""")
                .bind("now", now).bind("max", max).map((rs, ctx) -> map(rs)).list();
        if (due.isEmpty()) return due;
        h.createUpdate("update timer set claimed_by = :node, claimed_until = :until where id in (<ids>)")
                .bind("node", node).bind("until", until).bindList("ids", due.stream().map(Timer::id).toList()).execute();
        return due;
    }

    /** When the next timer no node holds is due (null: none). */
    public Long nextUnclaimed(Handle h, long now) {
        return h.createQuery("select min(due_at) from timer where claimed_until is null or claimed_until < :now")
                .bind("now", now).mapTo(Long.class).findOne().orElse(null);
    }

    /** Gives up the claims of a node (dead, or an execution resumed): the timers are due for any node again. */
    public int releaseClaims(Handle h, String node) {
        return h.createUpdate("update timer set claimed_by = null, claimed_until = null where claimed_by = :node").bind("node", node).execute();
    }

    public int releaseClaimsOf(Handle h, String executionId) {
        return h.createUpdate("update timer set claimed_by = null, claimed_until = null where execution_id = :id and claimed_by is not null")
                .bind("id", executionId).execute();
    }

    private static Timer map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Timer(rs.getString("id"), rs.getLong("due_at"), Timer.TimerKind.valueOf(rs.getString("kind")), rs.getString("execution_id"),
                rs.getString("task_execution_id"), rs.getInt("attempt"));
    }

    public List<Timer> all(Handle h) {
        return h.createQuery(ALL).map((rs, ctx) -> new Timer(rs.getString("id"), rs.getLong("due_at"),
                Timer.TimerKind.valueOf(rs.getString("kind")), rs.getString("execution_id"),
                rs.getString("task_execution_id"), rs.getInt("attempt"))).list();
    }

    /** Deletes the timers of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from timer where execution_id in (<executions>)").bindList("executions", List.copyOf(executionIds)).execute();
    }
}
