package io.trailboss.engine;

import io.trailboss.model.Job;
import java.util.List;

/** Takes committed jobs and runs them, reporting each outcome back to the engine. */
public interface JobRunner {
    void submit(List<Job> jobs);
}
