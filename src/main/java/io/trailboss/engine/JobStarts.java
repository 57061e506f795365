package io.trailboss.engine;

import io.trailboss.model.Job;

/** Told when a runner starts a job (for the queued-to-started latency). Must be quick and never block. */
@FunctionalInterface
public interface JobStarts {
    JobStarts NONE = (job, runnerKind, startedAt) -> { };

    /** {@code runnerKind}: {@code local} or {@code agent}; {@code startedAt}: epoch millis. */
    void started(Job job, String runnerKind, long startedAt);
}
