package io.trailboss.model;

/** Mistral's states, shared by executions and task executions. */
public enum ExecutionState {
    IDLE, WAITING, RUNNING, DELAYED, PAUSED, SUCCESS, ERROR, CANCELLED;

    public boolean isFinal() {
        return this == SUCCESS || this == ERROR || this == CANCELLED;
    }
}
