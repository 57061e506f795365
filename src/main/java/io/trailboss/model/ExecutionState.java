package io.trailboss.model;

/**
 * Mistral's states, shared by executions and task executions, plus three task states for people
 * steering a run: SKIPPED (counted as done without running), BLOCKED (held until unblocked; its
 * successors wait with it) and INTERRUPTED (its job was stopped; waits for rerun, skip or resume).
 * A PAUSED task is held before it starts, or after a failure under pause-on-fail.
 */
public enum ExecutionState {
    IDLE, WAITING, RUNNING, DELAYED, PAUSED, SUCCESS, ERROR, CANCELLED, SKIPPED, BLOCKED, INTERRUPTED;

    public boolean isFinal() {
        return this == SUCCESS || this == ERROR || this == CANCELLED || this == SKIPPED;
    }
}
