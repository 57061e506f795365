package io.trailboss.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a task in an execution. {@code inContext} holds only what the branch published
 * before this task (the execution context is added when expressions are evaluated).
 */
public record TaskExecution(
        String id,
        String executionId,
        String name,
        ExecutionState state,
        String stateInfo,
        Map<String, Object> inContext,
        Map<String, Object> published,
        Object result,
        int attempt,
        int itemsTotal,
        int itemsNext,
        int itemsDone,
        int itemsFailed,
        List<String> arrived,
        Set<TaskFlag> flags,
        boolean errorHandled,
        boolean leaf,
        long seq,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        long updatedAt,
        TaskErrorKind errorKind,
        String errorCause) {

    public TaskExecution {
        flags = flags.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(flags));
    }

    public boolean hasFlag(TaskFlag flag) {
        return flags.contains(flag);
    }
}
