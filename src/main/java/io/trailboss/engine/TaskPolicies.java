package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.Timer;
import java.util.ArrayList;
import java.util.List;

/** The task policies, in the order the engine applies them at each point of a task's life. */
final class TaskPolicies {
    private final List<TaskPolicy> policies;

    private TaskPolicies(List<TaskPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    /** Mistral's task policies and Trailboss's own, in the order Mistral applies them. */
    static TaskPolicies standard() {
        return new TaskPolicies(List.of(new PauseBeforePolicy(), new WaitBeforePolicy(), new TimeoutPolicy(), new FailOnPolicy(),
                new RetryPolicy(), new WaitAfterPolicy(), new PauseOnFailPolicy()));
    }

    /** These policies with {@code policy} added last. */
    TaskPolicies with(TaskPolicy policy) {
        List<TaskPolicy> more = new ArrayList<>(policies);
        more.add(policy);
        return new TaskPolicies(more);
    }

    boolean holdsStart(TaskRun run) {
        for (TaskPolicy p : policies) {
            if (p.appliesTo(run.spec()) && p.holdsStart(run)) return true;
        }
        return false;
    }

    void attemptStarted(TaskRun run) {
        for (TaskPolicy p : policies) {
            if (p.appliesTo(run.spec())) p.attemptStarted(run);
        }
    }

    /** The verdict after every policy has seen it, or null when one took over. */
    TaskPolicy.Verdict afterAttempt(TaskRun run, TaskPolicy.Verdict verdict) {
        TaskPolicy.Verdict v = verdict;
        for (TaskPolicy p : policies) {
            if (!p.appliesTo(run.spec())) continue;
            v = p.afterAttempt(run, v);
            if (v == null) return null;
        }
        return v;
    }

    boolean holdsFailure(TaskRun run, TaskPolicy.Verdict verdict) {
        for (TaskPolicy p : policies) {
            if (p.appliesTo(run.spec()) && p.holdsFailure(run, verdict)) return true;
        }
        return false;
    }

    void timerFired(Timer.TimerKind kind, TaskRun run) {
        for (TaskPolicy p : policies) {
            if (p.timerKind() == kind) {
                p.timerFired(run);
                return;
            }
        }
    }

    /** Only a task with a policy that arms timers ever has one (a stray timer would find the task final and do nothing). */
    boolean mayArmTimers(TaskSpec task) {
        for (TaskPolicy p : policies) {
            if (p.timerKind() != null && p.appliesTo(task)) return true;
        }
        return false;
    }
}
