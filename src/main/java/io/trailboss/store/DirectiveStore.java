package io.trailboss.store;

import io.trailboss.model.TaskDirective;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Pending task directives of executions (table {@code task_directive}). */
public final class DirectiveStore {
    private static final String INSERT = """
            insert into task_directive (execution_id, task_name, kind, created_at, created_by)
            values (:executionId, :taskName, :kind, :createdAt, :createdBy)
            """;
    private static final String DELETE = """
            delete from task_directive where execution_id = :executionId and task_name = :taskName and kind = :kind
            """;
    private static final String BY_EXECUTION = """
            select execution_id, task_name, kind, created_at, created_by from task_directive
            where execution_id = :executionId order by created_at, task_name, kind
            """;

    public void insert(Handle h, TaskDirective d) {
        h.createUpdate(INSERT).bind("executionId", d.executionId()).bind("taskName", d.taskName()).bind("kind", d.kind().name())
                .bind("createdAt", d.createdAt()).bind("createdBy", d.createdBy()).execute();
    }

    /** Removes the directive; false if there was none. */
    public boolean delete(Handle h, String executionId, String taskName, TaskDirective.Kind kind) {
        return h.createUpdate(DELETE).bind("executionId", executionId).bind("taskName", taskName).bind("kind", kind.name()).execute() > 0;
    }

    public List<TaskDirective> byExecution(Handle h, String executionId) {
        return h.createQuery(BY_EXECUTION).bind("executionId", executionId)
                .map((rs, ctx) -> new TaskDirective(rs.getString("execution_id"), rs.getString("task_name"),
                        TaskDirective.Kind.valueOf(rs.getString("kind")), rs.getLong("created_at"), rs.getString("created_by")))
                .list();
    }

    /** Deletes the directives of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from task_directive where execution_id in (<executions>)").bindList("executions", List.copyOf(executionIds)).execute();
    }
}
