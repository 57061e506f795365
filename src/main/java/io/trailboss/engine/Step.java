package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.definition.ActionCall;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.Transition;
import io.trailboss.definition.WithItem;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.WorkflowType;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.expr.ExpressionException;
import io.trailboss.expr.Values;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskDirective;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.TaskFlag;
import io.trailboss.model.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
    private static final int MAX_ITEMS = 100_000;

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
    private long seq = -1;
    private final Map<String, TaskExecution> taskCache = new HashMap<>();
    /** Task rows changed or created by this step and not yet written (see {@link #writeTasks()}). */
    private final Map<String, TaskExecution> unwritten = new LinkedHashMap<>();
    private final Set<String> uninserted = new java.util.HashSet<>();
    /** The secret values each job built here may see (its target's, its hosts'): their inputs are stored sealed. */
    private final Map<String, List<String>> jobSecrets = new HashMap<>();
    /**
     * Tasks whose expressions failed where Mistral fails the whole workflow at once (the task's input, its
     * with-items lists, its publish), by task id, with the message the workflow ends with: no retry, no
     * transition, no error handler.
     */
    private final Map<String, String> workflowFailures = new HashMap<>();
    /** Why the workflow's output could not be evaluated when it ended, or null. */
    private String outputError;

    private AdHocActions adHoc;
    /** Whether directives may exist (see {@link Execution#steered()}); they are read only then. */
    private boolean steered;
    private Map<String, java.util.EnumSet<TaskDirective.Kind>> directives;

    private AdHocActions adHoc() {
        if (adHoc == null) adHoc = new AdHocActions(doc, context.actions(), context.expressions());
        return adHoc;
    }

    Step(StepContext context, Handle h, Execution ex, WorkflowDocument doc, WorkflowSpec spec, long now, Effects effects) {
        this.context = context;
        this.h = h;
        this.ex = ex;
        this.executionId = ex.id();
        this.doc = doc;
        this.spec = spec;
        this.now = now;
        this.effects = effects;
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
        writeTasks();
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
            Set<String> needed = reverseClosure(targetTask);
            for (String name : needed) {
                TaskSpec t = spec.task(name);
                if (t.requires().isEmpty()) createAndBegin(t, new LinkedHashMap<>(), null);
            }
        }
        checkCompletion();
    }

    private Set<String> reverseClosure(String targetTask) {
        Set<String> out = new LinkedHashSet<>();
        if (targetTask == null) {
            out.addAll(spec.tasks().keySet());
            return out;
        }
        List<String> todo = new ArrayList<>(List.of(targetTask));
        while (!todo.isEmpty()) {
            String name = todo.removeLast();
            if (out.add(name)) todo.addAll(spec.task(name).requires());
        }
        return out;
    }

    // ------------------------------------------------------------------ tasks

    /** For an execution created in this transaction: it has no tasks yet, so no need to ask for the highest seq. */
    void newExecution() {
        if (seq < 0) seq = 0;
    }

    private long nextSeq() {
        if (seq < 0) seq = context.tasks().maxSeq(h, executionId);
        return ++seq;
    }

    private TaskExecution newTask(TaskSpec ts, Map<String, Object> inContext, ExecutionState taskState, List<String> arrived) {
        TaskExecution t = new TaskExecution(Ids.next(), executionId, ts.name(), taskState, null, inContext,
                null, null, 0, 0, 0, 0, 0, arrived, java.util.Set.of(), false, false, nextSeq(), now, null, null, now);
        unwritten.put(t.id(), t);
        uninserted.add(t.id());
        taskCache.put(t.name(), t);
        return t;
    }

    private void createAndBegin(TaskSpec ts, Map<String, Object> inContext, List<String> arrived) {
        TaskExecution t = newTask(ts, inContext, ExecutionState.RUNNING, arrived);
        active++;
        dirty = true;
        begin(t, ts);
    }

    /** A task's inbound transition fired: start it, or count the arrival at its join. */
    private void arrive(TaskSpec target, TaskExecution from, Map<String, Object> outbound) {
        if (target.join() == null) {
            createAndBegin(target, outbound, null);
            return;
        }
        TaskExecution latest = latest(target.name());
        if (latest != null && latest.state() != ExecutionState.WAITING && latest.arrived() != null && !latest.arrived().contains(from.name())) {
            // a late arrival at a join that already fired: remembered, nothing new runs
            List<String> arrived = new ArrayList<>(latest.arrived());
            arrived.add(from.name());
            save(with(latest, latest.state(), latest.stateInfo()).arrived(arrived).build());
            return;
        }
        TaskExecution w;
        if (latest != null && latest.state() == ExecutionState.WAITING) {
            w = latest;
        } else {
            w = newTask(target, new LinkedHashMap<>(), ExecutionState.WAITING, List.of());
            waiting++;
            dirty = true;
        }
        List<String> arrived = new ArrayList<>(w.arrived());
        arrived.add(from.name());
        Map<String, Object> ctx = Maps.deepMerge(w.inContext(), outbound);
        boolean satisfied = switch (target.join().kind()) {
            case ALL -> new java.util.HashSet<>(arrived).containsAll(spec.inbound().getOrDefault(target.name(), Set.of())); // O(n), not O(n²)
            case ONE -> true;
            case COUNT -> new LinkedHashSet<>(arrived).size() >= target.join().count();
        };
        if (!satisfied) {
            save(with(w, ExecutionState.WAITING, null).arrived(arrived).inContext(ctx).build());
            return;
        }
        waiting--;
        active++;
        dirty = true;
        begin(with(w, ExecutionState.RUNNING, null).arrived(arrived).inContext(ctx).build(), target);
    }

    /** Runs a created task unless something holds it: a paused execution, a person's directive, a task policy. */
    void begin(TaskExecution t, TaskSpec ts) {
        if (state == ExecutionState.PAUSED || state.isFinal()) {
            save(with(t, ExecutionState.IDLE, null).build());
            return;
        }
        if (steered && applyDirectives(t, ts)) return;
        try {
            if (context.policies().holdsStart(new TaskRun(this, ts, t))) return;
        } catch (ExpressionException e) {
            finishTask(with(t, ExecutionState.RUNNING, null).build(), ts, false, null, e.getMessage());
            return;
        }
        dispatch(with(t, ExecutionState.RUNNING, null).startedAt(t.startedAt() == null ? now : t.startedAt()).build(), ts);
    }

    /** Starts the current attempt: evaluates with-items, creates the first jobs, arms the timeout. */
    void dispatch(TaskExecution t, TaskSpec ts) {
        Map<String, Object> ctx = dataContext(t);
        int total;
        int concurrency;
        try {
            total = (ts.withItems().isEmpty() ? 1 : items(ts, ctx, t).size()) * (ts.targets() == null ? 1 : targets(ts, ctx, t).size());
            if (ts.targets() == null) boundTarget(); // resolved here so that a vanished target fails the task, not the transaction
            concurrency = ts.concurrency() == null ? 0 : (int) number(ts.concurrency(), ctx, t, "concurrency");
        } catch (ExpressionException | InvalidInputException e) {
            if (e instanceof ExpressionException || (e instanceof InvalidInputException bad && "with-items".equals(bad.field()))) {
                failWorkflowFor(t, runFailure(t, e.getMessage()));
            }
            finishTask(t, ts, false, null, e.getMessage());
            return;
        }
        TaskExecution running = with(t, ExecutionState.RUNNING, null).items(total, 0, 0, 0).result(null).build();
        if (total == 0) {
            save(running);
            attemptDone(running, ts);
            return;
        }
        int first = concurrency > 0 ? Math.min(concurrency, total) : total;
        running = launch(running, ts, first);
        save(running);
        context.policies().attemptStarted(new TaskRun(this, ts, running));
    }

    /** Creates jobs for the next {@code count} items of the current attempt. */
    private TaskExecution launch(TaskExecution t, TaskSpec ts, int count) {
        Map<String, Object> ctx = dataContext(t);
        List<Map<String, Object>> items = ts.withItems().isEmpty() ? null : items(ts, ctx, t);
        List<TargetDirectory.TargetView> targets = ts.targets() == null ? null : targets(ts, ctx, t);
        int perItem = targets == null ? 1 : targets.size();
        Map<String, String> lastOnTarget = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        int next = t.itemsNext();
        int done = t.itemsDone();
        int failed = t.itemsFailed();
        for (int i = 0; i < count && next < t.itemsTotal(); i++, next++) {
            // job number n is item n / targets, target n % targets
            Map<String, Object> itemCtx = ctx;
            if (items != null) {
                itemCtx = new LinkedHashMap<>(ctx);
                itemCtx.putAll(items.get(next / perItem));
            }
            TargetDirectory.TargetView target = targets == null ? boundTarget() : targets.get(next % perItem);
            String previous = target == null ? null
                    : lastOnTarget.containsKey(target.name()) ? lastOnTarget.get(target.name()) : context.jobs().lastOnTarget(h, target.name()).orElse(null);
            Job job = job(t, ts, next, itemCtx, target, previous);
            if (target != null) lastOnTarget.put(target.name(), job.id());
            if (job.state() == JobState.FAILED) {
                // the input could not be built: the item fails without running
                done++;
                failed++;
            }
            jobs.add(job);
        }
        writeTasks(); // a job row references its task row
        context.jobs().insertAll(h, jobs, j -> jobSecrets.getOrDefault(j.id(), List.of()));
        for (Job job : jobs) {
            if (job.state() == JobState.QUEUED) effects.dispatch(job);
        }
        for (Job job : jobs) {
            if (job.childExecutionId() != null) {
                // sub-workflow: the child execution is created in this same transaction
                context.executionsToStart().startChild(context, h, job, ts, doc, ex.sourceSha(), ex, effects);
            }
        }
        TaskExecution out = with(t, t.state(), t.stateInfo()).items(t.itemsTotal(), next, done, failed).build();
        if (failed > 0 && done == next) {
            save(out);
            attemptDone(out, ts);
            return latest(t.name());
        }
        return out;
    }

    private Job job(TaskExecution t, TaskSpec ts, int item, Map<String, Object> ctx, TargetDirectory.TargetView target, String previous) {
        Map<String, Object> globals = target == null ? Map.of() : Map.of("target", target.asData(), "params", target.params());
        if (target != null && target == bound) {
            // an execution bound to a target (an operation or stage run): vars = target params, then the run's input
            Map<String, Object> vars = new LinkedHashMap<>(target.params());
            vars.putAll(ex.input());
            globals = Map.of("target", target.asData(), "params", target.params(), "vars", vars);
        }
        String id = Ids.next();
        boolean sealedInputs = ex.input() != null && SealedInputs.contains(ex.input());
        if (!sealedInputs) {
            // known here: the runner's masks need no read of the execution for it
            context.secrets().remember(executionId, List.of());
        } else if (!ts.isSubWorkflow()) {
            // secret inputs are opened for this job's rendering only: its input then rests sealed, and the
            // opened values are masked wherever the job shows them
            List<String> opened = new ArrayList<>();
            ctx = castMap(SealedInputs.open(ctx, context.secrets().sealer(), opened));
            globals = castMap(SealedInputs.open(globals, context.secrets().sealer(), opened));
            jobSecrets.computeIfAbsent(id, k -> new ArrayList<>()).addAll(opened);
            context.secrets().remember(executionId, List.copyOf(new java.util.LinkedHashSet<>(opened)));
        }
        ActionCall call = ts.isSubWorkflow() ? ts.workflow() : ts.action() != null ? ts.action() : new ActionCall("std.noop", Map.of());
        // as in Mistral, a parameter given inline and in 'input' takes the inline value
        Map<String, Object> raw = new LinkedHashMap<>(ts.input());
        raw.putAll(call.inlineParams());
        Map<String, Object> input = raw;
        String action = ts.isSubWorkflow() ? io.trailboss.definition.DefinitionParser.SUB_WORKFLOW + call.name() : call.name();
        String error = null;
        boolean inputEvaluated = false;
        try {
            // inputs the action takes literally (a playbook: Ansible renders its own Jinja) skip our rendering
            Map<String, Object> literal = new LinkedHashMap<>();
            for (String name : context.actions().find(call.name()).map(io.trailboss.action.Action::literalInputs).orElse(java.util.Set.of())) {
                if (raw.containsKey(name)) literal.put(name, raw.remove(name));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> evaluated = (Map<String, Object>) context.expressions().evaluate(raw, ctx, globals, scope(t));
            inputEvaluated = true;
            if (!literal.isEmpty()) {
                evaluated = new LinkedHashMap<>(evaluated);
                evaluated.putAll(literal);
            }
            input = evaluated;
            if (!ts.isSubWorkflow()) {
                Map.Entry<String, Map<String, Object>> concrete = adHoc().concrete(call.name(), evaluated, scope(null));
                action = concrete.getKey();
                input = concrete.getValue();
                input = resolveTargetInputs(id, action, input);
            }
        } catch (ExpressionException | InvalidInputException e) {
            error = e.getMessage();
            if (!inputEvaluated && e instanceof ExpressionException) failWorkflowFor(t, runFailure(t, error));
        }
        if (target != null && !target.secrets().isEmpty()) jobSecrets.computeIfAbsent(id, k -> new ArrayList<>()).addAll(target.secrets());
        String child = ts.isSubWorkflow() && error == null ? Ids.next() : null;
        JobState jobState = error != null ? JobState.FAILED : child != null ? JobState.RUNNING : JobState.QUEUED;
        return new Job(id, executionId, t.id(), action, input, jobState, null, error, item, t.attempt(), false, null, child,
                null, now, child != null ? now : null, error != null ? now : null, now, target == null ? null : target.name(), previous, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    /** Replaces the selectors in an action's target inputs by the targets they select (each with its effective params). */
    private Map<String, Object> resolveTargetInputs(String jobId, String action, Map<String, Object> input) {
        java.util.Set<String> names = context.actions().find(action).map(io.trailboss.action.Action::targetInputs).orElse(java.util.Set.of());
        if (names.isEmpty()) return input;
        Map<String, Object> out = new LinkedHashMap<>(input);
        for (String name : names) {
            Object selector = input.get(name);
            if (selector == null) continue;
            List<TargetDirectory.TargetView> found = context.targets().select(selector);
            if (found.isEmpty()) throw new InvalidInputException(name, name + ": no target matches " + io.trailboss.json.Json.write(selector));
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (TargetDirectory.TargetView v : found) {
                Map<String, Object> host = new LinkedHashMap<>(v.asData());
                host.put("params", v.params());
                hosts.add(host);
                if (!v.secrets().isEmpty()) jobSecrets.computeIfAbsent(jobId, k -> new ArrayList<>()).addAll(v.secrets());
            }
            out.put(name, hosts);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> items(TaskSpec ts, Map<String, Object> ctx, TaskExecution t) {
        List<List<Object>> lists = new ArrayList<>();
        for (WithItem w : ts.withItems()) {
            Object v = context.expressions().evaluate(w.expression(), ctx, scope(t));
            if (v instanceof String s && !io.trailboss.expr.Expressions.hasExpression(w.expression())) {
                Object again = context.expressions().evaluate("{{ " + s + " }}", ctx, scope(t));
                v = again;
            }
            if (!(v instanceof List<?> list)) {
                throw new InvalidInputException("with-items", "with-items '" + w.variable() + "' must be a list, got " + describe(v));
            }
            lists.add((List<Object>) list);
        }
        int n = lists.getFirst().size();
        for (int i = 1; i < lists.size(); i++) {
            if (lists.get(i).size() != n) {
                // Mistral's words, which name every list
                Map<String, Object> given = new LinkedHashMap<>();
                for (int j = 0; j < lists.size(); j++) given.put(ts.withItems().get(j).variable(), lists.get(j));
                throw new InvalidInputException("with-items", "Wrong input format for: " + io.trailboss.expr.Expressions.pythonText(given)
                        + ". All arrays must have the same length.");
            }
        }
        if (n > MAX_ITEMS) throw new InvalidInputException("with-items", "with-items has " + n + " items; the limit is " + MAX_ITEMS);
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            for (int k = 0; k < lists.size(); k++) item.put(ts.withItems().get(k).variable(), lists.get(k).get(i));
            out.add(item);
        }
        return out;
    }

    private TargetDirectory.TargetView bound;

    /** The target this execution is bound to (its target-less tasks run there), or null; resolved once per step. */
    private TargetDirectory.TargetView boundTarget() {
        if (bound == null && ex.bound().get("target") instanceof String name) {
            List<TargetDirectory.TargetView> found = context.targets().select(name);
            bound = found.isEmpty() ? null : found.getFirst();
        }
        return bound;
    }

    /** The task's targets, resolved now; a selector that matches nothing is an error. */
    private List<TargetDirectory.TargetView> targets(TaskSpec ts, Map<String, Object> ctx, TaskExecution t) {
        Object selector = context.expressions().evaluate(ts.targets(), ctx, scope(t));
        List<TargetDirectory.TargetView> found = context.targets().select(selector);
        if (found.isEmpty()) throw new InvalidInputException("targets", "no target matches " + io.trailboss.json.Json.write(selector));
        return found;
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof String ? "a string" : v instanceof Map ? "a mapping" : v.getClass().getSimpleName().toLowerCase();
    }

    // ------------------------------------------------------------------ job results

    void jobFinished(Job job, ActionResult result, long startedAt, String runner) {
        TaskExecution t = unwritten.containsKey(job.taskExecutionId()) ? unwritten.get(job.taskExecutionId())
                : tasks().find(h, job.taskExecutionId()).orElseThrow();
        taskCache.put(t.name(), t);
        if (result instanceof ActionResult.Async) {
            context.jobs().awaitCompletion(h, job.id(), runner, startedAt);
            return;
        }
        if (result instanceof ActionResult.Incomplete incomplete && runAgain(job, incomplete)) return;
        boolean ok = result instanceof ActionResult.Success;
        boolean lost = result instanceof ActionResult.Lost;
        Object out = switch (result) {
            case ActionResult.Success s -> s.output();
            case ActionResult.Failure f -> f.output();
            default -> null;
        };
        String error = switch (result) {
            case ActionResult.Failure f -> f.error();
            case ActionResult.Lost l -> l.reason();
            case ActionResult.Incomplete i -> "still incomplete after " + MAX_INCOMPLETE + " runs";
            default -> null;
        };
        if (result instanceof ActionResult.Incomplete i) out = i.output();
        if (ok && out instanceof Map<?, ?> o && "stop".equals(o.get("signal"))) {
            // exit code 16: the job asks that nothing more starts until a person resumes
            pauseExecution("job " + job.id() + (job.target() == null ? "" : " on " + job.target()) + " asked to stop (exit code 16)");
        }
        TaskSpec taskSpec = spec.task(t.name());
        if (ok && taskSpec.action() != null && doc.action(taskSpec.action().name()) != null) {
            try {
                out = adHoc().output(taskSpec.action().name(), out, scope(null));
            } catch (ExpressionException e) {
                ok = false;
                error = "cannot evaluate the output of action '" + taskSpec.action().name() + "': " + e.getMessage();
            }
        }
        context.jobs().finish(h, job.id(), ok ? JobState.SUCCEEDED : lost ? JobState.LOST : JobState.FAILED, out, error, startedAt, runner, now);
        if (t.state() != ExecutionState.RUNNING || job.attempt() != t.attempt() || state.isFinal()) return;
        TaskSpec ts = spec.task(t.name());
        TaskExecution updated = with(t, t.state(), t.stateInfo())
                .items(t.itemsTotal(), t.itemsNext(), t.itemsDone() + 1, t.itemsFailed() + (ok ? 0 : 1)).build();
        if (updated.itemsFailed() == 0 && updated.itemsNext() < updated.itemsTotal()) {
            try {
                updated = launch(updated, ts, 1);
            } catch (ExpressionException | InvalidInputException e) {
                save(updated);
                finishTask(updated, ts, false, null, e.getMessage());
                return;
            }
            if (updated.state() != ExecutionState.RUNNING) return;
        }
        save(updated);
        if (updated.itemsDone() == updated.itemsNext() && (updated.itemsNext() == updated.itemsTotal() || updated.itemsFailed() > 0)) {
            attemptDone(updated, ts);
        }
    }

    private static final int MAX_INCOMPLETE = 20;

    /**
     * An INCOMPLETE job is recorded and the same job (input, item, target, attempt) is queued again,
     * linked to it; after {@link #MAX_INCOMPLETE} runs it counts as failed. Returns true if re-queued.
     */
    private boolean runAgain(Job job, ActionResult.Incomplete incomplete) {
        int runs = context.jobs().incompleteRuns(h, job.taskExecutionId(), job.itemIndex(), job.attempt());
        if (runs + 1 >= MAX_INCOMPLETE) return false;
        context.jobs().finish(h, job.id(), JobState.INCOMPLETE, incomplete.output(), null, job.startedAt(), null, now);
        if (state.isFinal()) return true;
        Job again = new Job(Ids.next(), job.executionId(), job.taskExecutionId(), job.action(), job.input(), JobState.QUEUED, null, null,
                job.itemIndex(), job.attempt(), false, null, null, null, now, null, null, now, job.target(), job.id(), null);
        context.jobs().insertAll(h, List.of(again), context.secrets()::of);
        effects.dispatch(again);
        return true;
    }

    /** Every job of the attempt is done: apply fail-on, retry and wait-after, then finish. */
    void attemptDone(TaskExecution t, TaskSpec ts) {
        // an INCOMPLETE job was run again by a later job for the same item: only the last run counts
        List<Job> jobs = context.jobs().byTaskAttempt(h, t.id(), t.attempt()).stream().filter(j -> j.state() != JobState.INCOMPLETE).toList();
        boolean success = t.itemsFailed() == 0;
        Object result;
        String info = null;
        if (ts.targets() != null) {
            // per target: {target: result}; with with-items, one such map per item
            List<Object> perItem = new ArrayList<>();
            Map<String, Object> current = new LinkedHashMap<>();
            int lastItem = -1;
            int targetsPerItem = (int) jobs.stream().map(Job::target).distinct().count();
            for (Job j : jobs) {
                int item = j.itemIndex() / Math.max(1, targetsPerItem);
                if (item != lastItem && lastItem >= 0) {
                    perItem.add(current);
                    current = new LinkedHashMap<>();
                }
                lastItem = item;
                current.put(j.target(), j.state() == JobState.SUCCEEDED ? j.output() : j.output() != null ? j.output() : j.error());
            }
            perItem.add(current);
            result = ts.withItems().isEmpty() ? perItem.getFirst() : perItem;
            if (!success) info = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).map(j -> j.target() + ": " + j.error()).findFirst().orElse("a target failed");
        } else if (!ts.withItems().isEmpty()) {
            List<Object> results = new ArrayList<>();
            for (Job j : jobs) results.add(j.state() == JobState.SUCCEEDED ? j.output() : j.error());
            result = results;
            if (!success) info = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).map(Job::error).findFirst().orElse("an item failed");
        } else {
            Job j = jobs.isEmpty() ? null : jobs.getLast();
            if (j == null) {
                result = null;
            } else if (j.state() == JobState.SUCCEEDED) {
                result = j.output();
            } else {
                result = j.output() != null ? j.output() : j.error();
                info = j.error();
            }
        }
        TaskExecution withResult = with(t, t.state(), t.stateInfo()).result(result).build();
        TaskPolicy.Verdict verdict = new TaskPolicy.Verdict(success, result, info);
        try {
            verdict = context.policies().afterAttempt(new TaskRun(this, ts, withResult), verdict);
            if (verdict == null) return; // a policy decided what comes next
        } catch (ExpressionException e) {
            verdict = verdict.failed(e.getMessage());
        }
        finishTask(withResult, ts, verdict.success(), verdict.result(), verdict.info());
    }

    // ------------------------------------------------------------------ finishing a task

    void finishTask(TaskExecution t, TaskSpec ts, boolean success, Object result, String info) {
        if (!success && context.policies().holdsFailure(new TaskRun(this, ts, t), new TaskPolicy.Verdict(false, result, info))) return;
        complete(t, ts, success ? ExecutionState.SUCCESS : ExecutionState.ERROR, result, info);
    }

    /**
     * Ends a task in {@code end} (SUCCESS, ERROR, or SKIPPED, which publishes nothing and takes the
     * success transitions) and takes its transitions.
     */
    private void complete(TaskExecution t, TaskSpec ts, ExecutionState end, Object result, String info) {
        if (context.policies().mayArmTimers(ts) || steered) context.timers().deleteForTask(h, t.id());
        boolean success = end != ExecutionState.ERROR;
        TaskExecution done = with(t, end, info).result(result).build();
        Map<String, Object> ctx = dataContext(done);
        Map<String, Object> published = new LinkedHashMap<>();
        try {
            if (end != ExecutionState.SKIPPED) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) context.expressions().evaluate(success ? ts.publish() : ts.publishOnError(), ctx, scope(done));
                published.putAll(p);
            }
        } catch (ExpressionException e) {
            failWorkflowFor(t, completionFailure(t, ts, e.getMessage()));
        }
        String workflowFailure = workflowFailures.remove(t.id());
        if (workflowFailure != null) {
            success = false;
            done = with(done, ExecutionState.ERROR, workflowFailure).build();
        }
        Map<String, Object> outbound = Maps.deepMerge(done.inContext(), published);
        Map<String, Object> outCtx = Maps.deepMerge(ex.context(), outbound);
        List<Transition> taken = new ArrayList<>();
        boolean handled = false;
        try {
            if (spec.type() == WorkflowType.DIRECT && workflowFailure == null) {
                List<Transition> primary = taken(success ? ts.onSuccess() : ts.onError(), outCtx, done);
                handled = !success && !primary.isEmpty();
                taken.addAll(primary);
                taken.addAll(taken(ts.onComplete(), outCtx, done));
            }
        } catch (ExpressionException e) {
            success = false;
            handled = false;
            taken.clear();
            done = with(done, ExecutionState.ERROR, "cannot evaluate a transition: " + e.getMessage()).build();
        }
        boolean leaf = taken.stream().noneMatch(tr -> tr instanceof Transition.GoTo);
        done = with(done, done.state(), done.stateInfo()).published(published).finishedAt(now).handled(handled).leaf(leaf)
                .result(ts.keepResult() ? done.result() : null).build();
        save(done);
        active--;
        if (!success && !handled) errors++;
        dirty = true;
        if (spec.type() == WorkflowType.REVERSE && success) {
            startReadyDependents(done, outbound);
        }
        if (workflowFailure != null) {
            // as in Mistral: the workflow fails at once, with the task's message, whatever else runs
            finishExecution(ExecutionState.ERROR, workflowFailure);
            return;
        }
        for (Transition tr : taken) {
            if (state.isFinal()) break;
            switch (tr) {
                case Transition.GoTo go -> arrive(spec.task(go.task()), done, outbound);
                case Transition.Command cmd -> {
                    String message = commandMessage(cmd, outCtx, done);
                    switch (cmd.command()) {
                        case FAIL -> finishExecution(ExecutionState.ERROR, message != null ? message : "failed by 'fail' in task '" + done.name() + "'");
                        case SUCCEED -> {
                            finishExecution(ExecutionState.SUCCESS, message);
                            if (outputError != null) {
                                // as in Mistral, the output is evaluated while the task's completion is handled: the task fails with it
                                String why = completionFailure(done, ts, outputError);
                                save(with(done, ExecutionState.ERROR, why).build());
                                stateInfo = why;
                                output = Map.of("result", why);
                            }
                        }
                        case PAUSE -> pauseExecution(message != null ? message : "paused by task '" + done.name() + "'");
                        case NOOP -> { }
                    }
                }
            }
        }
        checkCompletion();
    }

    /** Mistral's words for an error before a task's action runs (its input, its with-items lists). */
    private String runFailure(TaskExecution t, String error) {
        return "Failed to run task [error=" + error + ", wf=" + spec.name() + ", task=" + t.name() + "]";
    }

    /** Mistral's words for an error while a task's completion is handled (its publish, the output a command asks for). */
    private String completionFailure(TaskExecution t, TaskSpec ts, String error) {
        return "Failed to handle action completion [error=" + error + ", wf=" + spec.name() + ", task=" + t.name()
                + (ts.action() != null ? ", action=" + ts.action().name() : "") + "]";
    }

    private void failWorkflowFor(TaskExecution t, String message) {
        workflowFailures.putIfAbsent(t.id(), message);
    }

    /**
     * Why the workflow failed, in Mistral's words and layout (scripts read its head line): the unhandled failed
     * tasks by name, then each with its error and the errors of its failed jobs (actions or sub-workflows).
     */
    private String failureMessage() {
        Map<String, TaskExecution> failed = new java.util.TreeMap<>();
        for (TaskExecution t : tasks().inState(h, executionId, ExecutionState.ERROR)) {
            if (!t.errorHandled()) failed.putIfAbsent(t.name(), t);
        }
        StringBuilder m = new StringBuilder("Failure caused by error in tasks: ").append(String.join(", ", failed.keySet())).append('\n');
        for (TaskExecution t : failed.values()) {
            m.append("\n  ").append(t.name()).append(" [task_ex_id=").append(t.id()).append("] -> ").append(t.stateInfo()).append('\n');
            List<Job> jobs = context.jobs().byTask(h, t.id());
            for (int i = 0; i < jobs.size(); i++) {
                Job j = jobs.get(i);
                if (j.state() != JobState.FAILED && j.state() != JobState.LOST) continue;
                Object why = j.output() != null ? j.output() : j.error() != null ? j.error() : "Unknown";
                m.append(j.childExecutionId() != null ? "    [wf_ex_id=" + j.childExecutionId() : "    [action_ex_id=" + j.id())
                        .append(", idx=").append(i).append("]: ").append(io.trailboss.expr.Expressions.pythonText(why)).append('\n');
            }
        }
        return m.toString();
    }

    /** A command's message with its expressions evaluated over the task's outbound context, as Mistral does. */
    private String commandMessage(Transition.Command cmd, Map<String, Object> ctx, TaskExecution t) {
        if (cmd.message() == null) return null;
        try {
            Object v = context.expressions().evaluate(cmd.message(), ctx, scope(t));
            return v == null ? null : v instanceof String text ? text : io.trailboss.json.Json.write(v);
        } catch (ExpressionException e) {
            return cmd.message() + " (cannot evaluate the message: " + e.getMessage() + ")";
        }
    }

    private List<Transition> taken(List<Transition> clause, Map<String, Object> ctx, TaskExecution t) {
        List<Transition> out = new ArrayList<>();
        for (Transition tr : clause) {
            if (tr.guard() == null || context.expressions().test(tr.guard(), ctx, scope(t))) out.add(tr);
        }
        return out;
    }

    private void startReadyDependents(TaskExecution done, Map<String, Object> outbound) {
        Set<String> needed = reverseClosure(ex.params().get("task_name") instanceof String s ? s : null);
        Map<String, ExecutionState> states = new HashMap<>();
        Map<String, Map<String, Object>> contexts = new HashMap<>();
        for (TaskExecution te : tasks().byExecution(h, executionId)) {
            states.put(te.name(), te.state());
            contexts.put(te.name(), Maps.deepMerge(te.inContext(), te.published() == null ? Map.of() : te.published()));
        }
        states.put(done.name(), ExecutionState.SUCCESS);
        contexts.put(done.name(), outbound);
        for (String name : needed) {
            TaskSpec ts = spec.task(name);
            if (!ts.requires().contains(done.name()) || states.containsKey(name)) continue;
            if (ts.requires().stream().allMatch(r -> states.get(r) == ExecutionState.SUCCESS || states.get(r) == ExecutionState.SKIPPED)) {
                Map<String, Object> ctx = new LinkedHashMap<>();
                for (String r : ts.requires()) ctx = Maps.deepMerge(ctx, contexts.get(r));
                createAndBegin(ts, ctx, null);
                states.put(name, ExecutionState.RUNNING);
            }
        }
    }

    // ------------------------------------------------------------------ timers

    void timerFired(Timer timer) {
        TaskExecution t = tasks().find(h, timer.taskExecutionId()).orElse(null);
        if (t == null || t.state().isFinal() || t.attempt() != timer.attempt() || state.isFinal()) return;
        taskCache.put(t.name(), t);
        context.policies().timerFired(timer.kind(), new TaskRun(this, spec.task(t.name()), t));
    }

    /** Stops the jobs of the task's current attempt, which then ends failed ({@code info} if nothing else says why). */
    void stopAttempt(TaskExecution t, TaskSpec ts, String jobError, String info) {
        for (Job j : context.jobs().openByTask(h, t.id())) {
            context.jobs().cancel(h, j.id(), jobError, now);
            if (j.childExecutionId() != null) effects.cancelChild(j.childExecutionId());
        }
        TaskExecution stopped = with(t, ExecutionState.RUNNING, null)
                .items(t.itemsTotal(), t.itemsNext(), t.itemsNext(), Math.max(1, t.itemsFailed())).build();
        save(stopped);
        // a stopped attempt is a failed one: retry applies as for any failure
        attemptDone(stopped, ts);
        TaskExecution after = latest(t.name());
        if (after != null && after.state() == ExecutionState.ERROR && after.id().equals(t.id()) && after.stateInfo() == null) {
            save(with(after, ExecutionState.ERROR, info).build());
        }
    }

    boolean failsWorkflow(TaskExecution t) {
        return workflowFailures.containsKey(t.id());
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
                taskCache.put(t.name(), t);
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
    private void checkCompletion() {
        if (state != ExecutionState.RUNNING || active > 0) return;
        if (waiting > 0) {
            for (TaskExecution w : tasks().inState(h, executionId, ExecutionState.WAITING)) {
                Set<String> missing = new LinkedHashSet<>(spec.inbound().getOrDefault(w.name(), Set.of()));
                missing.removeAll(w.arrived());
                save(with(w, ExecutionState.ERROR, "join can no longer be satisfied: no transition will come from " + missing).finishedAt(now).build());
                errors++;
            }
            waiting = 0;
            dirty = true;
        }
        if (errors > 0) {
            finishExecution(ExecutionState.ERROR, failureMessage());
        } else {
            finishExecution(ExecutionState.SUCCESS, null);
        }
    }

    /**
     * The final context, as Mistral has it: the vars merged with the outbound contexts of the tasks that took no
     * transition. The input lies beneath the data context rather than in it, so it is not part of this.
     */
    Map<String, Object> finalContext() {
        Map<String, Object> finalContext = new LinkedHashMap<>();
        for (String name : spec.vars().keySet()) {
            if (ex.context().containsKey(name)) finalContext.put(name, ex.context().get(name));
        }
        for (TaskExecution leaf : tasks().leaves(h, executionId)) {
            finalContext = Maps.deepMerge(finalContext, Maps.deepMerge(leaf.inContext(), leaf.published() == null ? Map.of() : leaf.published()));
        }
        return finalContext;
    }

    /** What the workflow's 'output' expressions see: the input and vars, then the final context. */
    Map<String, Object> outputContext(Map<String, Object> finalContext) {
        return Maps.deepMerge(ex.context(), finalContext);
    }

    private void finishExecution(ExecutionState end, String info) {
        Map<String, Object> finalContext = finalContext();
        Map<String, Object> visible = outputContext(finalContext);
        Object out;
        if (end == ExecutionState.SUCCESS) {
            try {
                out = spec.output() == null ? finalContext : context.expressions().evaluate(spec.output(), visible, scope(null));
                // Mistral returns "output or ctx": an output that evaluates to nothing gives the whole context
                if (!io.trailboss.expr.Values.truthy(out)) out = finalContext;
            } catch (ExpressionException e) {
                end = ExecutionState.ERROR;
                outputError = e.getMessage();
                info = "cannot evaluate output: " + e.getMessage();
                out = Map.of("result", info);
            }
        } else {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("result", info);
            if (end == ExecutionState.ERROR) {
                try {
                    // as Mistral: {"result": msg} merged with output-on-error, or with the whole final
                    // context when output-on-error is absent or evaluates to nothing
                    Object extra = spec.outputOnError() == null ? null : context.expressions().evaluate(spec.outputOnError(), visible, scope(null));
                    if (!io.trailboss.expr.Values.truthy(extra)) extra = finalContext;
                    if (extra instanceof Map<?, ?> m) m.forEach((k, v) -> err.put(String.valueOf(k), v));
                } catch (ExpressionException e) {
                    err.put("result", info + "; cannot evaluate output-on-error: " + e.getMessage());
                }
            }
            out = err;
        }
        state = end;
        stateInfo = info;
        output = out;
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

    /** A task that never ran starts now with an empty inbound context (a rerun from it). */
    void startFresh(String name) {
        createAndBegin(spec.task(name), new LinkedHashMap<>(), null);
        checkCompletion();
    }

    /**
     * A join that failed because its arrivals could no longer come no longer counts: a rerun may
     * bring them, and they then start a new join.
     */
    void forgetUnsatisfiedJoin(TaskExecution t) {
        if (t.state() == ExecutionState.ERROR && !t.errorHandled()) errors--;
        save(with(t, t.state(), t.stateInfo()).handled(true).arrived(null).leaf(false).flag(TaskFlag.RERUN).build());
        dirty = true;
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
        return latest(name);
    }

    /** The latest task execution of each task that has one, by name. */
    Map<String, TaskExecution> latestByName() {
        Map<String, TaskExecution> out = new LinkedHashMap<>();
        for (TaskExecution t : tasks().byExecution(h, executionId)) out.put(t.name(), t);
        taskCache.putAll(out);
        return out;
    }

    private Map<String, java.util.EnumSet<TaskDirective.Kind>> directives() {
        if (directives == null) {
            directives = new HashMap<>();
            if (steered) {
                for (TaskDirective d : context.directives().byExecution(h, executionId)) {
                    directives.computeIfAbsent(d.taskName(), k -> java.util.EnumSet.noneOf(TaskDirective.Kind.class)).add(d.kind());
                }
            }
        }
        return directives;
    }

    Set<TaskDirective.Kind> directivesOf(String task) {
        return directives().getOrDefault(task, java.util.EnumSet.noneOf(TaskDirective.Kind.class));
    }

    void addDirective(String task, TaskDirective.Kind kind, String by) {
        if (!directives().computeIfAbsent(task, k -> java.util.EnumSet.noneOf(TaskDirective.Kind.class)).add(kind)) return;
        context.directives().insert(h, new TaskDirective(executionId, task, kind, now, by));
        steered = true;
        dirty = true;
    }

    boolean removeDirective(String task, TaskDirective.Kind kind) {
        java.util.EnumSet<TaskDirective.Kind> kinds = directives().get(task);
        if (kinds == null || !kinds.remove(kind)) return false;
        context.directives().delete(h, executionId, task, kind);
        return true;
    }

    /** Whether a failure of the task holds it: a person's directive wins over the workflow's pause-on-fail. */
    boolean pauseOnFail(TaskSpec ts) {
        if (steered) {
            Set<TaskDirective.Kind> kinds = directivesOf(ts.name());
            if (kinds.contains(TaskDirective.Kind.PAUSE_ON_FAIL)) return true;
            if (kinds.contains(TaskDirective.Kind.NO_PAUSE_ON_FAIL)) return false;
        }
        return ts.pauseOnFail();
    }

    /** A task about to start meets what a person asked of it: blocked, held, or skipped. True if it does not start. */
    private boolean applyDirectives(TaskExecution t, TaskSpec ts) {
        Set<TaskDirective.Kind> kinds = directivesOf(t.name());
        if (kinds.contains(TaskDirective.Kind.BLOCK)) {
            removeDirective(t.name(), TaskDirective.Kind.BLOCK);
            save(with(t, ExecutionState.BLOCKED, "blocked by request: unblock it to run it").unflag(TaskFlag.HELD).build());
            return true;
        }
        if (kinds.contains(TaskDirective.Kind.PAUSE)) {
            removeDirective(t.name(), TaskDirective.Kind.PAUSE);
            save(with(t, ExecutionState.PAUSED, "held before start by request: resume or release it to run it").flag(TaskFlag.HELD).unflag(TaskFlag.HELD_FAILURE).build());
            return true;
        }
        if (kinds.contains(TaskDirective.Kind.SKIP)) {
            removeDirective(t.name(), TaskDirective.Kind.SKIP);
            complete(t, ts, ExecutionState.SKIPPED, null, "skipped by request");
            return true;
        }
        return false;
    }

    void holdFailure(TaskExecution t, TaskSpec ts, Object result, String info) {
        if (context.policies().mayArmTimers(ts)) context.timers().deleteForTask(h, t.id());
        save(with(t, ExecutionState.PAUSED, "failed" + (info == null ? "" : ": " + info)
                + " (held by pause-on-fail: rerun, skip, or resume to follow on-error)").result(result).flag(TaskFlag.HELD_FAILURE).unflag(TaskFlag.HELD).build());
    }

    /** Jobs of the task's current attempt that have not ended. */
    List<Job> openJobs(TaskExecution t) {
        return context.jobs().openByTask(h, t.id());
    }

    /** A held (PAUSED before start) or BLOCKED task starts now, unless the execution is paused (then on resume). */
    void startHeld(TaskExecution t) {
        begin(with(t, ExecutionState.RUNNING, null).unflag(TaskFlag.HELD).build(), spec.task(t.name()));
        checkCompletion();
    }

    /** A held task is blocked instead. */
    void blockNow(TaskExecution t) {
        save(with(t, ExecutionState.BLOCKED, "blocked by request: unblock it to run it").unflag(TaskFlag.HELD).build());
    }

    /** Counts the task as done without (further) running: open jobs are cancelled, successors start. */
    void skipNow(TaskExecution t, String by) {
        for (Job j : context.jobs().openByTask(h, t.id())) {
            context.jobs().cancel(h, j.id(), "task skipped by " + by, now);
            if (j.childExecutionId() != null) effects.cancelChild(j.childExecutionId());
            else effects.interrupt(j, ControlRequest.DEFAULT_GRACE_MILLIS);
        }
        complete(t, spec.task(t.name()), ExecutionState.SKIPPED, null, "skipped by " + by);
        checkCompletion();
    }

    /** Stops the task's jobs; the task waits, INTERRUPTED, for a rerun, a skip or a resume. */
    void interruptNow(TaskExecution t, String by, long graceMillis) {
        for (Job j : context.jobs().openByTask(h, t.id())) {
            context.jobs().cancel(h, j.id(), "interrupted by " + by, now);
            if (j.childExecutionId() != null) effects.cancelChild(j.childExecutionId());
            else effects.interrupt(j, graceMillis);
        }
        context.timers().deleteForTask(h, t.id());
        save(with(t, ExecutionState.INTERRUPTED, "interrupted by " + by + ": rerun, skip, or resume to follow on-error").build());
    }

    /** A task held after failing, or interrupted, follows its failure: on-error, as without pause-on-fail. */
    void acceptFailure(TaskExecution t) {
        String info = t.state() == ExecutionState.INTERRUPTED ? "interrupted" : t.stateInfo();
        if (info != null && info.contains(" (held by pause-on-fail")) info = info.substring(0, info.indexOf(" (held by pause-on-fail"));
        complete(with(t, ExecutionState.RUNNING, null).flag(TaskFlag.FAILURE_ACCEPTED).build(), spec.task(t.name()), ExecutionState.ERROR, t.result(), info);
        checkCompletion();
    }

    /**
     * Runs a task again. One held after failing or interrupted gets a new attempt; a finished one a
     * new task execution from the same inbound context, whose transitions fire again when it ends (the
     * old one no longer counts as an unhandled error, nor for the final context).
     */
    void rerunNow(TaskExecution t) {
        TaskSpec ts = spec.task(t.name());
        if (!t.state().isFinal()) {
            context.timers().deleteForTask(h, t.id());
            begin(with(t, ExecutionState.RUNNING, null).attempt(t.attempt() + 1).result(null).unflag(TaskFlag.HELD_FAILURE).build(), ts);
            checkCompletion();
            return;
        }
        if (t.state() == ExecutionState.ERROR && !t.errorHandled()) errors--;
        save(with(t, t.state(), t.stateInfo()).handled(true).leaf(false).flag(TaskFlag.RERUN).build());
        TaskExecution again = newTask(ts, t.inContext(), ExecutionState.RUNNING, t.arrived());
        active++;
        dirty = true;
        begin(again, ts);
        checkCompletion();
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

    private TaskExecution latest(String name) {
        TaskExecution cached = taskCache.get(name);
        if (cached != null) return cached;
        TaskExecution t = tasks().latestByName(h, executionId, name).orElse(null);
        if (t != null) taskCache.put(name, t);
        return t;
    }

    void save(TaskExecution task) {
        TaskExecution t = new TaskBuilder(task).touched(now).build();
        unwritten.put(t.id(), t);
        taskCache.put(t.name(), t);
        effects.taskChanged(t);
    }

    /**
     * Writes the task rows this step created or changed. A task often changes several times in
     * one transaction (item counts, result, state, the next task's start); it is written once,
     * before anything reads task rows back ({@link #tasks()}), before jobs that reference it are
     * inserted, and at {@link #flush()}. Read task rows only through {@link #tasks()}.
     */
    private void writeTasks() {
        if (unwritten.isEmpty()) return;
        for (TaskExecution t : unwritten.values()) {
            if (uninserted.remove(t.id())) context.tasks().insert(h, t);
            else context.tasks().update(h, t);
        }
        unwritten.clear();
    }

    /** The task table, with this step's pending writes applied first. */
    private io.trailboss.store.TaskStore tasks() {
        writeTasks();
        return context.tasks();
    }

    EvaluationScope scope(TaskExecution current) {
        return new EvaluationScope() {
            @Override
            public Map<String, Object> task(String name) {
                TaskExecution t = current != null && current.name().equals(name) ? current : latest(name);
                return t == null ? null : TaskViews.view(t, spec.tasks().containsKey(t.name()) && spec.task(t.name()).isSubWorkflow());
            }

            @Override
            public String currentTask() {
                return current == null ? null : current.name();
            }

            @Override
            public Map<String, Object> execution() {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", ex.id());
                e.put("name", ex.workflowName());
                e.put("input", ex.input());
                e.put("params", ex.params());
                e.put("created_at", TaskViews.time(ex.createdAt()));
                e.put("updated_at", TaskViews.time(ex.updatedAt()));
                e.put("root_execution_id", ex.rootExecutionId());
                return e;
            }

            @Override
            public Map<String, Object> env() {
                return ex.env();
            }

            @Override
            public List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
                Execution which = executionId == null || executionId.equals(ex.id()) ? ex : context.executions().find(h, executionId).orElse(null);
                // an expression sees the tasks of its own execution tree, never another run's
                if (which == null || !rootOf(which).equals(rootOf(ex))) return List.of();
                List<Map<String, Object>> out = new ArrayList<>();
                taskViews(which.id(), recursive, state, flat, out, 0, current);
                return out;
            }

            @Override
            public Map<String, Object> hidden() {
                Map<String, Object> keys = new LinkedHashMap<>();
                if (current != null) keys.put("__task_execution", Map.of("id", current.id(), "name", current.name()));
                keys.put("__env", ex.env());
                keys.put("__execution", Map.of("id", ex.id()));
                return keys;
            }

            @Override
            public Object global(String name) {
                return ex.context() == null ? null : ex.context().get(name);
            }
        };
    }

    private static String rootOf(Execution e) {
        return e.rootExecutionId() == null ? e.id() : e.rootExecutionId();
    }

    /** Mistral's tasks(): this execution's tasks in the order they started, then those of sub-workflows when recursive. */
    private void taskViews(String executionId, boolean recursive, String state, boolean flat, List<Map<String, Object>> out, int depth,
            TaskExecution current) {
        List<TaskExecution> all = new ArrayList<>(executionId.equals(ex.id()) ? tasks().byExecution(h, executionId) : context.tasks().byExecution(h, executionId));
        all.sort(Comparator.comparingLong(TaskExecution::seq));
        List<Map<String, Object>> nested = new ArrayList<>();
        for (TaskExecution stored : all) {
            // the task whose expressions these are is seen as they see it (a publish sees its task already ended)
            TaskExecution t = current != null && current.id().equals(stored.id()) ? current : stored;
            List<String> children = context.jobs().byTask(h, t.id()).stream().map(Job::childExecutionId).filter(java.util.Objects::nonNull).toList();
            boolean workflowTask = !children.isEmpty();
            boolean keep = state == null || state.equals(t.state().name());
            if (keep && flat && workflowTask) {
                for (String child : children) {
                    ExecutionState childState = context.executions().find(h, child).map(Execution::state).orElse(null);
                    if (childState == t.state()) keep = false;
                }
            }
            if (keep) {
                out.add(TaskViews.view(t, workflowTask));
            }
            if (recursive && workflowTask && depth < MAX_TASKS_DEPTH) {
                for (String child : children) taskViews(child, true, state, flat, nested, depth + 1, null);
            }
        }
        out.addAll(nested);
    }

    /** How deep tasks(recursive) follows sub-workflows (the engine's own nesting limit is lower). */
    private static final int MAX_TASKS_DEPTH = 50;

    private static TaskBuilder with(TaskExecution t, ExecutionState s, String info) {
        return new TaskBuilder(t).state(s, info);
    }
}
