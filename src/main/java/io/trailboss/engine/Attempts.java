package io.trailboss.engine;

import static io.trailboss.engine.TaskBuilder.with;

import io.trailboss.definition.TaskSpec;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskExecution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's attempts within a step: an attempt starts (its with-items and targets evaluated, its first
 * jobs created up to the concurrency), goes on launching jobs as others end, is stopped, and ends
 * with a verdict the task policies may turn before the task finishes.
 */
final class Attempts {
    private final Step step;
    private final JobFactory jobs;

    Attempts(Step step, JobFactory jobs) {
        this.step = step;
        this.jobs = jobs;
    }

    /** Starts the current attempt: evaluates with-items and targets, creates the first jobs, tells the policies (a timeout arms its timer). */
    void dispatch(TaskExecution t, TaskSpec ts) {
        Map<String, Object> ctx = step.dataContext(t);
        int total;
        int concurrency;
        try {
            total = (ts.withItems().isEmpty() ? 1 : jobs.items(ts, ctx, t).size()) * (ts.targets() == null ? 1 : jobs.targets(ts, ctx, t).size());
            if (ts.targets() == null) jobs.boundTarget(); // resolved here so that a vanished target fails the task, not the transaction
            concurrency = ts.concurrency() == null ? 0 : (int) step.number(ts.concurrency(), ctx, t, "concurrency");
        } catch (ExpressionException | InvalidInputException e) {
            if (e instanceof ExpressionException || (e instanceof InvalidInputException bad && "with-items".equals(bad.field()))) {
                step.failWorkflowFor(t, step.runFailure(t, e.getMessage()));
            }
            step.finishTask(t, ts, false, null, e.getMessage());
            return;
        }
        TaskExecution running = with(t, ExecutionState.RUNNING, null).items(total, 0, 0, 0).result(null).build();
        if (total == 0) {
            step.save(running);
            attemptDone(running, ts);
            return;
        }
        int first = concurrency > 0 ? Math.min(concurrency, total) : total;
        running = launch(running, ts, first);
        step.save(running);
        step.context().policies().attemptStarted(new TaskRun(step, ts, running));
    }

    /** Creates jobs for the next {@code count} items of the current attempt. */
    TaskExecution launch(TaskExecution t, TaskSpec ts, int count) {
        Map<String, Object> ctx = step.dataContext(t);
        List<Map<String, Object>> items = ts.withItems().isEmpty() ? null : jobs.items(ts, ctx, t);
        List<TargetDirectory.TargetView> targets = ts.targets() == null ? null : jobs.targets(ts, ctx, t);
        int perItem = targets == null ? 1 : targets.size();
        Map<String, String> lastOnTarget = new HashMap<>();
        List<Job> created = new ArrayList<>();
        int next = t.itemsNext();
        int done = t.itemsDone();
        int failed = t.itemsFailed();
        for (int i = 0; i < count && next < t.itemsTotal(); i++, next++) {
            // job number n is item n / targets, target n % targets
            Map<String, Object> itemCtx = ctx;
            if (items != null) {
                itemCtx = new LinkedHashMap<>(ctx);
                itemCtx.putAll(items.get(next / perItem));
            }
            TargetDirectory.TargetView target = targets == null ? jobs.boundTarget() : targets.get(next % perItem);
            String previous = target == null ? null
                    : lastOnTarget.containsKey(target.name()) ? lastOnTarget.get(target.name()) : step.context().jobs().lastOnTarget(step.handle(), target.name()).orElse(null);
            Job job = jobs.job(t, ts, next, itemCtx, target, previous);
            if (target != null) lastOnTarget.put(target.name(), job.id());
            if (job.state() == JobState.FAILED) {
                // the input could not be built: the item fails without running
                done++;
                failed++;
            }
            created.add(job);
        }
        step.rows().write(); // a job row references its task row
        step.context().jobs().insertAll(step.handle(), created, jobs::secretsOf);
        for (Job job : created) {
            if (job.state() == JobState.QUEUED) step.effects.dispatch(job);
        }
        for (Job job : created) {
            if (job.childExecutionId() != null) {
                // sub-workflow: the child execution is created in this same transaction
                step.context().executionsToStart().startChild(step.context(), step.handle(), job, ts, step.document(), step.execution().sourceSha(), step.execution(), step.effects);
            }
        }
        TaskExecution out = with(t, t.state(), t.stateInfo()).items(t.itemsTotal(), next, done, failed).build();
        if (failed > 0 && done == next) {
            step.save(out);
            attemptDone(out, ts);
            return step.rows().latest(t.name());
        }
        return out;
    }

    /** Every job of the attempt is done: apply fail-on, retry and wait-after, then finish. */
    void attemptDone(TaskExecution t, TaskSpec ts) {
        // an INCOMPLETE job was run again by a later job for the same item: only the last run counts
        List<Job> ended = step.context().jobs().byTaskAttempt(step.handle(), t.id(), t.attempt()).stream().filter(j -> j.state() != JobState.INCOMPLETE).toList();
        TaskPolicy.Verdict verdict = AttemptVerdict.of(ts, ended, t.itemsFailed() == 0);
        TaskExecution withResult = with(t, t.state(), t.stateInfo()).result(verdict.result()).build();
        try {
            verdict = step.context().policies().afterAttempt(new TaskRun(step, ts, withResult), verdict);
            if (verdict == null) return; // a policy decided what comes next
        } catch (ExpressionException e) {
            verdict = verdict.failed(e.getMessage());
        }
        step.finishTask(withResult, ts, verdict.success(), verdict.result(), verdict.info());
    }

    /** Stops the jobs of the task's current attempt, which then ends failed ({@code info} if nothing else says why). */
    void stopAttempt(TaskExecution t, TaskSpec ts, String jobError, String info) {
        for (Job j : step.context().jobs().openByTask(step.handle(), t.id())) {
            step.context().jobs().cancel(step.handle(), j.id(), jobError, step.now());
            if (j.childExecutionId() != null) step.effects.cancelChild(j.childExecutionId());
        }
        TaskExecution stopped = with(t, ExecutionState.RUNNING, null)
                .items(t.itemsTotal(), t.itemsNext(), t.itemsNext(), Math.max(1, t.itemsFailed())).build();
        step.save(stopped);
        // a stopped attempt is a failed one: retry applies as for any failure
        attemptDone(stopped, ts);
        TaskExecution after = step.rows().latest(t.name());
        if (after != null && after.state() == ExecutionState.ERROR && after.id().equals(t.id()) && after.stateInfo() == null) {
            step.save(with(after, ExecutionState.ERROR, info).build());
        }
    }
}
