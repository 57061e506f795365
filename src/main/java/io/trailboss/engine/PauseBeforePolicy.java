package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskFlag;

/** {@code pause-before}: the execution pauses before the task starts (once); its resume starts the task. */
final class PauseBeforePolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.pauseBefore() != null;
    }

    @Override
    public boolean holdsStart(TaskRun run) {
        if (run.hasFlag(TaskFlag.PAUSE_BEFORE_DONE) || !run.test(run.spec().pauseBefore(), run.task())) return false;
        run.save(run.with(ExecutionState.IDLE, null).flag(TaskFlag.PAUSE_BEFORE_DONE).build());
        run.pauseExecution("paused before task '" + run.task().name() + "'");
        return true;
    }
}
