package io.trailboss.lifecycle;

/**
 * Where a target is in its lifecycle: its current stage and whether that stage is RUNNING (its run is
 * queued or running), WAITING for a person (a wait in the stage map, single-step mode, or the target
 * not being runnable), STOPPED (by the stage map), DONE (no stage follows) or FAILED.
 */
public record Lifecycle(String targetId, String stage, State state, String stateInfo, String runId, boolean runnable, boolean singleStep,
                        long updatedAt) {
    public enum State { RUNNING, WAITING, STOPPED, DONE, FAILED }
}
