package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;

/** {@code fail-on}: a successful attempt whose condition holds counts as failed. */
final class FailOnPolicy implements TaskPolicy {
    @Override
    public boolean appliesTo(TaskSpec task) {
        return task.failOn() != null;
    }

    @Override
    public Verdict afterAttempt(TaskRun run, Verdict verdict) {
        // as in Mistral, the condition sees the task in the state the attempt gave it
        if (!verdict.success() || !run.test(run.spec().failOn(), run.with(ExecutionState.SUCCESS, null).build())) return verdict;
        return verdict.failed("failed by fail-on condition");
    }
}
