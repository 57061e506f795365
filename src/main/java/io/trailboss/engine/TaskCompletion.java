package io.trailboss.engine;

import static io.trailboss.engine.TaskBuilder.with;

import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.Transition;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.WorkflowType;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a task ends within a step, as Mistral ends it: what it publishes, the transitions it takes
 * (a direct workflow's on-success/on-error/on-complete, a reverse workflow's ready dependents),
 * the joins it arrives at, and the engine commands (fail, succeed, pause) it gives.
 */
final class TaskCompletion {
    private final Step step;

    TaskCompletion(Step step) {
        this.step = step;
    }

    /**
     * Ends a task in {@code end} (SUCCESS, ERROR, or SKIPPED, which publishes nothing and takes the
     * success transitions) and takes its transitions.
     */
    void complete(TaskExecution t, TaskSpec ts, ExecutionState end, Object result, String info) {
        if (step.context().policies().mayArmTimers(ts) || step.steered()) step.context().timers().deleteForTask(step.handle(), t.id());
        boolean success = end != ExecutionState.ERROR;
        TaskBuilder ending = with(t, end, info).result(result);
        if (t.errorKind() == TaskErrorKind.HELD_FAILURE) ending.error(null, null); // the hold is over
        TaskExecution done = ending.build();
        Map<String, Object> ctx = step.dataContext(done);
        Map<String, Object> published = new LinkedHashMap<>();
        try {
            if (end != ExecutionState.SKIPPED) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) step.context().expressions().evaluate(success ? ts.publish() : ts.publishOnError(), ctx, step.scope(done));
                published.putAll(p);
            }
        } catch (ExpressionException e) {
            step.failWorkflowFor(t, completionFailure(t, ts, e.getMessage()));
        }
        String workflowFailure = step.workflowFailure(t);
        if (workflowFailure != null) {
            success = false;
            done = with(done, ExecutionState.ERROR, workflowFailure).build();
        }
        Map<String, Object> outbound = Maps.deepMerge(done.inContext(), published);
        Map<String, Object> outCtx = Maps.deepMerge(step.execution().context(), outbound);
        List<Transition> taken = new ArrayList<>();
        boolean handled = false;
        try {
            if (step.spec().type() == WorkflowType.DIRECT && workflowFailure == null) {
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
        done = with(done, done.state(), done.stateInfo()).published(published).finishedAt(step.now()).handled(handled).leaf(leaf)
                .result(ts.keepResult() ? done.result() : null).build();
        step.save(done);
        step.taskEnded(!success && !handled);
        if (step.spec().type() == WorkflowType.REVERSE && success) {
            startReadyDependents(done, outbound);
        }
        if (workflowFailure != null) {
            // as in Mistral: the workflow fails at once, with the task's message, whatever else runs
            step.finishExecution(ExecutionState.ERROR, workflowFailure);
            return;
        }
        for (Transition tr : taken) {
            if (step.state().isFinal()) break;
            switch (tr) {
                case Transition.GoTo go -> arrive(step.spec().task(go.task()), done, outbound);
                case Transition.Command cmd -> {
                    String message = commandMessage(cmd, outCtx, done);
                    switch (cmd.command()) {
                        case FAIL -> step.finishExecution(ExecutionState.ERROR, message != null ? message : "failed by 'fail' in task '" + done.name() + "'");
                        case SUCCEED -> {
                            step.finishExecution(ExecutionState.SUCCESS, message);
                            if (step.outputError() != null) {
                                // as in Mistral, the output is evaluated while the task's completion is handled: the task fails with it
                                String why = completionFailure(done, ts, step.outputError());
                                step.save(with(done, ExecutionState.ERROR, why).build());
                                step.failedAfterSucceed(why);
                            }
                        }
                        case PAUSE -> step.pauseExecution(message != null ? message : "paused by task '" + done.name() + "'");
                        case NOOP -> { }
                    }
                }
            }
        }
        step.checkCompletion();
    }

    /** Mistral's words for an error while a task's completion is handled (its publish, the output a command asks for). */
    String completionFailure(TaskExecution t, TaskSpec ts, String error) {
        return "Failed to handle action completion [error=" + error + ", wf=" + step.spec().name() + ", task=" + t.name()
                + (ts.action() != null ? ", action=" + ts.action().name() : "") + "]";
    }

    /** A command's message with its expressions evaluated over the task's outbound context, as Mistral does. */
    private String commandMessage(Transition.Command cmd, Map<String, Object> ctx, TaskExecution t) {
        if (cmd.message() == null) return null;
        try {
            Object v = step.context().expressions().evaluate(cmd.message(), ctx, step.scope(t));
            return v == null ? null : v instanceof String text ? text : io.trailboss.json.Json.write(v);
        } catch (ExpressionException e) {
            return cmd.message() + " (cannot evaluate the message: " + e.getMessage() + ")";
        }
    }

    private List<Transition> taken(List<Transition> clause, Map<String, Object> ctx, TaskExecution t) {
        List<Transition> out = new ArrayList<>();
        for (Transition tr : clause) {
            if (tr.guard() == null || step.context().expressions().test(tr.guard(), ctx, step.scope(t))) out.add(tr);
        }
        return out;
    }

    private void startReadyDependents(TaskExecution done, Map<String, Object> outbound) {
        Set<String> needed = reverseClosure(step.spec(), step.execution().params().get("task_name") instanceof String s ? s : null);
        Map<String, ExecutionState> states = new HashMap<>();
        Map<String, Map<String, Object>> contexts = new HashMap<>();
        for (TaskExecution te : step.tasks().byExecution(step.handle(), step.execution().id())) {
            states.put(te.name(), te.state());
            contexts.put(te.name(), Maps.deepMerge(te.inContext(), te.published() == null ? Map.of() : te.published()));
        }
        states.put(done.name(), ExecutionState.SUCCESS);
        contexts.put(done.name(), outbound);
        for (String name : needed) {
            TaskSpec ts = step.spec().task(name);
            if (!ts.requires().contains(done.name()) || states.containsKey(name)) continue;
            if (ts.requires().stream().allMatch(r -> states.get(r) == ExecutionState.SUCCESS || states.get(r) == ExecutionState.SKIPPED)) {
                Map<String, Object> ctx = new LinkedHashMap<>();
                for (String r : ts.requires()) ctx = Maps.deepMerge(ctx, contexts.get(r));
                step.createAndBegin(ts, ctx, null);
                states.put(name, ExecutionState.RUNNING);
            }
        }
    }

    /** A task's inbound transition fired: start it, or count the arrival at its join. */
    private void arrive(TaskSpec target, TaskExecution from, Map<String, Object> outbound) {
        if (target.join() == null) {
            step.createAndBegin(target, outbound, null);
            return;
        }
        TaskExecution latest = step.latestTask(target.name());
        if (latest != null && latest.state() != ExecutionState.WAITING && latest.arrived() != null && !latest.arrived().contains(from.name())) {
            // a late arrival at a join that already fired: remembered, nothing new runs
            List<String> arrived = new ArrayList<>(latest.arrived());
            arrived.add(from.name());
            step.save(with(latest, latest.state(), latest.stateInfo()).arrived(arrived).build());
            return;
        }
        TaskExecution w;
        if (latest != null && latest.state() == ExecutionState.WAITING) {
            w = latest;
        } else {
            w = step.newTask(target, new LinkedHashMap<>(), ExecutionState.WAITING, List.of());
            step.joinOpened();
        }
        List<String> arrived = new ArrayList<>(w.arrived());
        arrived.add(from.name());
        Map<String, Object> ctx = Maps.deepMerge(w.inContext(), outbound);
        boolean satisfied = switch (target.join().kind()) {
            case ALL -> new java.util.HashSet<>(arrived).containsAll(step.spec().inbound().getOrDefault(target.name(), Set.of())); // O(n), not O(n²)
            case ONE -> true;
            case COUNT -> new LinkedHashSet<>(arrived).size() >= target.join().count();
        };
        if (!satisfied) {
            step.save(with(w, ExecutionState.WAITING, null).arrived(arrived).inContext(ctx).build());
            return;
        }
        step.joinFired();
        step.begin(with(w, ExecutionState.RUNNING, null).arrived(arrived).inContext(ctx).build(), target);
    }

    static Set<String> reverseClosure(WorkflowSpec spec, String targetTask) {
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
}
