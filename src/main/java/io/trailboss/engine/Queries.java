package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.ExecutionStore;
import java.util.List;
import java.util.Optional;

/** Read-only access to executions, task executions and jobs for the API, CLI and tests. */
public final class Queries {
    private final Engine engine;

    public Queries(Engine engine) {
        this.engine = engine;
    }

    public Optional<Execution> execution(String id) {
        return engine.jdbi.withHandle(h -> engine.executions.find(h, id));
    }

    public List<Execution> executions(ExecutionStore.Filter filter, int limit, int offset, boolean newestFirst) {
        return engine.jdbi.withHandle(h -> engine.executions.list(h, filter, limit, offset, newestFirst));
    }

    public long countExecutions(ExecutionStore.Filter filter) {
        return engine.jdbi.withHandle(h -> engine.executions.count(h, filter));
    }

    /** The count, or {@code cap} when there are at least that many. */
    public long countExecutionsUpTo(ExecutionStore.Filter filter, long cap) {
        return engine.jdbi.withHandle(h -> engine.executions.countUpTo(h, filter, cap));
    }

    public List<TaskExecution> tasks(String executionId) {
        return engine.jdbi.withHandle(h -> engine.tasks.byExecution(h, executionId));
    }

    /** Task executions of every execution, oldest first. */
    public List<TaskExecution> allTasks(int limit, int offset) {
        return engine.jdbi.withHandle(h -> engine.tasks.page(h, limit, offset));
    }

    /** Jobs of every execution, oldest first. */
    public List<Job> allJobs(int limit, int offset) {
        return engine.jdbi.withHandle(h -> engine.jobs.page(h, limit, offset));
    }

    public Optional<TaskExecution> task(String id) {
        return engine.jdbi.withHandle(h -> engine.tasks.find(h, id));
    }

    public List<Job> jobs(String taskExecutionId) {
        return engine.jdbi.withHandle(h -> engine.jobs.byTask(h, taskExecutionId));
    }

    /** A target's jobs, newest first: its history (each job links to the one before). */
    public List<Job> jobsOnTarget(String target, int limit, int offset) {
        return engine.jdbi.withHandle(h -> engine.jobs.byTarget(h, target, limit, offset));
    }

    /** The jobs a runner ({@code agent:NAME}) holds now. */
    public List<Job> runningOn(String runner, int limit) {
        return engine.jdbi.withHandle(h -> engine.jobs.runningOn(h, runner, limit));
    }

    public Optional<Job> job(String id) {
        return engine.jdbi.withHandle(h -> engine.jobs.find(h, id));
    }
}
