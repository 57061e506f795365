package io.trailboss.engine;

import static io.trailboss.engine.TaskBuilder.with;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.TaskDirective;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.TaskFlag;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What people ask of an execution's tasks within one step: directives kept for tasks not yet
 * started (block, hold, skip, pause-on-fail), and the task controls applied now (start a held task,
 * skip, interrupt, accept a failure, rerun). {@link TaskControls} decides which tasks; this applies it.
 */
final class TaskSteering {
    private final Step step;
    private Map<String, EnumSet<TaskDirective.Kind>> directives;

    TaskSteering(Step step) {
        this.step = step;
    }

    /** A task that never ran starts now with an empty inbound context (a rerun from it). */
    void startFresh(String name) {
        step.createAndBegin(step.spec().task(name), new LinkedHashMap<>(), null);
        step.checkCompletion();
    }

    /**
     * A join that failed because its arrivals could no longer come no longer counts: a rerun may
     * bring them, and they then start a new join.
     */
    void forgetUnsatisfiedJoin(TaskExecution t) {
        if (t.state() == ExecutionState.ERROR && !t.errorHandled()) step.errorForgiven();
        step.save(with(t, t.state(), t.stateInfo()).handled(true).arrived(null).leaf(false).flag(TaskFlag.RERUN).build());
        step.changed();
    }

    private Map<String, EnumSet<TaskDirective.Kind>> directives() {
        if (directives == null) {
            directives = new HashMap<>();
            if (step.steered()) {
                for (TaskDirective d : step.context().directives().byExecution(step.handle(), step.execution().id())) {
                    directives.computeIfAbsent(d.taskName(), k -> EnumSet.noneOf(TaskDirective.Kind.class)).add(d.kind());
                }
            }
        }
        return directives;
    }

    Set<TaskDirective.Kind> directivesOf(String task) {
        return directives().getOrDefault(task, EnumSet.noneOf(TaskDirective.Kind.class));
    }

    void addDirective(String task, TaskDirective.Kind kind, String by) {
        if (!directives().computeIfAbsent(task, k -> EnumSet.noneOf(TaskDirective.Kind.class)).add(kind)) return;
        step.context().directives().insert(step.handle(), new TaskDirective(step.execution().id(), task, kind, step.now(), by));
        step.markSteered();
    }

    boolean removeDirective(String task, TaskDirective.Kind kind) {
        EnumSet<TaskDirective.Kind> kinds = directives().get(task);
        if (kinds == null || !kinds.remove(kind)) return false;
        step.context().directives().delete(step.handle(), step.execution().id(), task, kind);
        return true;
    }

    /** Whether a failure of the task holds it: a person's directive wins over the workflow's pause-on-fail. */
    boolean pauseOnFail(TaskSpec ts) {
        if (step.steered()) {
            Set<TaskDirective.Kind> kinds = directivesOf(ts.name());
            if (kinds.contains(TaskDirective.Kind.PAUSE_ON_FAIL)) return true;
            if (kinds.contains(TaskDirective.Kind.NO_PAUSE_ON_FAIL)) return false;
        }
        return ts.pauseOnFail();
    }

    /** A task about to start meets what a person asked of it: blocked, held, or skipped. True if it does not start. */
    boolean applyDirectives(TaskExecution t, TaskSpec ts) {
        Set<TaskDirective.Kind> kinds = directivesOf(t.name());
        if (kinds.contains(TaskDirective.Kind.BLOCK)) {
            removeDirective(t.name(), TaskDirective.Kind.BLOCK);
            step.save(with(t, ExecutionState.BLOCKED, "blocked by request: unblock it to run it").unflag(TaskFlag.HELD).build());
            return true;
        }
        if (kinds.contains(TaskDirective.Kind.PAUSE)) {
            removeDirective(t.name(), TaskDirective.Kind.PAUSE);
            step.save(with(t, ExecutionState.PAUSED, "held before start by request: resume or release it to run it").flag(TaskFlag.HELD).unflag(TaskFlag.HELD_FAILURE).build());
            return true;
        }
        if (kinds.contains(TaskDirective.Kind.SKIP)) {
            removeDirective(t.name(), TaskDirective.Kind.SKIP);
            step.complete(t, ts, ExecutionState.SKIPPED, null, "skipped by request");
            return true;
        }
        return false;
    }

    void holdFailure(TaskExecution t, TaskSpec ts, Object result, String info) {
        if (step.context().policies().mayArmTimers(ts)) step.context().timers().deleteForTask(step.handle(), t.id());
        String failure = "failed" + (info == null ? "" : ": " + info);
        step.save(with(t, ExecutionState.PAUSED, failure + " (held by pause-on-fail: rerun, skip, or resume to follow on-error)").result(result)
                .flag(TaskFlag.HELD_FAILURE).unflag(TaskFlag.HELD).error(TaskErrorKind.HELD_FAILURE, failure).build());
    }

    /** Jobs of the task's current attempt that have not ended. */
    List<Job> openJobs(TaskExecution t) {
        return step.context().jobs().openByTask(step.handle(), t.id());
    }

    /** A held (PAUSED before start) or BLOCKED task starts now, unless the execution is paused (then on resume). */
    void startHeld(TaskExecution t) {
        step.begin(with(t, ExecutionState.RUNNING, null).unflag(TaskFlag.HELD).build(), step.spec().task(t.name()));
        step.checkCompletion();
    }

    /** A held task is blocked instead. */
    void blockNow(TaskExecution t) {
        step.save(with(t, ExecutionState.BLOCKED, "blocked by request: unblock it to run it").unflag(TaskFlag.HELD).build());
    }

    /** Counts the task as done without (further) running: open jobs are cancelled, successors start. */
    void skipNow(TaskExecution t, String by) {
        for (Job j : step.context().jobs().openByTask(step.handle(), t.id())) {
            step.context().jobs().cancel(step.handle(), j.id(), "task skipped by " + by, step.now());
            if (j.childExecutionId() != null) step.effects.cancelChild(j.childExecutionId());
            else step.effects.interrupt(j, ControlRequest.DEFAULT_GRACE_MILLIS);
        }
        step.complete(t, step.spec().task(t.name()), ExecutionState.SKIPPED, null, "skipped by " + by);
        step.checkCompletion();
    }

    /** Stops the task's jobs; the task waits, INTERRUPTED, for a rerun, a skip or a resume. */
    void interruptNow(TaskExecution t, String by, long graceMillis) {
        for (Job j : step.context().jobs().openByTask(step.handle(), t.id())) {
            step.context().jobs().cancel(step.handle(), j.id(), "interrupted by " + by, step.now());
            if (j.childExecutionId() != null) step.effects.cancelChild(j.childExecutionId());
            else step.effects.interrupt(j, graceMillis);
        }
        step.context().timers().deleteForTask(step.handle(), t.id());
        step.save(with(t, ExecutionState.INTERRUPTED, "interrupted by " + by + ": rerun, skip, or resume to follow on-error").build());
    }

    /** A task held after failing, or interrupted, follows its failure: on-error, as without pause-on-fail. */
    void acceptFailure(TaskExecution t) {
        String info = t.state() == ExecutionState.INTERRUPTED ? "interrupted"
                : t.errorKind() == TaskErrorKind.HELD_FAILURE ? t.errorCause() : t.stateInfo();
        step.complete(with(t, ExecutionState.RUNNING, null).flag(TaskFlag.FAILURE_ACCEPTED).build(), step.spec().task(t.name()), ExecutionState.ERROR, t.result(), info);
        step.checkCompletion();
    }

    /**
     * Runs a task again. One held after failing or interrupted gets a new attempt; a finished one a
     * new task execution from the same inbound context, whose transitions fire again when it ends (the
     * old one no longer counts as an unhandled error, nor for the final context).
     */
    void rerunNow(TaskExecution t) {
        TaskSpec ts = step.spec().task(t.name());
        if (!t.state().isFinal()) {
            step.context().timers().deleteForTask(step.handle(), t.id());
            step.begin(with(t, ExecutionState.RUNNING, null).attempt(t.attempt() + 1).result(null).unflag(TaskFlag.HELD_FAILURE).error(null, null).build(), ts);
            step.checkCompletion();
            return;
        }
        if (t.state() == ExecutionState.ERROR && !t.errorHandled()) step.errorForgiven();
        step.save(with(t, t.state(), t.stateInfo()).handled(true).leaf(false).flag(TaskFlag.RERUN).build());
        TaskExecution again = step.newTask(ts, t.inContext(), ExecutionState.RUNNING, t.arrived());
        step.taskActivated();
        step.begin(again, ts);
        step.checkCompletion();
    }
}
