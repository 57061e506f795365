package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskFlag;
import io.trailboss.model.Timer;

/** {@code wait-before}: the task waits, DELAYED, that many seconds before it starts (once). */
final class WaitBeforePolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.waitBefore() != null;
    }

    @Override
    public Timer.TimerKind timerKind() {
        return Timer.TimerKind.WAIT_BEFORE;
    }

    @Override
    public boolean holdsStart(TaskRun run) {
        long wait = run.millis(run.spec().waitBefore(), run.task(), "wait-before");
        if (wait <= 0 || run.hasFlag(TaskFlag.WAIT_BEFORE_DONE)) return false;
        var waiting = run.with(ExecutionState.DELAYED, "waiting " + wait + " ms before start").flag(TaskFlag.WAIT_BEFORE_DONE).build();
        run.save(waiting);
        run.arm(waiting, timerKind(), wait);
        return true;
    }

    @Override
    public void timerFired(TaskRun run) {
        run.begin(run.with(ExecutionState.RUNNING, null).build());
    }
}
