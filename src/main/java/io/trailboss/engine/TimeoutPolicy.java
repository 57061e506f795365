package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Timer;

/** {@code timeout}: an attempt still running after that many seconds is stopped and fails (retry applies as to any failure). */
final class TimeoutPolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.timeout() != null;
    }

    @Override
    public Timer.TimerKind timerKind() {
        return Timer.TimerKind.TIMEOUT;
    }

    @Override
    public void attemptStarted(TaskRun run) {
        try {
            long timeout = run.millis(run.spec().timeout(), run.task(), "timeout");
            if (timeout > 0) run.arm(run.task(), timerKind(), timeout);
        } catch (ExpressionException e) {
            // a bad timeout expression leaves the task without a timeout; the error is kept on the task
            run.save(run.with(run.task().state(), e.getMessage()).build());
        }
    }

    @Override
    public void timerFired(TaskRun run) {
        if (run.task().state() != ExecutionState.RUNNING) return;
        run.stopAttempt("task timed out", "task timed out after " + run.millis(run.spec().timeout(), run.task(), "timeout") / 1000.0 + " s");
    }
}
