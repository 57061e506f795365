package io.trailboss.model;

import java.util.Map;

/** One run of a workflow. {@code context} holds input and evaluated vars; times are epoch millis. */
public record Execution(
        String id,
        String workflowId,
        String workflowName,
        String sourceSha,
        ExecutionState state,
        String stateInfo,
        Map<String, Object> input,
        Map<String, Object> params,
        Map<String, Object> context,
        Object output,
        String description,
        String parentJobId,
        String rootExecutionId,
        int activeTasks,
        int waitingJoins,
        int unhandledErrors,
        long createdAt,
        long updatedAt,
        Long finishedAt) {

    @SuppressWarnings("unchecked")
    public Map<String, Object> env() {
        Object env = params.get("env");
        return env instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
