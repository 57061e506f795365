package io.trailboss.model;

/** A durable wake-up: a wait, a retry delay or a timeout of one task execution. */
public record Timer(String id, long dueAt, TimerKind kind, String executionId, String taskExecutionId, int attempt) {
    public enum TimerKind { WAIT_BEFORE, WAIT_AFTER, RETRY, TIMEOUT }
}
