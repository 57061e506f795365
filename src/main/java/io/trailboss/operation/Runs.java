package io.trailboss.operation;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.EngineListener;
import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.SealedInputs;
import io.trailboss.engine.StartRequest;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.target.EffectiveParam;
import io.trailboss.model.Target;
import io.trailboss.target.TargetException;
import io.trailboss.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on targets, one at a time. Every run belongs to a slot (a target, or a trigger that must not
 * overlap) whose row is locked to decide: a run is refused (409) or queued while another of the slot is
 * open, and the oldest queued one starts when it ends. A run starts in the transaction that creates its
 * execution, bound to its target, with vars marshalled target params, then parent chain, profiles and
 * global (as params resolve), then the run's input. An execution's end (heard after commit) ends its
 * run, lets the lifecycle react, and starts the next one; on restart {@link #recover()} does what a
 * crash left undone.
 */
public final class Runs implements EngineListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

    /** Told, inside the transaction that ends a run (its slot locked), that it ended. */
    public interface EndListener {
        void ended(Handle h, TargetRun run, TargetRun.State state, String info);
    }

    private final Engine engine;
    private final Jdbi jdbi;
    private final Targets targets;
    private final Operations operations;
    private final RunStore store = new RunStore();
    private final List<EndListener> endListeners = new CopyOnWriteArrayList<>();
    // ends are handled off the engine's thread: listeners must not block it
    private final ExecutorService ends = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("run-ends").unstarted(r));

    public Runs(Engine engine, Targets targets, Operations operations) {
        this.engine = engine;
        this.jdbi = engine.jdbi();
        this.targets = targets;
        this.operations = operations;
        engine.addListener(this);
        engine.setRerunCheck(this::rerunInput);
    }

    public void onEnd(EndListener listener) {
        endListeners.add(listener);
    }

    public static String slotOf(Target t) {
        return "target:" + t.id();
    }

    public static String slotOfTrigger(String trigger) {
        return "trigger:" + trigger;
    }

    // ------------------------------------------------------------------ starting

    /**
     * Runs an operation on a target: the form is checked field by field, then the run starts at once,
     * or is queued behind the open one when {@code queue}, or is refused with a conflict.
     */
    public TargetRun runOperation(String targetName, String operationName, Map<String, Object> input, boolean queue, String by) {
        Operation op = operations.get(operationName);
        Target t = targets.get(targetName);
        if (!op.kind().equals(t.kind())) {
            throw new InvalidInputException("operation", "operation '" + op.name() + "' is offered on targets of kind '" + op.kind()
                    + "', and '" + t.name() + "' is a " + t.kind());
        }
        if (input != null) SealedInputs.refuseIn(input);
        Map<String, Object> clean = new LinkedHashMap<>(Forms.check(operations.form(op), input == null ? Map.of() : input));
        // secret fields travel sealed: the run, the execution's input and context hold only ciphertext
        for (FieldSpec f : operations.form(op)) {
            if (f.type() == FieldSpec.Type.SECRET && clean.get(f.name()) != null) clean.put(f.name(), SealedInputs.seal(engine.sealer(), clean.get(f.name())));
        }
        TargetRun run = jdbi.inTransaction(h -> {
            store.lockSlot(h, slotOf(t));
            refuseIfBusy(h, slotOf(t), t.name(), queue);
            return enqueue(h, t, TargetRun.Kind.OPERATION, op.name(), op.workflow(), clean, by);
        });
        startNext(run.slot());
        return get(run.id());
    }

    /** A workflow run in a slot of its own ({@code slot} null: no one-at-a-time, as a trigger that allows overlap). */
    public TargetRun runWorkflow(String workflow, Map<String, Object> input, String slot, boolean queue, String by) {
        if (input != null) SealedInputs.refuseIn(input);
        operations.spec(workflow); // NotFoundException for an unknown workflow
        TargetRun run = jdbi.inTransaction(h -> {
            if (slot != null) {
                store.lockSlot(h, slot);
                refuseIfBusy(h, slot, slot, queue);
            }
            TargetRun r = new TargetRun(Ids.next(), slot, null, TargetRun.Kind.WORKFLOW, workflow, workflow, input, null,
                    TargetRun.State.QUEUED, null, null, by, engine.clock().millis(), null, null);
            store.insert(h, r);
            return r;
        });
        if (slot == null) start(run);
        else startNext(slot);
        return get(run.id());
    }

    private void refuseIfBusy(Handle h, String slot, String what, boolean queue) {
        List<TargetRun> open = store.openInSlot(h, slot);
        if (open.isEmpty() || queue) return;
        TargetRun first = open.getFirst();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("running", view(first));
        details.put("queued", open.size() - 1);
        throw new ConflictException("'" + what + "' is busy: " + first.kind().name().toLowerCase() + " '" + first.name() + "' (run " + first.id()
                + ") is " + first.state() + "; wait for it to end, or ask to queue (queue: true)", details);
    }

    /** Queues a run on a target inside the caller's transaction, which must hold the target's slot lock. */
    public TargetRun enqueue(Handle h, Target t, TargetRun.Kind kind, String name, String workflow, Map<String, Object> input, String by) {
        TargetRun r = new TargetRun(Ids.next(), slotOf(t), t.id(), kind, name, workflow, input, null, TargetRun.State.QUEUED, null, null, by,
                engine.clock().millis(), null, null);
        store.insert(h, r);
        return r;
    }

    /** Locks a target's slot for the caller's transaction. */
    public void lockSlot(Handle h, Target t) {
        store.lockSlot(h, slotOf(t));
    }

    /** Whether a slot has a run that is queued or running (the caller holds its lock). */
    public Optional<TargetRun> openRun(Handle h, Target t) {
        return store.openInSlot(h, slotOf(t)).stream().findFirst();
    }

    private static final class Superseded extends RuntimeException {
        Superseded() {
            super(null, null, false, false);
        }
    }

    /** Starts the oldest queued run of a slot unless one is running. Safe to call from anywhere, any time. */
    public void startNext(String slot) {
        for (int guard = 0; guard < 10_000; guard++) {
            List<TargetRun> open = jdbi.withHandle(h -> store.openInSlot(h, slot));
            if (open.isEmpty() || open.stream().anyMatch(r -> r.state() == TargetRun.State.RUNNING)) return;
            TargetRun next = open.getFirst();
            try {
                start(next);
                return;
            } catch (Superseded s) {
                // another node or thread moved the slot on; look again
            }
        }
    }

    private void start(TargetRun run) {
        Map<String, Object> variables = new LinkedHashMap<>();
        Map<String, Object> env = new LinkedHashMap<>();
        Map<String, Object> bound = new LinkedHashMap<>();
        bound.put("run", run.id());
        try {
            if (run.targetId() != null) {
                Target t = targets.get(run.targetId());
                bound.put("target", t.name());
                // by id too: the execution stays the target's through a rename (who may read it is decided by it)
                bound.put("target_id", t.id());
                Map<String, Object> plainVars = new LinkedHashMap<>();
                for (Map.Entry<String, EffectiveParam> e : targets.effective(t.name()).entrySet()) {
                    EffectiveParam p = e.getValue();
                    variables.put(e.getKey(), variable(p.secret() ? Targets.MASK : p.value(), p.source()));
                    if (!p.secret()) plainVars.put(e.getKey(), p.value());
                }
                String inputSource = run.kind().name().toLowerCase() + ":" + run.name();
                List<String> secretFields = secretFields(run);
                run.input().forEach((k, v) -> {
                    variables.put(k, variable(secretFields.contains(k) ? Targets.MASK : v, inputSource));
                    if (secretFields.contains(k)) plainVars.remove(k);
                    else plainVars.put(k, v);
                });
                Map<String, Object> targetData = new LinkedHashMap<>();
                targetData.put("name", t.name());
                targetData.put("kind", t.kind());
                targetData.put("parent", t.parentId() == null ? "" : targets.parentName(t));
                targetData.put("labels", t.labels());
                targetData.put("stage", t.stage() == null ? "" : t.stage());
                env.put("target", targetData);
                env.put("vars", plainVars);
            }
            env.put("run", run.id());
            StartRequest request = new StartRequest(run.workflow(), run.input(), env,
                    run.kind().name().toLowerCase() + " " + run.name() + (bound.get("target") == null ? "" : " on " + bound.get("target")), null, bound);
            engine.start(request, new Engine.StartHook() {
                @Override
                public void before(Handle h) {
                    if (run.slot() == null) return;
                    store.lockSlot(h, run.slot());
                    List<TargetRun> open = store.openInSlot(h, run.slot());
                    if (open.isEmpty() || !open.getFirst().id().equals(run.id()) || open.getFirst().state() != TargetRun.State.QUEUED) {
                        throw new Superseded();
                    }
                }

                @Override
                public void after(Handle h, Execution execution) {
                    if (!store.started(h, run.id(), execution.id(), variables, engine.clock().millis())) throw new Superseded();
                }
            });
        } catch (Superseded s) {
            throw s;
        } catch (InvalidInputException | NotFoundException | TargetException e) {
            // the run cannot start (its workflow or target went away, or its input no longer fits): it fails, the next may start
            LOG.info("run {} ({} {}) cannot start: {}", run.id(), run.kind(), run.name(), e.getMessage());
            end(run.id(), TargetRun.State.ERROR, "cannot start: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reruns

    /**
     * The checks of a start, for a rerun's new input: an execution started by an operation run gets its changes
     * checked against the operation's form (and its secret fields sealed), one started by a stage run takes no
     * input, every other one only inputs its workflow declares. The env of a run is the server's (its target and
     * vars): a rerun cannot replace it.
     */
    Map<String, Object> rerunInput(Execution execution, io.trailboss.definition.WorkflowSpec spec, Map<String, Object> changes, Map<String, Object> env) {
        TargetRun run = execution.bound().get("run") instanceof String id ? jdbi.withHandle(h -> store.byId(h, id)).orElse(null) : null;
        if (run == null) {
            if (execution.bound().get("run") != null && changes != null) {
                throw FormException.of("input", "the run that started execution " + execution.id() + " is gone: its new input cannot be checked");
            }
            if (changes != null) Forms.checkDeclared(spec, changes);
            return changes;
        }
        List<FieldError> errors = new ArrayList<>();
        if (env != null) {
            errors.add(new FieldError("env", "the env of a " + run.kind().name().toLowerCase() + " run is set by the server (its target and vars);"
                    + " a rerun cannot replace it"));
        }
        Map<String, Object> checked = changes;
        if (changes != null) {
            try {
                checked = switch (run.kind()) {
                    case OPERATION -> operationChanges(run, spec, changes);
                    case STAGE -> {
                        List<FieldError> refused = new ArrayList<>();
                        changes.keySet().forEach(k -> refused.add(new FieldError(k, "stage '" + run.name() + "' runs its workflow without input:"
                                + " a rerun of its run cannot give any")));
                        if (!refused.isEmpty()) throw new FormException(refused);
                        yield changes;
                    }
                    case WORKFLOW -> {
                        Forms.checkDeclared(spec, changes);
                        yield changes;
                    }
                };
            } catch (FormException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) throw new FormException(errors);
        return checked;
    }

    private Map<String, Object> operationChanges(TargetRun run, io.trailboss.definition.WorkflowSpec spec, Map<String, Object> changes) {
        Operation op;
        try {
            op = operations.get(run.name());
        } catch (NotFoundException gone) {
            throw FormException.of("input", "operation '" + run.name() + "' no longer exists: the new input cannot be checked against its form");
        }
        // the form of the workflow this execution runs (its own version), under the operation's notes
        List<FieldSpec> form = Forms.form(spec, op.fields());
        Map<String, Object> clean = new LinkedHashMap<>(Forms.checkChanges(form, changes));
        for (FieldSpec f : form) {
            if (f.type() == FieldSpec.Type.SECRET && changes.get(f.name()) != null && !"".equals(changes.get(f.name())) && clean.get(f.name()) != null) {
                clean.put(f.name(), SealedInputs.seal(engine.sealer(), clean.get(f.name())));
            }
        }
        return clean;
    }

    /** The input names of an execution that are secret fields of the operation that started it (masked wherever shown). */
    public List<String> secretInputsOf(Execution execution) {
        if (!(execution.bound().get("run") instanceof String id)) return List.of();
        return jdbi.withHandle(h -> store.byId(h, id)).map(this::secretFields).orElse(List.of());
    }

    private List<String> secretFields(TargetRun run) {
        if (run.kind() != TargetRun.Kind.OPERATION) return List.of();
        try {
            return operations.form(operations.get(run.name())).stream().filter(f -> f.type() == FieldSpec.Type.SECRET).map(FieldSpec::name).toList();
        } catch (NotFoundException gone) {
            return List.of();
        }
    }

    private static Map<String, Object> variable(Object value, String source) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("value", value);
        v.put("source", source);
        return v;
    }

    // ------------------------------------------------------------------ ending

    @Override
    public void executionChanged(Execution execution) {
        if (!execution.state().isFinal() || !(execution.bound().get("run") instanceof String)) return;
        String executionId = execution.id();
        ExecutionState state = execution.state();
        String info = execution.stateInfo();
        try {
            ends.execute(() -> executionEnded(executionId, state, info));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: recover() on the next start ends the run
        }
    }

    private void executionEnded(String executionId, ExecutionState state, String info) {
        try {
            Optional<TargetRun> run = jdbi.withHandle(h -> store.byExecution(h, executionId));
            if (run.isEmpty() || run.get().state().isFinal()) return;
            TargetRun.State end = switch (state) {
                case SUCCESS -> TargetRun.State.SUCCESS;
                case CANCELLED -> TargetRun.State.CANCELLED;
                default -> TargetRun.State.ERROR;
            };
            end(run.get().id(), end, info);
        } catch (RuntimeException e) {
            LOG.error("ending the run of execution {} failed; a restart will retry", executionId, e);
        }
    }

    /** Ends a run (once), tells the end listeners in the same transaction, then starts what is next in its slot. */
    public void end(String runId, TargetRun.State state, String info) {
        String slot = jdbi.inTransaction(h -> {
            TargetRun run = store.byId(h, runId).orElse(null);
            if (run == null) return null;
            if (run.slot() != null) store.lockSlot(h, run.slot());
            if (!store.ended(h, runId, state, info, engine.clock().millis())) return null;
            for (EndListener l : endListeners) l.ended(h, run, state, info);
            return run.slot();
        });
        if (slot != null) startNext(slot);
    }

    /**
     * After a restart: ends the runs whose execution ended while no one listened, then starts the
     * oldest queued run of every slot with nothing running.
     */
    public void recover() {
        io.trailboss.engine.Queries q = new io.trailboss.engine.Queries(engine);
        for (TargetRun r : jdbi.withHandle(store::running)) {
            if (r.executionId() == null) continue;
            q.execution(r.executionId()).filter(e -> e.state().isFinal()).ifPresent(e -> executionEnded(e.id(), e.state(), e.stateInfo()));
        }
        for (String slot : jdbi.withHandle(store::slotsWithQueued)) startNext(slot);
        for (TargetRun free : jdbi.withHandle(store::queuedWithoutSlot)) {
            try {
                start(free);
            } catch (Superseded s) {
                // started meanwhile
            }
        }
    }

    // ------------------------------------------------------------------ reading

    public TargetRun get(String id) {
        return jdbi.withHandle(h -> store.byId(h, id)).orElseThrow(() -> new NotFoundException("run '" + id + "' does not exist"));
    }

    public List<TargetRun> onTarget(String targetName, int limit, int offset) {
        Target t = targets.get(targetName);
        return jdbi.withHandle(h -> store.byTarget(h, t.id(), limit, offset));
    }

    /** The open runs of a target: the running one first, then the queue in order. */
    public List<TargetRun> openOn(String targetName) {
        Target t = targets.get(targetName);
        return jdbi.withHandle(h -> store.openInSlot(h, slotOf(t)));
    }

    public RunStore store() {
        return store;
    }

    /** A run as the API shows it (the input's secret fields masked). */
    public Map<String, Object> view(TargetRun r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("kind", r.kind().name().toLowerCase());
        v.put("name", r.name());
        v.put("workflow", r.workflow());
        if (r.targetId() != null) v.put("target", targets.find(r.targetId()).map(Target::name).orElse(r.targetId()));
        v.put("state", r.state().name());
        if (r.stateInfo() != null) v.put("state_info", r.stateInfo());
        v.put("execution_id", r.executionId());
        List<String> secret = secretFields(r);
        Map<String, Object> input = new LinkedHashMap<>(r.input());
        secret.forEach(k -> input.computeIfPresent(k, (key, val) -> Targets.MASK));
        v.put("input", input);
        if (r.requestedBy() != null) v.put("requested_by", r.requestedBy());
        v.put("created_at", java.time.Instant.ofEpochMilli(r.createdAt()).toString());
        if (r.startedAt() != null) v.put("started_at", java.time.Instant.ofEpochMilli(r.startedAt()).toString());
        if (r.finishedAt() != null) v.put("finished_at", java.time.Instant.ofEpochMilli(r.finishedAt()).toString());
        return v;
    }

    /**
     * What a run's tasks saw, in the order it was marshalled: target params (with their sources: the
     * target, its profiles, its parents, global, the declared default), the run's input, and each task's
     * own input as its jobs got it.
     */
    public Map<String, Object> variables(String runId) {
        TargetRun r = get(runId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", r.id());
        out.put("variables", r.variables() == null ? Map.of() : r.variables());
        Map<String, Object> tasks = new LinkedHashMap<>();
        if (r.executionId() != null) {
            io.trailboss.engine.Queries q = new io.trailboss.engine.Queries(engine);
            for (var task : q.tasks(r.executionId())) {
                List<Object> inputs = new ArrayList<>();
                for (var job : q.jobs(task.id())) {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("job", job.id());
                    j.put("source", "task:" + task.name());
                    j.put("input", io.trailboss.engine.Secrets.mask(job.input(), engine.secretsOf(job)));
                    inputs.add(j);
                }
                tasks.put(task.name(), inputs);
            }
        }
        out.put("tasks", tasks);
        return out;
    }

    @Override
    public void close() {
        ends.shutdown();
        try {
            ends.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
