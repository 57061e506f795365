package io.trailboss.model;

import java.util.Map;

/** One run of an action for a task: an attempt, an item, a target, or a sub-workflow. */
public record Job(
        String id,
        String executionId,
        String taskExecutionId,
        String action,
        Map<String, Object> input,
        JobState state,
        Object output,
        String error,
        int itemIndex,
        int attempt,
        boolean async,
        String token,
        String childExecutionId,
        String runner,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        long updatedAt) {}
