package io.trailboss.engine;

import java.util.Map;

/**
 * What starting a workflow needs: the workflow's id or name, input, env, an optional description,
 * and for reverse workflows the task to reach.
 */
public record StartRequest(String workflow, Map<String, Object> input, Map<String, Object> env, String description, String targetTask) {
    public StartRequest {
        input = input == null ? Map.of() : input;
        env = env == null ? Map.of() : env;
    }

    public static StartRequest of(String workflow, Map<String, Object> input) {
        return new StartRequest(workflow, input, Map.of(), null, null);
    }
}
