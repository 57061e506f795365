package io.trailboss.engine;

import java.util.Map;

/**
 * What starting a workflow needs: the workflow's id or name, input, env, an optional description,
 * for reverse workflows the task to reach, and {@code bound}: what the execution is bound to
 * ({@code target}: the target its target-less tasks run on; {@code run}: the run on that target that
 * started it), empty for a free execution.
 */
public record StartRequest(String workflow, Map<String, Object> input, Map<String, Object> env, String description, String targetTask,
        Map<String, Object> bound) {
    public StartRequest {
        input = input == null ? Map.of() : input;
        env = env == null ? Map.of() : env;
        bound = bound == null ? Map.of() : bound;
        String tooLong = io.trailboss.model.Names.descriptionProblem(description);
        if (tooLong != null) throw new InvalidInputException("description", tooLong);
    }

    public StartRequest(String workflow, Map<String, Object> input, Map<String, Object> env, String description, String targetTask) {
        this(workflow, input, env, description, targetTask, Map.of());
    }

    public static StartRequest of(String workflow, Map<String, Object> input) {
        return new StartRequest(workflow, input, Map.of(), null, null);
    }
}
