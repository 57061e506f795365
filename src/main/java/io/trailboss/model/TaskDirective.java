package io.trailboss.model;

/** A person's request for a task that applies when the task next starts or fails (see {@link Kind}). */
public record TaskDirective(String executionId, String taskName, Kind kind, long createdAt, String createdBy) {
    public enum Kind {
        /** Hold the task before it starts. Used up when it holds the task. */
        PAUSE,
        /** Count the task as done without running it. Used up when it skips the task. */
        SKIP,
        /** Keep the task from running until unblocked. Used up when it blocks the task. */
        BLOCK,
        /** Hold the task when it fails (overrides the workflow). Stays. */
        PAUSE_ON_FAIL,
        /** Let a failure follow on-error even if the workflow says pause-on-fail. Stays. */
        NO_PAUSE_ON_FAIL
    }
}
