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

    public List<Timer> all(Handle h) {
        return h.createQuery(ALL).map((rs, ctx) -> new Timer(rs.getString("id"), rs.getLong("due_at"),
                Timer.TimerKind.valueOf(rs.getString("kind")), rs.getString("execution_id"),
                rs.getString("task_execution_id"), rs.getInt("attempt"))).list();
    }
}
