package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.Timer;

/**
 * One rule on how a task runs besides its action (wait before it, time it out, retry it, ...).
 * The engine calls every policy that {@linkplain #appliesTo applies} to a task, in the order of
 * {@link TaskPolicies}, at each of these points of the task's life; a policy that arms a timer
 * names its kind and gets the timer back in {@link #timerFired}. Adding a policy is one class
 * plus its entry in the definition parser and in {@link TaskPolicies#standard()}.
 */
interface TaskPolicy {
    /** Whether the task's definition asks for this policy at all (most tasks ask for none). */
    boolean appliesTo(TaskSpec task);

    /** The kind of the timers this policy arms, or null if it arms none. */
    default Timer.TimerKind timerKind() {
        return null;
    }

    /**
     * The task is about to start (or start again after a hold). True if this policy holds it here:
     * it has then saved the task as held and arranged what ends the hold (a timer, a resume).
     */
    default boolean holdsStart(TaskRun run) {
        return false;
    }

    /** An attempt of the task has created its jobs. */
    default void attemptStarted(TaskRun run) {}

    /**
     * Every job of an attempt has ended with {@code verdict}. Returns the verdict the task goes on
     * with (changed or not), or null when this policy took over: it decided what comes next (another
     * attempt, a wait) and later policies are not asked.
     */
    default Verdict afterAttempt(TaskRun run, Verdict verdict) {
        return verdict;
    }

    /** The task is about to end failed. True if this policy holds the failure instead (the task waits for a person). */
    default boolean holdsFailure(TaskRun run, Verdict verdict) {
        return false;
    }

    /** A timer of {@link #timerKind()} armed for the task's current attempt is due. */
    default void timerFired(TaskRun run) {}

    /** How an attempt ended: whether it succeeded, its result, and why it failed. */
    record Verdict(boolean success, Object result, String info) {
        Verdict failed(String why) {
            return new Verdict(false, result, why);
        }
    }
}
