package io.trailboss.engine;

import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.TaskStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The task rows of one execution as one step sees them. A task often changes several times in one
 * transaction (item counts, result, state, the next task's start); each row is written once, before
 * anything reads task rows back ({@link #store()}), before jobs that reference it are inserted, and
 * when the step ends. Read rows only through {@link #store()}.
 */
final class TaskRows {
    private final TaskStore tasks;
    private final Handle h;
    private final String executionId;
    private final long now;
    private final Effects effects;
    private long seq = -1;
    /** The latest row of each task this step has seen, by task name. */
    private final Map<String, TaskExecution> latest = new HashMap<>();
    /** Rows changed or created by this step and not yet written. */
    private final Map<String, TaskExecution> unwritten = new LinkedHashMap<>();
    private final Set<String> uninserted = new HashSet<>();
    /**
     * Tasks marked in this step as failing their workflow, with its message: the mark sticks to every later
     * save of the row, even of a copy made before the mark, and is written with it (so a later step sees it).
     */
    private final Map<String, String> failingWorkflow = new HashMap<>();

    TaskRows(TaskStore tasks, Handle h, String executionId, long now, Effects effects) {
        this.tasks = tasks;
        this.h = h;
        this.executionId = executionId;
        this.now = now;
        this.effects = effects;
    }

    /** For an execution created in this transaction: it has no tasks yet, so no need to ask for the highest seq. */
    void noneYet() {
        if (seq < 0) seq = 0;
    }

    TaskExecution create(String name, Map<String, Object> inContext, ExecutionState state, List<String> arrived) {
        if (seq < 0) seq = tasks.maxSeq(h, executionId);
        TaskExecution t = new TaskExecution(Ids.next(), executionId, name, state, null, inContext,
                null, null, 0, 0, 0, 0, 0, arrived, Set.of(), false, false, ++seq, now, null, null, now, null, null);
        unwritten.put(t.id(), t);
        uninserted.add(t.id());
        latest.put(t.name(), t);
        return t;
    }

    /** A task's latest row, its changes in this step included; null if it has none. */
    TaskExecution latest(String name) {
        TaskExecution cached = latest.get(name);
        if (cached != null) return cached;
        TaskExecution t = store().latestByName(h, executionId, name).orElse(null);
        if (t != null) latest.put(name, t);
        return t;
    }

    /** The row of a task execution by id, this step's changes included. */
    TaskExecution find(String taskExecutionId) {
        TaskExecution t = unwritten.containsKey(taskExecutionId) ? unwritten.get(taskExecutionId) : store().find(h, taskExecutionId).orElseThrow();
        latest.put(t.name(), t);
        return t;
    }

    /** A row read elsewhere in this step, now the task's latest. */
    void seen(TaskExecution t) {
        latest.put(t.name(), t);
    }

    /** The latest row of each task that has one, by name. */
    Map<String, TaskExecution> latestByName() {
        Map<String, TaskExecution> out = new LinkedHashMap<>();
        for (TaskExecution t : store().byExecution(h, executionId)) out.put(t.name(), t);
        latest.putAll(out);
        return out;
    }

    /** Marks the task as failing its whole workflow with {@code message} (the first mark wins). */
    void failsWorkflow(TaskExecution task, String message) {
        if (task.errorKind() == TaskErrorKind.FAILS_WORKFLOW) return;
        failingWorkflow.putIfAbsent(task.id(), message);
    }

    /** The message the task fails its workflow with, or null if it does not. */
    String workflowFailure(TaskExecution task) {
        String marked = failingWorkflow.get(task.id());
        if (marked != null) return marked;
        return task.errorKind() == TaskErrorKind.FAILS_WORKFLOW ? task.errorCause() : null;
    }

    void save(TaskExecution task) {
        TaskBuilder b = new TaskBuilder(task).touched(now);
        String failing = failingWorkflow.get(task.id());
        if (failing != null) b.error(TaskErrorKind.FAILS_WORKFLOW, failing);
        TaskExecution t = b.build();
        unwritten.put(t.id(), t);
        latest.put(t.name(), t);
        effects.taskChanged(t);
    }

    void write() {
        if (unwritten.isEmpty()) return;
        for (TaskExecution t : unwritten.values()) {
            if (uninserted.remove(t.id())) tasks.insert(h, t);
            else tasks.update(h, t);
        }
        unwritten.clear();
    }

    /** The task table, with this step's pending writes applied first. */
    TaskStore store() {
        write();
        return tasks;
    }
}
