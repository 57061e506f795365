package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a transaction decided to do once it commits: run jobs, arm timers, finish parents, tell
 * listeners. Kept apart so that nothing leaves the process before the state is durable.
 */
final class Effects {
    final List<Job> jobs = new ArrayList<>();
    final List<Timer> timers = new ArrayList<>();
    final List<String> finishedChildrenParentJobs = new ArrayList<>();
    final List<String> childrenToCancel = new ArrayList<>();
    final List<String> rearm = new ArrayList<>();
    final List<JobOutcome> failedJobs = new ArrayList<>();
    final Map<String, TaskExecution> tasks = new LinkedHashMap<>();
    final Map<String, Execution> executions = new LinkedHashMap<>();
    /** Control actions applied: (execution id, action, task names or ""). */
    final List<List<String>> controls = new ArrayList<>();

    void dispatch(Job job) {
        jobs.add(job);
    }

    /** A transaction's return value together with what it decided to do after commit. */
    record Result<T>(T value, Effects effects) {}

    void failJob(JobOutcome outcome) {
        failedJobs.add(outcome);
    }

    void arm(Timer timer) {
        timers.add(timer);
    }

    void childFinished(String parentJobId) {
        finishedChildrenParentJobs.add(parentJobId);
    }

    void cancelChild(String executionId) {
        childrenToCancel.add(executionId);
    }

    void rearmTimers(String executionId) {
        rearm.add(executionId);
    }

    void taskChanged(TaskExecution t) {
        tasks.put(t.id(), t);
    }

    void controlled(String executionId, String action) {
        controls.add(List.of(executionId, action, ""));
    }

    void controlled(String executionId, String action, List<String> tasks) {
        controls.add(List.of(executionId, action, String.join(",", tasks)));
    }

    /** Jobs whose processes must be stopped once the transaction has committed, with the grace before SIGKILL. */
    final Map<Job, Long> interrupts = new LinkedHashMap<>();

    void interrupt(Job job, long graceMillis) {
        interrupts.put(job, graceMillis);
    }

    void executionChanged(Execution e) {
        executions.put(e.id(), e);
    }
}
