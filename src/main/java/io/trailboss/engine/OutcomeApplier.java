package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.Timer;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.TimerStore;
import io.trailboss.store.TransactionRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what happened outside a transaction to the executions it concerns: job outcomes (in
 * batches, grouped by execution, one transaction for many), a sub-workflow's end to its parent job,
 * a due timer to its task. Each runs in a transaction that locks the executions first, in id order.
 */
final class OutcomeApplier {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeApplier.class);

    private final StepTransactions steps;
    private final TransactionRunner retrying;
    private final JobStore jobs;
    private final ExecutionStore executions;
    private final TimerStore timers;
    private final Clock clock;

    OutcomeApplier(StepTransactions steps, TransactionRunner retrying, JobStore jobs, ExecutionStore executions, TimerStore timers, Clock clock) {
        this.steps = steps;
        this.retrying = retrying;
        this.jobs = jobs;
        this.executions = executions;
        this.timers = timers;
        this.clock = clock;
    }

    /** Stores outcomes in their job rows (group commit) before they are applied. */
    void store(List<JobOutcome> batch) {
        try {
            long now = clock.millis();
            // any error is tried again: an outcome not stored is lost if this node dies before applying it
            retrying.onEveryError().firstPause(Duration.ofMillis(50)).useTransaction(h -> {
                Map<String, JobReport> reports = new LinkedHashMap<>();
                for (JobOutcome o : batch) reports.put(o.jobId(), StoredOutcomes.report(o.result(), o.runner(), now));
                jobs.storeReports(h, reports);
            });
        } catch (RuntimeException e) {
            // not stored: applied all the same (only a death of this node before it is applied would lose it)
            LOG.error("storing job outcomes failed", e);
        }
    }

    void apply(List<JobOutcome> batch) {
        try {
            applyAll(batch);
        } catch (RuntimeException e) {
            LOG.error("applying job outcomes failed", e);
        }
    }

    private void applyAll(List<JobOutcome> batch) {
        // one transaction for the batch, executions locked in id order so workers never deadlock
        Map<String, List<JobOutcome>> byExecution = new TreeMap<>();
        for (JobOutcome o : batch) byExecution.computeIfAbsent(o.executionId(), k -> new ArrayList<>()).add(o);
        try {
            steps.run(h -> {
                Effects effects = new Effects();
                byExecution.forEach((id, list) -> applyTo(h, id, list, effects));
                return new Effects.Result<>(null, effects);
            });
        } catch (RuntimeException batchFailed) {
            if (byExecution.size() == 1) {
                LOG.error("cannot apply outcomes for execution {}", byExecution.keySet(), batchFailed);
                return;
            }
            byExecution.forEach((id, list) -> {
                try {
                    steps.run(h -> {
                        Effects effects = new Effects();
                        applyTo(h, id, list, effects);
                        return new Effects.Result<>(null, effects);
                    });
                } catch (RuntimeException e) {
                    LOG.error("cannot apply outcomes for execution {}", id, e);
                }
            });
        }
    }

    private void applyTo(Handle h, String executionId, List<JobOutcome> list, Effects effects) {
        steps.lock(h, executionId, effects).ifPresent(step -> finish(h, step, list));
    }

    private void finish(Handle h, Step step, List<JobOutcome> list) {
        for (JobOutcome o : list) {
            jobs.find(h, o.jobId()).ifPresent(job -> {
                if (!job.state().isFinal() && !(job.async() && o.result() instanceof ActionResult.Async)) {
                    step.jobFinished(job, o.result(), o.startedAt(), o.runner());
                }
            });
        }
        step.flush();
    }

    /**
     * Runs a runner's {@code work} and applies the outcomes it returns in the same transaction, so
     * that a runner which stores something with each result (an agent's report) pays one commit
     * for both instead of one each. The executions of the outcomes must be named up front: they are
     * locked first, in id order, as in every engine transaction (then the work locks its rows). The
     * work may run again when the transaction is retried. Listeners and follow-ups run after commit.
     */
    <T> T applyWith(Collection<String> executionIds, Function<Handle, Engine.WithOutcomes<T>> work) {
        return steps.run(h -> {
            Effects effects = new Effects();
            Map<String, Step> locked = new TreeMap<>();
            for (String id : new TreeSet<>(executionIds)) steps.lock(h, id, effects).ifPresent(s -> locked.put(id, s));
            Engine.WithOutcomes<T> done = work.apply(h);
            Map<String, List<JobOutcome>> byExecution = new TreeMap<>();
            for (JobOutcome o : done.outcomes()) byExecution.computeIfAbsent(o.executionId(), k -> new ArrayList<>()).add(o);
            byExecution.forEach((id, list) -> {
                Step step = locked.get(id);
                if (step != null) finish(h, step, list);
                else applyTo(h, id, list, effects); // not named up front: locked now
            });
            return new Effects.Result<>(done.value(), effects);
        }).value();
    }

    /** A sub-workflow ended: its parent job completes with the child's output or error. */
    void childFinished(String parentJobId) {
        steps.run(h -> {
            Effects effects = new Effects();
            Job job = jobs.find(h, parentJobId).orElse(null);
            if (job == null) return new Effects.Result<>(null, effects);
            steps.lock(h, job.executionId(), effects).ifPresent(step -> {
                Job current = jobs.find(h, parentJobId).orElseThrow();
                if (current.state().isFinal()) return;
                Execution child = executions.find(h, current.childExecutionId()).orElse(null);
                ActionResult result;
                if (child == null) result = new ActionResult.Failure("sub-workflow could not start", null);
                else if (!child.state().isFinal()) return;
                else if (child.state() == ExecutionState.SUCCESS) result = new ActionResult.Success(child.output());
                else result = new ActionResult.Failure(child.stateInfo() == null ? "sub-workflow " + child.state() : child.stateInfo(), child.output());
                step.jobFinished(current, result, current.startedAt() == null ? clock.millis() : current.startedAt(), "engine");
                step.flush();
            });
            return new Effects.Result<>(null, effects);
        });
    }

    void fireTimer(Timer timer) {
        steps.run(h -> {
            Effects effects = new Effects();
            steps.lock(h, timer.executionId(), effects).ifPresent(step -> {
                if (step.state() == ExecutionState.PAUSED) return; // kept; re-armed on resume
                if (!timers.delete(h, timer.id())) return; // already handled
                step.timerFired(timer);
                step.flush();
            });
            return new Effects.Result<>(null, effects);
        });
    }
}
