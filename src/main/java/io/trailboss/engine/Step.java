package io.trailboss.engine;

import static io.trailboss.engine.TaskBuilder.with;

import io.trailboss.action.ActionResult;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.WorkflowType;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Timer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The engine's work on one execution inside one transaction: it holds the locked execution row,
 * applies one event (start, job result, timer, command), and records what must happen after
 * commit (jobs to run, timers to arm, listeners to tell). Nothing here waits or polls.
 */
final class Step {
    private final StepContext context;
    private final Handle h;
    private final long now;
    final Effects effects;

    private final String executionId;
    private Execution ex;
    private final WorkflowDocument doc;
    private final WorkflowSpec spec;

    private ExecutionState state;
    private String stateInfo;
    private Object output;
    private int active;
    private int waiting;
    private int errors;
    private Long finishedAt;
    private boolean dirty;
    private final TaskRows rows;
    private final JobFactory jobFactory;
    private final TaskCompletion completion;
    private final Attempts attempts;
    private final JobResults jobResults;
    /** Why the workflow's output could not be evaluated when it ended, or null. */
    private String outputError;

    /** Whether directives may exist (see {@link Execution#steered()}); they are read only then. */
    private boolean steered;
    private final TaskSteering steering;

    Step(StepContext context, Handle h, Execution ex, WorkflowDocument doc, WorkflowSpec spec, long now, Effects effects) {
        this.context = context;
        this.h = h;
        this.ex = ex;
        this.executionId = ex.id();
        this.doc = doc;
        this.spec = spec;
        this.now = now;
        this.effects = effects;
        this.rows = new TaskRows(context.tasks(), h, ex.id(), now, effects);
        this.jobFactory = new JobFactory(this, context, doc, now);
        this.completion = new TaskCompletion(this);
        this.attempts = new Attempts(this, jobFactory);
        this.jobResults = new JobResults(this, jobFactory, attempts);
        this.steering = new TaskSteering(this);
        this.state = ex.state();
        this.stateInfo = ex.stateInfo();
        this.output = ex.output();
        this.active = ex.activeTasks();
        this.waiting = ex.waitingJoins();
        this.errors = ex.unhandledErrors();
        this.finishedAt = ex.finishedAt();
        this.steered = ex.steered();
    }

    ExecutionState state() {
        return state;
    }

    /** Writes the execution row if anything about it changed, and queues the listener call. */
    Execution flush() {
        rows.write();
        if (dirty) {
            ex = new Execution(ex.id(), ex.workflowId(), ex.workflowName(), ex.sourceSha(), state, stateInfo, ex.input(),
                    ex.params(), ex.context(), output, ex.description(), ex.parentJobId(), ex.rootExecutionId(), active,
                    waiting, errors, ex.createdAt(), now, finishedAt, steered, ex.targetId());
            context.executions().update(h, ex);
            Execution snapshot = ex;
            effects.executionChanged(snapshot);
            dirty = false;
        }
        return ex;
    }

    // ------------------------------------------------------------------ start

    void start(String targetTask) {
        if (spec.type() == WorkflowType.DIRECT) {
            for (TaskSpec t : spec.startTasks()) createAndBegin(t, new LinkedHashMap<>(), null);
        } else {
            Set<String> needed = TaskCompletion.reverseClosure(spec, targetTask);
            for (String name : needed) {
                TaskSpec t = spec.task(name);
                if (t.requires().isEmpty()) createAndBegin(t, new LinkedHashMap<>(), null);
            }
        }
        checkCompletion();
    }

    // ------------------------------------------------------------------ tasks

    /** For an execution created in this transaction: it has no tasks yet, so no need to ask for the highest seq. */
    void newExecution() {
        rows.noneYet();
    }

    TaskExecution newTask(TaskSpec ts, Map<String, Object> inContext, ExecutionState taskState, List<String> arrived) {
        return rows.create(ts.name(), inContext, taskState, arrived);
    }

    void createAndBegin(TaskSpec ts, Map<String, Object> inContext, List<String> arrived) {
        TaskExecution t = newTask(ts, inContext, ExecutionState.RUNNING, arrived);
        active++;
        dirty = true;
        begin(t, ts);
    }

    /** Runs a created task unless something holds it: a paused execution, a person's directive, a task policy. */
    void begin(TaskExecution t, TaskSpec ts) {
        if (state == ExecutionState.PAUSED || state.isFinal()) {
            save(with(t, ExecutionState.IDLE, null).build());
            return;
        }
        if (steered && steering.applyDirectives(t, ts)) return;
        try {
            if (context.policies().holdsStart(new TaskRun(this, ts, t))) return;
        } catch (ExpressionException e) {
            finishTask(with(t, ExecutionState.RUNNING, null).build(), ts, false, null, e.getMessage());
            return;
        }
        attempts.dispatch(with(t, ExecutionState.RUNNING, null).startedAt(t.startedAt() == null ? now : t.startedAt()).build(), ts);
    }

    /** A job of this execution ended (see {@link JobResults}). */
    void jobFinished(Job job, ActionResult result, long startedAt, String runner) {
        jobResults.apply(job, result, startedAt, runner);
    }

    // ------------------------------------------------------------------ finishing a task

    void finishTask(TaskExecution t, TaskSpec ts, boolean success, Object result, String info) {
        if (!success && context.policies().holdsFailure(new TaskRun(this, ts, t), new TaskPolicy.Verdict(false, result, info))) return;
        complete(t, ts, success ? ExecutionState.SUCCESS : ExecutionState.ERROR, result, info);
    }

    /** Mistral's words for an error before a task's action runs (its input, its with-items lists). */
    String runFailure(TaskExecution t, String error) {
        return "Failed to run task [error=" + error + ", wf=" + spec.name() + ", task=" + t.name() + "]";
    }

    /** Ends a task in {@code end} and takes its transitions (see {@link TaskCompletion}). */
    void complete(TaskExecution t, TaskSpec ts, ExecutionState end, Object result, String info) {
        completion.complete(t, ts, end, result, info);
    }

    /** The message the workflow ends with if the task fails it at once, or null. */
    String workflowFailure(TaskExecution t) {
        return rows.workflowFailure(t);
    }

    String outputError() {
        return outputError;
    }

    /** A task ended: it is no longer active, and counts as an unhandled error if it failed without a handler. */
    void taskEnded(boolean unhandledError) {
        active--;
        if (unhandledError) errors++;
        dirty = true;
    }

    /** A join task now waits for its arrivals. */
    void joinOpened() {
        waiting++;
        dirty = true;
    }

    /** A waiting join has all it waits for: it runs. */
    void joinFired() {
        waiting--;
        active++;
        dirty = true;
    }

    /** A 'succeed' whose output could not be evaluated: the workflow ends failed with {@code why}, as in Mistral. */
    void failedAfterSucceed(String why) {
        stateInfo = why;
        output = Map.of("result", why);
    }

    /** The task's expressions failed where Mistral ends the whole workflow at once: it does, with {@code message}, when the task ends. */
    void failWorkflowFor(TaskExecution t, String message) {
        rows.failsWorkflow(t, message);
    }

    // ------------------------------------------------------------------ timers

    void timerFired(Timer timer) {
        TaskExecution t = tasks().find(h, timer.taskExecutionId()).orElse(null);
        if (t == null || t.state().isFinal() || t.attempt() != timer.attempt() || state.isFinal()) return;
        rows.seen(t);
        context.policies().timerFired(timer.kind(), new TaskRun(this, spec.task(t.name()), t));
    }

    boolean failsWorkflow(TaskExecution t) {
        return rows.workflowFailure(t) != null;
    }

    void arm(TaskExecution t, Timer.TimerKind kind, long delayMillis) {
        Timer timer = new Timer(Ids.next(), now + delayMillis, kind, executionId, t.id(), t.attempt());
        context.timers().insert(h, timer, now);
        effects.arm(timer);
    }

    // ------------------------------------------------------------------ execution-level changes

    void pauseExecution(String why) {
        if (state != ExecutionState.RUNNING) return;
        state = ExecutionState.PAUSED;
        stateInfo = why;
        dirty = true;
    }

    void resume() {
        if (state != ExecutionState.PAUSED) throw new ConflictException("execution " + executionId + " is " + state + ", not PAUSED");
        state = ExecutionState.RUNNING;
        stateInfo = null;
        dirty = true;
        for (TaskExecution t : tasks().unfinished(h, executionId)) {
            if (state != ExecutionState.RUNNING) break;
            if (t.state() == ExecutionState.IDLE) {
                rows.seen(t);
                begin(t, spec.task(t.name()));
            }
        }
        effects.rearmTimers(executionId);
        checkCompletion();
    }

    void cancel(String why) {
        if (state.isFinal()) throw new ConflictException("execution " + executionId + " is already " + state);
        finishExecution(ExecutionState.CANCELLED, why == null ? "cancelled" : why);
    }

    /** Nothing runs and nothing waits to run: the workflow is done, successfully or not. */
    void checkCompletion() {
        if (state != ExecutionState.RUNNING || active > 0) return;
        if (waiting > 0) {
            for (TaskExecution w : tasks().inState(h, executionId, ExecutionState.WAITING)) {
                Set<String> missing = new LinkedHashSet<>(spec.inbound().getOrDefault(w.name(), Set.of()));
                missing.removeAll(w.arrived());
                save(with(w, ExecutionState.ERROR, "join can no longer be satisfied: no transition will come from " + missing).finishedAt(now)
                        .error(TaskErrorKind.JOIN_UNSATISFIED, null).build());
                errors++;
            }
            waiting = 0;
            dirty = true;
        }
        if (errors > 0) {
            finishExecution(ExecutionState.ERROR, WorkflowEnd.failureMessage(this));
        } else {
            finishExecution(ExecutionState.SUCCESS, null);
        }
    }

    void finishExecution(ExecutionState end, String info) {
        WorkflowEnd.Ending ending = WorkflowEnd.of(this, end, info);
        end = ending.state();
        outputError = ending.outputError();
        state = end;
        stateInfo = ending.info();
        output = ending.output();
        finishedAt = now;
        dirty = true;
        // whatever still runs or waits is cancelled: the execution has ended
        for (TaskExecution t : tasks().unfinished(h, executionId)) {
            save(with(t, ExecutionState.CANCELLED, "execution ended: " + end).finishedAt(now).build());
            for (Job j : context.jobs().openByTask(h, t.id())) {
                context.jobs().cancel(h, j.id(), "execution ended: " + end, now);
                if (j.childExecutionId() != null) effects.cancelChild(j.childExecutionId());
                else effects.interrupt(j, ControlRequest.DEFAULT_GRACE_MILLIS);
            }
            context.timers().deleteForTask(h, t.id());
        }
        active = 0;
        waiting = 0;
        if (ex.parentJobId() != null) effects.childFinished(ex.parentJobId());
    }

    // ------------------------------------------------------------------ task controls (decided by TaskControls)

    WorkflowSpec spec() {
        return spec;
    }

    StepContext context() {
        return context;
    }

    /** What people asked of this execution's tasks, and the task controls. */
    TaskSteering steering() {
        return steering;
    }

    boolean steered() {
        return steered;
    }

    /** A person's directive now exists for one of the tasks: from now on they are read. */
    void markSteered() {
        steered = true;
        dirty = true;
    }

    /** The execution row changed: it is written at {@link #flush()}. */
    void changed() {
        dirty = true;
    }

    /** A task started outside the flow of transitions (a rerun) counts as active. */
    void taskActivated() {
        active++;
        dirty = true;
    }

    /** An unhandled error no longer counts (its task runs again, or its join waits again). */
    void errorForgiven() {
        errors--;
        dirty = true;
    }

    WorkflowDocument document() {
        return doc;
    }

    Attempts attempts() {
        return attempts;
    }

    TaskRows rows() {
        return rows;
    }

    Execution execution() {
        return ex;
    }

    long now() {
        return now;
    }

    Handle handle() {
        return h;
    }

    /** A task's latest task execution as this step sees it (its own changes included), null if none. */
    TaskExecution latestTask(String name) {
        return rows.latest(name);
    }

    /** The latest task execution of each task that has one, by name. */
    Map<String, TaskExecution> latestByName() {
        return rows.latestByName();
    }

    /** Reopens a finished execution for a rerun: it runs again, with new input and env if given. */
    void reopen(Map<String, Object> input, Map<String, Object> newContext, Map<String, Object> params) {
        if (input != null) {
            ex = new Execution(ex.id(), ex.workflowId(), ex.workflowName(), ex.sourceSha(), state, stateInfo, input, params, newContext,
                    output, ex.description(), ex.parentJobId(), ex.rootExecutionId(), active, waiting, errors, ex.createdAt(), now, finishedAt, steered, ex.targetId());
            context.executions().replaceInput(h, ex);
        }
        state = ExecutionState.RUNNING;
        stateInfo = null;
        output = null;
        finishedAt = null;
        dirty = true;
    }

    // ------------------------------------------------------------------ data

    /** What {@code _} is for a task: the execution's context (input, vars) with the branch's publishes. */
    Map<String, Object> dataContext(TaskExecution t) {
        return Maps.deepMerge(ex.context(), t.inContext());
    }

    long seconds(Object value, Map<String, Object> ctx, TaskExecution t, String what) {
        if (value == null) return 0;
        Object v = context.expressions().evaluate(value, ctx, scope(t));
        double s;
        try {
            s = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new ExpressionException(what + " must be a number of seconds, not '" + v + "'");
        }
        return Math.round(s * 1000);
    }

    long number(Object value, Map<String, Object> ctx, TaskExecution t, String what) {
        Object v = context.expressions().evaluate(value, ctx, scope(t));
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ExpressionException(what + " must be a whole number, not '" + v + "'");
        }
    }

    void save(TaskExecution task) {
        rows.save(task);
    }

    /** The task table, with this step's pending writes applied first. */
    io.trailboss.store.TaskStore tasks() {
        return rows.store();
    }

    /** What expressions evaluated for {@code current} (null: for the workflow) see of the execution and its tasks. */
    EvaluationScope scope(TaskExecution current) {
        return new StepScope(this, current);
    }
}
