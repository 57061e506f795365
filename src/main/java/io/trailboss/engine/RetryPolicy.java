package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Timer;

/**
 * {@code retry}: a failed attempt runs again, up to {@code count} more times, after {@code delay}
 * seconds, unless {@code break-on} holds; a successful one runs again while {@code continue-on}
 * holds. Both conditions see the task in the state the attempt gave it.
 */
final class RetryPolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.retry() != null;
    }

    @Override
    public Timer.TimerKind timerKind() {
        return Timer.TimerKind.RETRY;
    }

    @Override
    public Verdict afterAttempt(TaskRun run, Verdict verdict) {
        if (run.failsWorkflow()) return verdict;
        var retry = run.spec().retry(); // the definition's retry settings
        TaskExecution t = run.task();
        long count = run.number(retry.count(), t, "retry count");
        TaskExecution seen = run.with(verdict.success() ? ExecutionState.SUCCESS : ExecutionState.ERROR, verdict.info()).build();
        boolean again = verdict.success()
                ? retry.continueOn() != null && t.attempt() < count && run.test(retry.continueOn(), seen)
                : t.attempt() < count && !(retry.breakOn() != null && run.test(retry.breakOn(), seen));
        if (!again) return verdict;
        long delay = run.millis(retry.delay(), t, "retry delay");
        TaskExecution next = run.with(ExecutionState.RUNNING, verdict.info()).attempt(t.attempt() + 1).build();
        run.disarm();
        if (delay > 0) {
            next = new TaskBuilder(next).state(ExecutionState.DELAYED, "retrying in " + delay + " ms after attempt " + (t.attempt() + 1)).build();
            run.save(next);
            run.arm(next, timerKind(), delay);
        } else {
            run.dispatch(next);
        }
        return null;
    }

    @Override
    public void timerFired(TaskRun run) {
        run.dispatch(run.with(ExecutionState.RUNNING, null).build());
    }
}
