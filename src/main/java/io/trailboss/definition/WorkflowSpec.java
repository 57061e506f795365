package io.trailboss.definition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A parsed, validated workflow. {@code output} null means "the merged final context". */
public record WorkflowSpec(
        String name,
        WorkflowType type,
        String description,
        List<String> tags,
        List<InputParam> input,
        Object output,
        Object outputOnError,
        Map<String, Object> vars,
        Map<String, TaskSpec> tasks,
        Map<String, Set<String>> inbound,
        int line) {

    public TaskSpec task(String name) {
        return tasks.get(name);
    }

    /** Direct workflows start with the tasks no other task transitions to. */
    public List<TaskSpec> startTasks() {
        return tasks.values().stream().filter(t -> inbound.getOrDefault(t.name(), Set.of()).isEmpty()).toList();
    }

    /** The input declaration as Mistral prints it: {@code a, b=1}. */
    public String inputSummary() {
        StringBuilder out = new StringBuilder();
        for (InputParam p : input) {
            if (!out.isEmpty()) out.append(", ");
            out.append(p.name());
            if (!p.required()) out.append('=').append(io.trailboss.json.Json.write(p.defaultValue()));
        }
        return out.toString();
    }
}
