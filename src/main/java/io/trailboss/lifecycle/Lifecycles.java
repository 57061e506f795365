package io.trailboss.lifecycle;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.Queries;
import io.trailboss.model.Names;
import io.trailboss.operation.FieldError;
import io.trailboss.operation.FormException;
import io.trailboss.operation.Operations;
import io.trailboss.operation.Runs;
import io.trailboss.operation.TargetRun;
import io.trailboss.store.TargetStore;
import io.trailboss.model.Target;
import io.trailboss.target.Targets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Stages and the lifecycle of targets. Moving a target to a stage queues a run of the stage's workflow on
 * it (one at a time with its operations). When that run ends, in the same transaction, the stage map (the
 * target's own, then its profiles' in order, then its kind's) says which stage follows a success and what
 * happens on the way; a target that is not runnable, or in single-step mode, waits for a person there. The
 * next stage's run is queued in that transaction, so a restart continues where the lifecycle was.
 */
public final class Lifecycles implements Runs.EndListener {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Targets targets;
    private final Operations operations;
    private final Runs runs;
    private final Queries queries;
    private final LifecycleStore store = new LifecycleStore();
    private final TargetStore targetStore = new TargetStore();

    public Lifecycles(Jdbi jdbi, Clock clock, Targets targets, Operations operations, Runs runs, Queries queries) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.targets = targets;
        this.operations = operations;
        this.runs = runs;
        this.queries = queries;
        runs.onEnd(this);
    }

    // ------------------------------------------------------------------ stages and maps

    public Stage declareStage(String name, Map<String, Object> spec) {
        List<FieldError> errors = new ArrayList<>();
        String badName = Names.problem("stage", name);
        if (badName != null) errors.add(new FieldError("name", badName));
        spec.keySet().forEach(k -> {
            if (!k.equals("workflow") && !k.equals("description")) errors.add(new FieldError(k, "unknown key (allowed: description, workflow)"));
        });
        Object workflow = spec.get("workflow");
        if (!(workflow instanceof String w) || w.isBlank()) errors.add(new FieldError("workflow", "is required (text)"));
        else {
            try {
                operations.spec(w);
            } catch (NotFoundException e) {
                errors.add(new FieldError("workflow", e.getMessage()));
            }
        }
        Object description = spec.get("description");
        if (description != null && !(description instanceof String)) errors.add(new FieldError("description", "must be text"));
        else if (Names.descriptionProblem((String) description) != null) errors.add(new FieldError("description", Names.descriptionProblem((String) description)));
        if (!errors.isEmpty()) throw new FormException(errors);
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            Stage s = new Stage(name, (String) workflow, (String) description, store.stage(h, name).map(Stage::createdAt).orElse(now), now);
            store.saveStage(h, s);
            return s;
        });
    }

    public Stage stage(String name) {
        return jdbi.withHandle(h -> store.stage(h, name)).orElseThrow(() -> new NotFoundException("stage '" + name + "' does not exist"));
    }

    public List<Stage> stages() {
        return jdbi.withHandle(store::stages);
    }

    public void deleteStage(String name) {
        if (!jdbi.inTransaction(h -> store.deleteStage(h, name))) throw new NotFoundException("stage '" + name + "' does not exist");
    }

    /**
     * Replaces the stage map of a scope ({@code target:NAME}, {@code profile:NAME} or {@code kind:KIND}) with
     * {@code {FROM: {next: TO, on: continue|stop|wait}}}.
     */
    public List<StageStep> setMap(String scope, Map<String, Object> entries) {
        List<FieldError> errors = new ArrayList<>();
        if (!validScope(scope)) {
            errors.add(new FieldError("scope", "a scope is target:NAME, profile:NAME or kind:KIND, not '" + Names.shown(scope) + "'"));
        }
        List<StageStep> steps = new ArrayList<>();
        entries.forEach((from, v) -> {
            if (!(v instanceof Map<?, ?> m)) {
                errors.add(new FieldError(from, "must be {next: STAGE, on: continue|stop|wait}"));
                return;
            }
            m.keySet().forEach(k -> {
                if (!"next".equals(k) && !"on".equals(k)) errors.add(new FieldError(from + "." + k, "unknown key (allowed: next, on)"));
            });
            if (Names.problem("stage", from) != null) errors.add(new FieldError(from, Names.problem("stage", from)));
            if (!(m.get("next") instanceof String to) || to.isBlank()) {
                errors.add(new FieldError(from + ".next", "is required: the stage that follows '" + from + "'"));
                return;
            }
            if (Names.problem("stage", to) != null) {
                errors.add(new FieldError(from + ".next", Names.problem("stage", to)));
                return;
            }
            StageStep.Way way;
            try {
                way = m.get("on") == null ? StageStep.Way.CONTINUE : StageStep.Way.valueOf(String.valueOf(m.get("on")).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(from + ".on", "must be continue, stop or wait, not '" + m.get("on") + "'"));
                return;
            }
            steps.add(new StageStep(scope, from, to, way));
        });
        if (!errors.isEmpty()) throw new FormException(errors);
        jdbi.useTransaction(h -> store.replaceMap(h, scope, steps));
        return steps;
    }

    /** {@code target:NAME}, {@code profile:NAME} or {@code kind:KIND}, each by the rule of its names. */
    private static boolean validScope(String scope) {
        if (scope == null) return false;
        if (scope.startsWith("target:")) return Names.valid(scope.substring(7));
        if (scope.startsWith("profile:")) return Names.valid(scope.substring(8));
        if (scope.startsWith("kind:")) return Names.validKind(scope.substring(5));
        return false;
    }

    public List<StageStep> maps() {
        return jdbi.withHandle(store::maps);
    }

    /** Where the map takes a target after {@code from}: its own entry, its profiles' in order, its kind's. */
    private Optional<StageStep> next(Handle h, Target t, String from) {
        List<String> scopes = new ArrayList<>();
        scopes.add("target:" + t.name());
        t.profiles().forEach(p -> scopes.add("profile:" + p));
        scopes.add("kind:" + t.kind());
        for (String scope : scopes) {
            Optional<StageStep> s = store.step(h, scope, from);
            if (s.isPresent()) return s;
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ moving

    /** Moves a target to a stage, which starts it (refused while the target is busy, unless queued). */
    public Lifecycle move(String targetName, String stageName, boolean queue, String by) {
        return move(targetName, stageName, queue, by, null, null);
    }

    /** As {@link #move(String, String, boolean, String)}, setting the runnable flag and single-step mode (null: as they were) on the way. */
    public Lifecycle move(String targetName, String stageName, boolean queue, String by, Boolean runnable, Boolean singleStep) {
        Target t = targets.get(targetName);
        Stage stage = stage(stageName);
        Lifecycle l = jdbi.inTransaction(h -> {
            runs.lockSlot(h, t);
            Optional<TargetRun> open = runs.openRun(h, t);
            if (open.isPresent() && !queue) {
                throw new ConflictException("target '" + t.name() + "' is busy: " + open.get().kind().name().toLowerCase() + " '" + open.get().name()
                        + "' (run " + open.get().id() + ") is " + open.get().state() + "; wait for it to end, or ask to queue (queue: true)");
            }
            Lifecycle before = store.lifecycle(h, t.id()).orElse(null);
            boolean run = runnable != null ? runnable : before == null || before.runnable();
            boolean single = singleStep != null ? singleStep : before != null && before.singleStep();
            return enter(h, t, stage, run, single, by);
        });
        runs.startNext(Runs.slotOf(t));
        return l;
    }

    private Lifecycle enter(Handle h, Target t, Stage stage, boolean runnable, boolean singleStep, String by) {
        TargetRun run = runs.enqueue(h, t, TargetRun.Kind.STAGE, stage.name(), stage.workflow(), Map.of(), by);
        long now = clock.millis();
        Lifecycle l = new Lifecycle(t.id(), stage.name(), Lifecycle.State.RUNNING, null, run.id(), runnable, singleStep, now);
        store.save(h, l);
        targetStore.setStage(h, t.id(), stage.name(), now);
        return l;
    }

    /** A person lets a waiting lifecycle go on: the current stage starts. */
    public Lifecycle proceed(String targetName, String by) {
        Target t = targets.get(targetName);
        Lifecycle l = jdbi.inTransaction(h -> {
            runs.lockSlot(h, t);
            Lifecycle now = store.lifecycle(h, t.id()).orElseThrow(() -> new ConflictException("target '" + t.name() + "' has no lifecycle; move it to a stage"));
            if (now.state() != Lifecycle.State.WAITING) {
                throw new ConflictException("the lifecycle of '" + t.name() + "' is " + now.state() + " at stage '" + now.stage()
                        + "', not WAITING; " + (now.state() == Lifecycle.State.RUNNING ? "it goes on by itself" : "move it to a stage to start again"));
            }
            Stage stage = store.stage(h, now.stage()).orElseThrow(() -> new ConflictException("stage '" + now.stage() + "' no longer exists"));
            return enter(h, t, stage, true, now.singleStep(), by);
        });
        runs.startNext(Runs.slotOf(t));
        return l;
    }

    /**
     * Sets the runnable flag (false: the lifecycle waits after the current stage's run) and single-step
     * mode (wait after every stage). Making a target runnable again lets a lifecycle that waits only for
     * that go on.
     */
    public Lifecycle setFlags(String targetName, Boolean runnable, Boolean singleStep) {
        Target t = targets.get(targetName);
        boolean[] resume = {false};
        Lifecycle l = jdbi.inTransaction(h -> {
            runs.lockSlot(h, t);
            Lifecycle now = store.lifecycle(h, t.id()).orElse(null);
            if (now == null) throw new ConflictException("target '" + t.name() + "' has no lifecycle; move it to a stage first");
            Lifecycle next = new Lifecycle(now.targetId(), now.stage(), now.state(), now.stateInfo(), now.runId(),
                    runnable == null ? now.runnable() : runnable, singleStep == null ? now.singleStep() : singleStep, clock.millis());
            store.save(h, next);
            resume[0] = Boolean.TRUE.equals(runnable) && !now.runnable() && now.state() == Lifecycle.State.WAITING && NOT_RUNNABLE.equals(now.stateInfo());
            return next;
        });
        return resume[0] ? proceed(targetName, null) : l;
    }

    private static final String NOT_RUNNABLE = "not runnable";

    @Override
    public void ended(Handle h, TargetRun run, TargetRun.State state, String info) {
        if (run.kind() != TargetRun.Kind.STAGE || run.targetId() == null) return;
        Lifecycle l = store.lifecycle(h, run.targetId()).orElse(null);
        if (l == null || !run.id().equals(l.runId())) return; // a stage run the lifecycle no longer waits for
        long now = clock.millis();
        if (state != TargetRun.State.SUCCESS) {
            store.save(h, new Lifecycle(l.targetId(), l.stage(), Lifecycle.State.FAILED, "stage '" + l.stage() + "' ended " + state
                    + (info == null ? "" : ": " + info), run.id(), l.runnable(), l.singleStep(), now));
            return;
        }
        Target t = targets.get(run.targetId());
        Optional<StageStep> step = next(h, t, l.stage());
        if (step.isEmpty()) {
            store.save(h, new Lifecycle(l.targetId(), l.stage(), Lifecycle.State.DONE, "no stage follows '" + l.stage() + "'", run.id(),
                    l.runnable(), l.singleStep(), now));
            return;
        }
        StageStep s = step.get();
        Optional<Stage> to = store.stage(h, s.to());
        if (to.isEmpty()) {
            store.save(h, new Lifecycle(l.targetId(), l.stage(), Lifecycle.State.FAILED, "the stage map leads to stage '" + s.to()
                    + "', which does not exist", run.id(), l.runnable(), l.singleStep(), now));
            return;
        }
        targetStore.setStage(h, t.id(), s.to(), now);
        Lifecycle.State st;
        String why;
        if (s.way() == StageStep.Way.STOP) {
            st = Lifecycle.State.STOPPED;
            why = "the stage map (" + s.scope() + ") stops at '" + s.to() + "'";
        } else if (s.way() == StageStep.Way.WAIT) {
            st = Lifecycle.State.WAITING;
            why = "the stage map (" + s.scope() + ") waits for a person before '" + s.to() + "'";
        } else if (!l.runnable()) {
            st = Lifecycle.State.WAITING;
            why = NOT_RUNNABLE;
        } else if (l.singleStep()) {
            st = Lifecycle.State.WAITING;
            why = "single step";
        } else {
            enter(h, t, to.get(), l.runnable(), l.singleStep(), run.requestedBy());
            return;
        }
        store.save(h, new Lifecycle(l.targetId(), s.to(), st, why, null, l.runnable(), l.singleStep(), now));
    }

    // ------------------------------------------------------------------ reading

    public Optional<Lifecycle> lifecycle(String targetName) {
        Target t = targets.get(targetName);
        return jdbi.withHandle(h -> store.lifecycle(h, t.id()));
    }

    public Map<String, Object> view(String targetName) {
        Target t = targets.get(targetName);
        Lifecycle l = jdbi.withHandle(h -> store.lifecycle(h, t.id())).orElse(null);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("target", t.name());
        if (l == null) {
            v.put("stage", t.stage());
            v.put("state", null);
            return v;
        }
        v.put("stage", l.stage());
        v.put("state", l.state().name());
        if (l.stateInfo() != null) v.put("state_info", l.stateInfo());
        v.put("run_id", l.runId());
        v.put("runnable", l.runnable());
        v.put("single_step", l.singleStep());
        v.put("updated_at", java.time.Instant.ofEpochMilli(l.updatedAt()).toString());
        return v;
    }

    /** The target's stage history: each stage run in order, with its execution's tasks and their jobs. */
    public List<Map<String, Object>> history(String targetName) {
        Target t = targets.get(targetName);
        List<Map<String, Object>> out = new ArrayList<>();
        for (TargetRun r : jdbi.withHandle(h -> runs.store().byTargetAndKind(h, t.id(), TargetRun.Kind.STAGE))) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("stage", r.name());
            v.put("run", runs.view(r));
            List<Map<String, Object>> tasks = new ArrayList<>();
            if (r.executionId() != null) {
                for (var task : queries.tasks(r.executionId())) {
                    Map<String, Object> tv = new LinkedHashMap<>();
                    tv.put("task", task.name());
                    tv.put("state", task.state().name());
                    tv.put("jobs", queries.jobs(task.id()).stream().map(j -> {
                        Map<String, Object> jv = new LinkedHashMap<>();
                        jv.put("id", j.id());
                        jv.put("state", j.state().name());
                        jv.put("exit_code", j.exitCode());
                        jv.put("target", j.target());
                        return jv;
                    }).toList());
                    tasks.add(tv);
                }
            }
            v.put("tasks", tasks);
            out.add(v);
        }
        return out;
    }
}
