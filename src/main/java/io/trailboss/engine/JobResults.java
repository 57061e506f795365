package io.trailboss.engine;

import static io.trailboss.engine.TaskBuilder.with;

import io.trailboss.action.ActionResult;
import io.trailboss.definition.TaskSpec;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskExecution;
import java.util.List;
import java.util.Map;

/**
 * A job's outcome applied to its task within a step: the job row finished (an ad-hoc action's
 * output evaluated), an INCOMPLETE job queued again, the next with-items job launched, and the
 * attempt ended once its last job has.
 */
final class JobResults {
    private static final int MAX_INCOMPLETE = 20;

    private final Step step;
    private final JobFactory jobs;
    private final Attempts attempts;

    JobResults(Step step, JobFactory jobs, Attempts attempts) {
        this.step = step;
        this.jobs = jobs;
        this.attempts = attempts;
    }

    void apply(Job job, ActionResult result, long startedAt, String runner) {
        TaskExecution t = step.rows().find(job.taskExecutionId());
        if (result instanceof ActionResult.Async) {
            step.context().jobs().awaitCompletion(step.handle(), job.id(), runner, startedAt);
            return;
        }
        if (result instanceof ActionResult.Incomplete incomplete && runAgain(job, incomplete)) return;
        boolean ok = result instanceof ActionResult.Success;
        boolean lost = result instanceof ActionResult.Lost;
        Object out = switch (result) {
            case ActionResult.Success s -> s.output();
            case ActionResult.Failure f -> f.output();
            default -> null;
        };
        String error = switch (result) {
            case ActionResult.Failure f -> f.error();
            case ActionResult.Lost l -> l.reason();
            case ActionResult.Incomplete i -> "still incomplete after " + MAX_INCOMPLETE + " runs";
            default -> null;
        };
        if (result instanceof ActionResult.Incomplete i) out = i.output();
        if (ok && out instanceof Map<?, ?> o && "stop".equals(o.get("signal"))) {
            // exit code 16: the job asks that nothing more starts until a person resumes
            step.pauseExecution("job " + job.id() + (job.target() == null ? "" : " on " + job.target()) + " asked to stop (exit code 16)");
        }
        TaskSpec taskSpec = step.spec().task(t.name());
        if (ok && taskSpec.action() != null && step.document().action(taskSpec.action().name()) != null) {
            try {
                out = jobs.adHoc().output(taskSpec.action().name(), out, step.scope(null));
            } catch (ExpressionException e) {
                ok = false;
                error = "cannot evaluate the output of action '" + taskSpec.action().name() + "': " + e.getMessage();
            }
        }
        step.context().jobs().finish(step.handle(), job.id(), ok ? JobState.SUCCEEDED : lost ? JobState.LOST : JobState.FAILED, out, error, startedAt, runner, step.now());
        if (t.state() != ExecutionState.RUNNING || job.attempt() != t.attempt() || step.state().isFinal()) return;
        TaskSpec ts = step.spec().task(t.name());
        TaskExecution updated = with(t, t.state(), t.stateInfo())
                .items(t.itemsTotal(), t.itemsNext(), t.itemsDone() + 1, t.itemsFailed() + (ok ? 0 : 1)).build();
        if (updated.itemsFailed() == 0 && updated.itemsNext() < updated.itemsTotal()) {
            try {
                updated = attempts.launch(updated, ts, 1);
            } catch (ExpressionException | InvalidInputException e) {
                step.save(updated);
                step.finishTask(updated, ts, false, null, e.getMessage());
                return;
            }
            if (updated.state() != ExecutionState.RUNNING) return;
        }
        step.save(updated);
        if (updated.itemsDone() == updated.itemsNext() && (updated.itemsNext() == updated.itemsTotal() || updated.itemsFailed() > 0)) {
            attempts.attemptDone(updated, ts);
        }
    }

    /**
     * An INCOMPLETE job is recorded and the same job (input, item, target, attempt) is queued again,
     * linked to it; after {@link #MAX_INCOMPLETE} runs it counts as failed. Returns true if re-queued.
     */
    private boolean runAgain(Job job, ActionResult.Incomplete incomplete) {
        int runs = step.context().jobs().incompleteRuns(step.handle(), job.taskExecutionId(), job.itemIndex(), job.attempt());
        if (runs + 1 >= MAX_INCOMPLETE) return false;
        step.context().jobs().finish(step.handle(), job.id(), JobState.INCOMPLETE, incomplete.output(), null, job.startedAt(), null, step.now());
        if (step.state().isFinal()) return true;
        Job again = new Job(Ids.next(), job.executionId(), job.taskExecutionId(), job.action(), job.input(), JobState.QUEUED, null, null,
                job.itemIndex(), job.attempt(), false, null, null, null, step.now(), null, null, step.now(), job.target(), job.id(), null);
        step.context().jobs().insertAll(step.handle(), List.of(again), step.context().secrets()::of);
        step.effects.dispatch(again);
        return true;
    }
}
