package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.TaskExecution;

/** Told, after commit, of every state change the engine made. Must not block. */
public interface EngineListener {
    default void taskChanged(TaskExecution task) {}

    default void executionChanged(Execution execution) {}

    /**
     * A person controlled an execution ({@code action}: pause, resume, cancel, rerun) or some of its
     * tasks (a task control's name, with {@code tasks} the names it acted on, comma-separated; null for
     * the execution).
     */
    default void controlled(String executionId, String action, String tasks) {}
}
