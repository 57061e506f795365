package io.trailboss.store;

import io.trailboss.json.Json;
import io.trailboss.model.ControlRecord;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The audit of controls applied to executions and tasks (table {@code control_log}); rows are never changed, and go with their execution. */
public final class ControlLogStore {
    private static final String INSERT = """
            insert into control_log (id, execution_id, control, selector, tasks, detail, actor, at)
            values (:id, :executionId, :control, :selector, :tasks, :detail, :actor, :at)
            """;
    private static final String BY_EXECUTION = """
            select id, execution_id, control, selector, tasks, detail, actor, at from control_log
            where execution_id = :executionId order by at, id limit :limit offset :offset
            """;

    public void insert(Handle h, ControlRecord r) {
        h.createUpdate(INSERT).bind("id", r.id()).bind("executionId", r.executionId()).bind("control", r.control())
                .bind("selector", Json.write(r.selector())).bind("tasks", Json.write(r.tasks())).bind("detail", r.detail())
                .bind("actor", r.actor()).bind("at", r.at()).execute();
    }

    public List<ControlRecord> byExecution(Handle h, String executionId, int limit, int offset) {
        return h.createQuery(BY_EXECUTION).bind("executionId", executionId).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new ControlRecord(rs.getString("id"), rs.getString("execution_id"), rs.getString("control"),
                        Rows.map(rs, "selector"), Rows.strings(rs, "tasks"), rs.getString("detail"), rs.getString("actor"), rs.getLong("at")))
                .list();
    }

    /** Deletes the control log of these executions: it goes with its execution. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from control_log where execution_id in (<executions>)").bindList("executions", List.copyOf(executionIds)).execute();
    }
}
