package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.TaskExecution;

/** Told, after commit, of every state change the engine made. Must not block. */
public interface EngineListener {
    default void taskChanged(TaskExecution task) {}

    default void executionChanged(Execution execution) {}

    /** A person paused, resumed or cancelled an execution ({@code action}: pause, resume, cancel). */
    default void controlled(String executionId, String action) {}
}
