package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.TaskFlag;
import io.trailboss.model.Timer;
import java.util.Map;

/**
 * A task as a {@link TaskPolicy} meets it inside one engine step: its definition, its row as the
 * step sees it, and what a policy may do to it. Expressions are evaluated over the task's data
 * context, with {@code task()} seeing the row given.
 */
final class TaskRun {
    private final Step step;
    private final TaskSpec spec;
    private final TaskExecution task;

    TaskRun(Step step, TaskSpec spec, TaskExecution task) {
        this.step = step;
        this.spec = spec;
        this.task = task;
    }

    TaskSpec spec() {
        return spec;
    }

    TaskExecution task() {
        return task;
    }

    /** The task with a changed state (and the rest unchanged), to save or to evaluate expressions against. */
    TaskBuilder with(ExecutionState state, String info) {
        return new TaskBuilder(task).state(state, info);
    }

    boolean test(Object condition, TaskExecution seenAs) {
        return step.context().expressions().test(condition, data(), step.scope(seenAs));
    }

    /** A number of seconds given by {@code value} (a number or an expression), in milliseconds; 0 when absent. */
    long millis(Object value, TaskExecution seenAs, String what) {
        return step.seconds(value, data(), seenAs, what);
    }

    long number(Object value, TaskExecution seenAs, String what) {
        return step.number(value, data(), seenAs, what);
    }

    private Map<String, Object> data() {
        return step.dataContext(task);
    }

    void save(TaskExecution t) {
        step.save(t);
    }

    void arm(TaskExecution t, Timer.TimerKind kind, long delayMillis) {
        step.arm(t, kind, delayMillis);
    }

    /** Drops the task's armed timers (its attempt is over). */
    void disarm() {
        step.context().timers().deleteForTask(step.handle(), task.id());
    }

    void pauseExecution(String why) {
        step.pauseExecution(why);
    }

    /** Starts the task now (the policies before the start are asked again). */
    void begin(TaskExecution t) {
        step.begin(t, spec);
    }

    /** Starts an attempt of the task now. */
    void dispatch(TaskExecution t) {
        step.attempts().dispatch(t, spec);
    }

    /** Ends the task (the policies on failure are asked first). */
    void finish(TaskExecution t, TaskPolicy.Verdict outcome) {
        step.finishTask(t, spec, outcome.success(), outcome.result(), outcome.info());
    }

    /** Stops the jobs of the current attempt (each ends with {@code jobError}), which then ends failed with {@code info}. */
    void stopAttempt(String jobError, String info) {
        step.attempts().stopAttempt(task, spec, jobError, info);
    }

    /** Whether the task already fails its whole workflow (no retry, no hold: Mistral ends the workflow at once). */
    boolean failsWorkflow() {
        return step.failsWorkflow(task);
    }

    /** Whether a failure of the task holds it: a person's directive wins over the definition's pause-on-fail. */
    boolean pauseOnFail() {
        return step.steering().pauseOnFail(spec);
    }

    void holdFailure(TaskPolicy.Verdict verdict) {
        step.steering().holdFailure(task, spec, verdict.result(), verdict.info());
    }

    boolean hasFlag(TaskFlag flag) {
        return task.hasFlag(flag);
    }
}
