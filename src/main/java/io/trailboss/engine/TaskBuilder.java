package io.trailboss.engine;

import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.TaskFlag;
import java.util.List;
import java.util.Map;

/** Copies a task execution with changes: records are immutable, the engine changes a copy. */
final class TaskBuilder {
    private final TaskExecution t;
    private ExecutionState state;
    private String stateInfo;
    private Map<String, Object> inContext;
    private Map<String, Object> published;
    private Object result;
    private int attempt;
    private int itemsTotal;
    private int itemsNext;
    private int itemsDone;
    private int itemsFailed;
    private List<String> arrived;
    private final java.util.EnumSet<TaskFlag> flags = java.util.EnumSet.noneOf(TaskFlag.class);
    private boolean errorHandled;
    private boolean leaf;
    private Long startedAt;
    private Long finishedAt;
    private long updatedAt;
    private TaskErrorKind errorKind;
    private String errorCause;

    /** A copy of {@code t} in state {@code s} with {@code info}, to change further. */
    static TaskBuilder with(TaskExecution t, ExecutionState s, String info) {
        return new TaskBuilder(t).state(s, info);
    }

    TaskBuilder(TaskExecution t) {
        this.t = t;
        state = t.state();
        stateInfo = t.stateInfo();
        inContext = t.inContext();
        published = t.published();
        result = t.result();
        attempt = t.attempt();
        itemsTotal = t.itemsTotal();
        itemsNext = t.itemsNext();
        itemsDone = t.itemsDone();
        itemsFailed = t.itemsFailed();
        arrived = t.arrived();
        flags.addAll(t.flags());
        errorHandled = t.errorHandled();
        leaf = t.leaf();
        startedAt = t.startedAt();
        finishedAt = t.finishedAt();
        updatedAt = t.updatedAt();
        errorKind = t.errorKind();
        errorCause = t.errorCause();
    }

    TaskBuilder state(ExecutionState s, String info) {
        state = s;
        stateInfo = info;
        return this;
    }

    TaskBuilder result(Object r) {
        result = r;
        return this;
    }

    TaskBuilder published(Map<String, Object> p) {
        published = p;
        return this;
    }

    TaskBuilder inContext(Map<String, Object> c) {
        inContext = c;
        return this;
    }

    TaskBuilder attempt(int a) {
        attempt = a;
        return this;
    }

    TaskBuilder items(int total, int next, int done, int failed) {
        itemsTotal = total;
        itemsNext = next;
        itemsDone = done;
        itemsFailed = failed;
        return this;
    }

    TaskBuilder arrived(List<String> a) {
        arrived = a;
        return this;
    }

    TaskBuilder flag(TaskFlag f) {
        flags.add(f);
        return this;
    }

    TaskBuilder unflag(TaskFlag f) {
        flags.remove(f);
        return this;
    }

    TaskBuilder handled(boolean handled) {
        errorHandled = handled;
        return this;
    }

    TaskBuilder leaf(boolean isLeaf) {
        leaf = isLeaf;
        return this;
    }

    TaskBuilder startedAt(Long at) {
        startedAt = at;
        return this;
    }

    TaskBuilder finishedAt(Long at) {
        finishedAt = at;
        return this;
    }

    /** The kind of error the engine acts on, and what it carries (null, null: none). */
    TaskBuilder error(TaskErrorKind kind, String cause) {
        errorKind = kind;
        errorCause = cause;
        return this;
    }

    TaskBuilder touched(long at) {
        updatedAt = at;
        return this;
    }

    TaskExecution build() {
        return new TaskExecution(t.id(), t.executionId(), t.name(), state, stateInfo, inContext, published, result, attempt,
                itemsTotal, itemsNext, itemsDone, itemsFailed, arrived, flags, errorHandled, leaf, t.seq(), t.createdAt(),
                startedAt, finishedAt, updatedAt, errorKind, errorCause);
    }
}
