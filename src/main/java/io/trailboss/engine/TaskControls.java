package io.trailboss.engine;

import io.trailboss.definition.TaskSpec;
import io.trailboss.model.ControlRecord;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.TaskDirective;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.TaskFlag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for a task control on a live execution, which selected tasks it applies to and why the
 * others are not eligible, then (unless it is a dry run) applies it through {@link Step} and audits
 * it, all inside the transaction that holds the execution's row lock: a control and a job's
 * completion on the same execution are applied one after the other, never interleaved.
 */
final class TaskControls {
    private static final Set<ExecutionState> NOT_STARTED = Set.of(ExecutionState.IDLE, ExecutionState.WAITING);

    private final Step step;
    private final Effects effects;

    TaskControls(Step step, Effects effects) {
        this.step = step;
        this.effects = effects;
    }

    /** One selected task: its latest run (null if not reached yet), its state, and the decision. */
    private record Decision(String task, TaskExecution row, String state, String note, Runnable apply) {
        boolean eligible() {
            return apply != null;
        }

        ControlReport.TaskNote view() {
            return new ControlReport.TaskNote(task, state, note);
        }
    }

    ControlReport apply(ControlRequest r) {
        String executionId = step.execution().id();
        if (step.state().isFinal()) {
            throw new ConflictException("execution " + executionId + " is " + step.state() + ": its tasks can no longer be controlled"
                    + " (rerun the execution instead)", Map.of("execution_state", step.state().name()));
        }
        Map<String, TaskExecution> rows = step.latestByName();
        List<Decision> decisions = new ArrayList<>();
        for (String name : selected(r, rows)) decisions.add(decide(r, name, rows.get(name)));
        if (r.control() == TaskControl.RELEASE) decisions = release(decisions, r.count());
        List<Decision> eligible = decisions.stream().filter(Decision::eligible).toList();
        List<Decision> refused = decisions.stream().filter(d -> !d.eligible()).toList();
        if (eligible.isEmpty() || (r.named() && !refused.isEmpty())) {
            List<Decision> shown = decisions.isEmpty() ? allTasks(rows) : decisions;
            String detail = decisions.isEmpty() ? "no task matches the selection" : refused.stream()
                    .map(d -> d.task() + " (" + d.state() + "): " + d.note()).reduce((a, b) -> a + "; " + b).orElse("");
            throw new ConflictException("cannot " + r.control().wire() + ": " + detail, Map.of(
                    "tasks", shown.stream().map(d -> taskView(d, d.eligible() ? "eligible" : "not eligible")).toList()));
        }
        if (!r.dryRun()) {
            for (Decision d : eligible) {
                if (step.state().isFinal()) break; // a transition it set off ended the execution (fail, succeed)
                d.apply().run();
            }
            List<String> names = eligible.stream().map(Decision::task).toList();
            Map<String, Object> selector = new LinkedHashMap<>();
            if (r.named()) selector.put("tasks", r.tasks());
            if (r.tag() != null) selector.put("tag", r.tag());
            if (r.state() != null) selector.put("state", r.state());
            if (r.control() == TaskControl.RELEASE) selector.put("count", r.count());
            if (r.control() == TaskControl.INTERRUPT) selector.put("grace_seconds", r.graceMillis() / 1000.0);
            String detail = eligible.stream().map(d -> d.task() + ": " + d.note()).reduce((a, b) -> a + "; " + b).orElse(null);
            step.context().controlLog().insert(step.handle(), new ControlRecord(Ids.next(), executionId, r.control().wire(), selector, names,
                    detail, r.actor(), step.now()));
            effects.controlled(executionId, r.control().wire(), names);
        }
        return new ControlReport(executionId, r.control().wire(), r.dryRun(), eligible.stream().map(Decision::view).toList(),
                refused.stream().map(Decision::view).toList(), null);
    }

    private static Map<String, Object> taskView(Decision d, String verdict) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("task", d.task());
        v.put("state", d.state());
        v.put("verdict", verdict);
        v.put("note", d.note());
        return v;
    }

    private List<Decision> allTasks(Map<String, TaskExecution> rows) {
        List<Decision> out = new ArrayList<>();
        for (String name : step.spec().tasks().keySet()) out.add(new Decision(name, rows.get(name), state(rows.get(name)), "not selected", null));
        return out;
    }

    /** The selected task names, in the workflow's order; unknown names and tags are 404s, a bad state a 400. */
    private List<String> selected(ControlRequest r, Map<String, TaskExecution> rows) {
        Map<String, TaskSpec> tasks = step.spec().tasks();
        for (String name : r.tasks()) {
            if (!tasks.containsKey(name)) {
                throw new NotFoundException("workflow '" + step.spec().name() + "' has no task '" + name + "' (its tasks: "
                        + String.join(", ", tasks.keySet()) + ")");
            }
        }
        if (r.tag() != null && tasks.values().stream().noneMatch(t -> t.tags().contains(r.tag()))) {
            throw new NotFoundException("no task of workflow '" + step.spec().name() + "' has tag '" + r.tag() + "'");
        }
        String wantedState = null;
        if (r.state() != null) {
            wantedState = r.state().toUpperCase(Locale.ROOT);
            if (!wantedState.equals("PENDING")) {
                try {
                    ExecutionState.valueOf(wantedState);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("state", "unknown task state '" + r.state() + "' (PENDING or one of "
                            + java.util.Arrays.toString(ExecutionState.values()) + ")");
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : r.named() ? r.tasks().stream().distinct().toList() : List.copyOf(tasks.keySet())) {
            if (r.tag() != null && !tasks.get(name).tags().contains(r.tag())) continue;
            if (wantedState != null && !wantedState.equals(state(rows.get(name)))) continue;
            out.add(name);
        }
        return out;
    }

    private static String state(TaskExecution row) {
        return row == null ? "PENDING" : row.state().name();
    }

    /** Not reached yet, or created but not started: a join waiting, a task of a paused execution, a wait-before. */
    private static boolean notStarted(TaskExecution row) {
        return row == null || NOT_STARTED.contains(row.state()) || (row.state() == ExecutionState.DELAYED && row.startedAt() == null);
    }

    private static boolean heldBeforeStart(TaskExecution row) {
        return row != null && row.state() == ExecutionState.PAUSED && row.hasFlag(TaskFlag.HELD);
    }

    private static boolean heldAfterFailure(TaskExecution row) {
        return row != null && row.state() == ExecutionState.PAUSED && row.hasFlag(TaskFlag.HELD_FAILURE);
    }

    private Decision decide(ControlRequest r, String name, TaskExecution row) {
        String state = state(row);
        Set<TaskDirective.Kind> pending = step.steering().directivesOf(name);
        String by = r.actor();
        return switch (r.control()) {
            case PAUSE -> {
                if (pending.contains(TaskDirective.Kind.PAUSE)) yield no(name, row, "already marked to be held before it starts");
                if (notStarted(row)) yield yes(name, row, "will be held before it starts", () -> step.steering().addDirective(name, TaskDirective.Kind.PAUSE, by));
                yield no(name, row, whyStarted(row));
            }
            case RESUME -> {
                if (heldBeforeStart(row)) yield yes(name, row, "starts now", () -> step.steering().startHeld(current(name)));
                if (heldAfterFailure(row) || (row != null && row.state() == ExecutionState.INTERRUPTED)) {
                    yield yes(name, row, "its failure follows on-error now", () -> step.steering().acceptFailure(current(name)));
                }
                if (pending.contains(TaskDirective.Kind.PAUSE)) yield yes(name, row, "its pending pause is dropped", () -> step.steering().removeDirective(name, TaskDirective.Kind.PAUSE));
                yield no(name, row, "is not held");
            }
            case SKIP -> {
                if (pending.contains(TaskDirective.Kind.SKIP)) yield no(name, row, "already marked to be skipped");
                if (row != null && (heldBeforeStart(row) || heldAfterFailure(row) || row.state() == ExecutionState.BLOCKED
                        || row.state() == ExecutionState.INTERRUPTED || row.state() == ExecutionState.IDLE)) {
                    yield yes(name, row, "skipped now; its successors run", () -> step.steering().skipNow(current(name), by));
                }
                if (notStarted(row)) yield yes(name, row, "will be skipped when reached", () -> step.steering().addDirective(name, TaskDirective.Kind.SKIP, by));
                if (row.state() == ExecutionState.RUNNING && waitingForPerson(row)) {
                    yield yes(name, row, "skipped now (what it waits for is cancelled); its successors run", () -> step.steering().skipNow(current(name), by));
                }
                if (row.state() == ExecutionState.RUNNING || row.state() == ExecutionState.DELAYED) {
                    yield no(name, row, "is running: interrupt it first, then skip it");
                }
                yield no(name, row, "already finished (" + state + "): rerun it to run it again");
            }
            case UNSKIP -> {
                if (pending.contains(TaskDirective.Kind.SKIP)) yield yes(name, row, "its pending skip is dropped", () -> step.steering().removeDirective(name, TaskDirective.Kind.SKIP));
                if (row != null && row.state() == ExecutionState.SKIPPED) yield no(name, row, "already skipped: rerun it to run it");
                yield no(name, row, "is not marked to be skipped");
            }
            case BLOCK -> {
                if (pending.contains(TaskDirective.Kind.BLOCK) || (row != null && row.state() == ExecutionState.BLOCKED)) yield no(name, row, "already blocked");
                if (row != null && (heldBeforeStart(row) || row.state() == ExecutionState.IDLE)) {
                    yield yes(name, row, "blocked now", () -> step.steering().blockNow(current(name)));
                }
                if (notStarted(row)) yield yes(name, row, "will be blocked when reached", () -> step.steering().addDirective(name, TaskDirective.Kind.BLOCK, by));
                yield no(name, row, whyStarted(row));
            }
            case UNBLOCK -> {
                if (row != null && row.state() == ExecutionState.BLOCKED) yield yes(name, row, "starts now", () -> step.steering().startHeld(current(name)));
                if (pending.contains(TaskDirective.Kind.BLOCK)) yield yes(name, row, "its pending block is dropped", () -> step.steering().removeDirective(name, TaskDirective.Kind.BLOCK));
                yield no(name, row, "is not blocked");
            }
            case INTERRUPT -> {
                if (row != null && row.state() == ExecutionState.RUNNING) {
                    yield yes(name, row, "its jobs are stopped (SIGTERM, SIGKILL after " + r.graceMillis() / 1000.0 + " s); it then waits for rerun, skip or resume",
                            () -> step.steering().interruptNow(current(name), by, r.graceMillis()));
                }
                yield no(name, row, "is not running");
            }
            case RERUN -> {
                if (row == null) yield no(name, row, "has not run yet");
                if (heldAfterFailure(row) || row.state() == ExecutionState.INTERRUPTED) {
                    yield yes(name, row, "runs again now (attempt " + (row.attempt() + 2) + ")", () -> step.steering().rerunNow(current(name)));
                }
                if (row.state() == ExecutionState.SUCCESS || row.state() == ExecutionState.ERROR || row.state() == ExecutionState.SKIPPED) {
                    yield yes(name, row, "runs again now; its transitions are taken again when it ends", () -> step.steering().rerunNow(current(name)));
                }
                yield no(name, row, "is " + state + ", not failed, interrupted or finished");
            }
            case SET_PAUSE_ON_FAIL -> {
                if (step.steering().pauseOnFail(step.spec().task(name))) yield no(name, row, "already pauses on failure");
                yield yes(name, row, "a failure will hold it for a decision", () -> {
                    step.steering().removeDirective(name, TaskDirective.Kind.NO_PAUSE_ON_FAIL);
                    if (!step.spec().task(name).pauseOnFail()) step.steering().addDirective(name, TaskDirective.Kind.PAUSE_ON_FAIL, by);
                });
            }
            case UNSET_PAUSE_ON_FAIL -> {
                if (!step.steering().pauseOnFail(step.spec().task(name))) yield no(name, row, "does not pause on failure");
                String held = heldAfterFailure(row) ? " (it stays held now: rerun, skip or resume it)" : "";
                yield yes(name, row, "a failure will follow on-error" + held, () -> {
                    step.steering().removeDirective(name, TaskDirective.Kind.PAUSE_ON_FAIL);
                    if (step.spec().task(name).pauseOnFail()) step.steering().addDirective(name, TaskDirective.Kind.NO_PAUSE_ON_FAIL, by);
                });
            }
            case RELEASE -> heldBeforeStart(row)
                    ? yes(name, row, "starts now", () -> step.steering().startHeld(current(name)))
                    : no(name, row, "is not held before start");
        };
    }

    /** Release: only the first {@code count} held tasks, oldest first; later ones are left held. */
    private static List<Decision> release(List<Decision> decisions, int count) {
        List<Decision> held = decisions.stream().filter(Decision::eligible).sorted(Comparator.comparingLong(d -> d.row().seq())).toList();
        List<Decision> out = new ArrayList<>();
        for (Decision d : decisions) {
            int rank = held.indexOf(d);
            out.add(rank >= count ? new Decision(d.task(), d.row(), d.state(), "held, but after the first " + count, null) : d);
        }
        return out;
    }

    /** The task's row as it is now: an earlier control in the same request may have changed it. */
    private TaskExecution current(String name) {
        return step.latestTask(name);
    }

    private boolean waitingForPerson(TaskExecution row) {
        List<Job> open = step.steering().openJobs(row);
        return !open.isEmpty() && open.stream().allMatch(Job::async);
    }

    private static String whyStarted(TaskExecution row) {
        return switch (row.state()) {
            case RUNNING, DELAYED -> "already started: interrupt it to stop it";
            case PAUSED -> "already held";
            case BLOCKED -> "blocked";
            case INTERRUPTED -> "interrupted: rerun, skip or resume it";
            default -> "already finished (" + row.state() + ")";
        };
    }

    private static Decision yes(String name, TaskExecution row, String note, Runnable apply) {
        return new Decision(name, row, state(row), note, apply);
    }

    private static Decision no(String name, TaskExecution row, String why) {
        return new Decision(name, row, state(row), why, null);
    }
}
