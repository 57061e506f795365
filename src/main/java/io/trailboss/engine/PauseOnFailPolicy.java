package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.TaskFlag;

/**
 * {@code pause-on-fail} (or a person's directive): a failed task is held, PAUSED, until a person
 * reruns it, skips it, or lets the failure take its course.
 */
final class PauseOnFailPolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return true; // a person may ask it of any task
    }

    @Override
    public boolean holdsFailure(TaskRun run, Verdict verdict) {
        if (run.hasFlag(TaskFlag.FAILURE_ACCEPTED) || run.failsWorkflow() || !run.pauseOnFail()) return false;
        run.holdFailure(verdict);
        return true;
    }
}
