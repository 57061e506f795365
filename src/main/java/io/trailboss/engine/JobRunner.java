package io.trailboss.engine;

import io.trailboss.model.Job;
import java.util.List;

/** Takes committed jobs and runs them, reporting each outcome back to the engine. */
public interface JobRunner {
    void submit(List<Job> jobs);

    /**
     * Stops a job this runner runs (its state is already final in the database): SIGTERM to its
     * processes, SIGKILL after {@code graceMillis}. A runner that does not run the job ignores it.
     */
    default void interrupt(Job job, long graceMillis) {}
}
