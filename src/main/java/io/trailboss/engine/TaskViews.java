package io.trailboss.engine;

import io.trailboss.model.TaskExecution;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code task(name)} returns to an expression: plain data about a task execution. */
final class TaskViews {
    private TaskViews() {}

    /** Mistral's times in expressions: UTC to the second, date and time apart ({@code 2026-03-01 10:00:00}). */
    static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

    /** The task as Mistral's task() shows it ({@code type} is ACTION or WORKFLOW). */
    static Map<String, Object> view(TaskExecution t, boolean workflowTask) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("name", t.name());
        v.put("state", t.state().name());
        v.put("state_info", t.stateInfo());
        v.put("result", t.result());
        v.put("published", t.published() == null ? Map.of() : t.published());
        v.put("type", workflowTask ? "WORKFLOW" : "ACTION");
        v.put("workflow_execution_id", t.executionId());
        v.put("created_at", time(t.createdAt()));
        v.put("updated_at", time(t.updatedAt()));
        return v;
    }

    static String time(long millis) {
        return TIME.format(java.time.Instant.ofEpochMilli(millis));
    }
}
