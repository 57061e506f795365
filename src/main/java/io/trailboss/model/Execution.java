package io.trailboss.model;

import java.util.Map;

/**
 * One run of a workflow. {@code context} holds input and evaluated vars; times are epoch millis.
 * {@code steered}: a person has left task directives on it (skip, block, pause...), so the engine
 * looks them up before starting a task; executions nobody steers skip that read. {@code targetId}: the target
 * it is bound to (its run's, or its parent's for a sub-workflow), null for a free execution.
 */
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
        Long finishedAt,
        boolean steered,
        String targetId) {

    @SuppressWarnings("unchecked")
    public Map<String, Object> env() {
        Object env = params.get("env");
        return env instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** What the execution is bound to ({@code target}, {@code run}); empty for a free execution. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> bound() {
        Object bound = params.get("bound");
        return bound instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
