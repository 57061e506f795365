package io.trailboss.engine;

import io.trailboss.expr.EvaluationScope;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Mistral's functions see from inside a step ({@code task()}, {@code tasks()}, {@code execution()},
 * {@code env()}, {@code global()}): the rows as this step has them, its own changes included, and
 * never another execution tree than the one evaluating.
 */
final class StepScope implements EvaluationScope {
    /** How deep tasks(recursive) follows sub-workflows (the engine's own nesting limit is lower). */
    private static final int MAX_TASKS_DEPTH = 50;

    private final Step step;
    /** The task whose expressions are evaluated (seen as they see it), or null for the workflow's own. */
    private final TaskExecution current;

    StepScope(Step step, TaskExecution current) {
        this.step = step;
        this.current = current;
    }

    @Override
    public Map<String, Object> task(String name) {
        TaskExecution t = current != null && current.name().equals(name) ? current : step.latestTask(name);
        return t == null ? null : TaskViews.view(t, step.spec().tasks().containsKey(t.name()) && step.spec().task(t.name()).isSubWorkflow());
    }

    @Override
    public String currentTask() {
        return current == null ? null : current.name();
    }

    @Override
    public Map<String, Object> execution() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", step.execution().id());
        e.put("name", step.execution().workflowName());
        e.put("input", step.execution().input());
        e.put("params", step.execution().params());
        e.put("created_at", TaskViews.time(step.execution().createdAt()));
        e.put("updated_at", TaskViews.time(step.execution().updatedAt()));
        e.put("root_execution_id", step.execution().rootExecutionId());
        return e;
    }

    @Override
    public Map<String, Object> env() {
        return step.execution().env();
    }

    @Override
    public List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
        Execution ex = step.execution();
        Execution which = executionId == null || executionId.equals(ex.id()) ? ex : step.context().executions().find(step.handle(), executionId).orElse(null);
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
        keys.put("__env", step.execution().env());
        keys.put("__execution", Map.of("id", step.execution().id()));
        return keys;
    }

    @Override
    public Object global(String name) {
        return step.execution().context() == null ? null : step.execution().context().get(name);
    }

    private static String rootOf(Execution e) {
        return e.rootExecutionId() == null ? e.id() : e.rootExecutionId();
    }

    /** Mistral's tasks(): this execution's tasks in the order they started, then those of sub-workflows when recursive. */
    private void taskViews(String executionId, boolean recursive, String state, boolean flat, List<Map<String, Object>> out, int depth,
            TaskExecution seenAs) {
        // this execution's rows with the step's changes written first; another's as stored
        List<TaskExecution> all = new ArrayList<>(executionId.equals(step.execution().id()) ? step.tasks().byExecution(step.handle(), executionId)
                : step.context().tasks().byExecution(step.handle(), executionId));
        all.sort(Comparator.comparingLong(TaskExecution::seq));
        List<Map<String, Object>> nested = new ArrayList<>();
        for (TaskExecution stored : all) {
            // the task whose expressions these are is seen as they see it (a publish sees its task already ended)
            TaskExecution t = seenAs != null && seenAs.id().equals(stored.id()) ? seenAs : stored;
            List<String> children = step.context().jobs().byTask(step.handle(), t.id()).stream().map(Job::childExecutionId).filter(java.util.Objects::nonNull).toList();
            boolean workflowTask = !children.isEmpty();
            boolean keep = state == null || state.equals(t.state().name());
            if (keep && flat && workflowTask) {
                for (String child : children) {
                    ExecutionState childState = step.context().executions().find(step.handle(), child).map(Execution::state).orElse(null);
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

}
