package io.trailboss.engine;

import io.trailboss.model.TaskExecution;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code task(name)} returns to an expression: plain data about a task execution. */
final class TaskViews {
    private TaskViews() {}

    static Map<String, Object> view(TaskExecution t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("name", t.name());
        v.put("state", t.state().name());
        v.put("state_info", t.stateInfo());
        v.put("result", t.result());
        v.put("published", t.published() == null ? Map.of() : t.published());
        return v;
    }
}
