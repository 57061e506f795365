package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskFlag;
import io.trailboss.model.Timer;

/** {@code wait-after}: the task waits, DELAYED, that many seconds after its last attempt before it ends. */
final class WaitAfterPolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.waitAfter() != null;
    }

    @Override
    public Timer.TimerKind timerKind() {
        return Timer.TimerKind.WAIT_AFTER;
    }

    @Override
    public Verdict afterAttempt(TaskRun run, Verdict verdict) {
        long wait = run.millis(run.spec().waitAfter(), run.task(), "wait-after");
        if (wait <= 0) return verdict;
        run.disarm();
        run.save(run.with(ExecutionState.DELAYED, verdict.info()).flag(verdict.success() ? TaskFlag.AFTER_SUCCESS : TaskFlag.AFTER_ERROR).build());
        run.arm(run.task(), timerKind(), wait);
        return null;
    }

    @Override
    public void timerFired(TaskRun run) {
        run.finish(run.task(), new Verdict(run.hasFlag(TaskFlag.AFTER_SUCCESS), run.task().result(), run.task().stateInfo()));
    }
}
