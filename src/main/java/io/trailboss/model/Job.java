package io.trailboss.model;

import java.util.Map;

/**
 * One run of an action for a task: an attempt, an item, a target, or a sub-workflow. A job on a
 * target links to the target's previous job, so a target's jobs form its history.
 */
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
        long updatedAt,
        String target,
        String previousJobId,
        Integer exitCode) {}
