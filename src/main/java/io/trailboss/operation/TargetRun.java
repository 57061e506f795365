package io.trailboss.operation;

import java.util.Map;

/**
 * A run on a target (or a trigger's own slot): an operation, a stage or a triggered workflow. At most one
 * run per {@code slot} is RUNNING; QUEUED ones wait their turn. {@code variables}: what its tasks see as
 * {@code vars}, each with its source, captured when it started (secrets masked).
 */
public record TargetRun(String id, String slot, String targetId, Kind kind, String name, String workflow, Map<String, Object> input,
                        Map<String, Object> variables, State state, String stateInfo, String executionId, String requestedBy,
                        long createdAt, Long startedAt, Long finishedAt) {

    public enum Kind { OPERATION, STAGE, WORKFLOW }

    public enum State {
        QUEUED, RUNNING, SUCCESS, ERROR, CANCELLED;

        public boolean isFinal() {
            return this == SUCCESS || this == ERROR || this == CANCELLED;
        }
    }
}
