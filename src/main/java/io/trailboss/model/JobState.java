package io.trailboss.model;

/**
 * A job is one run of an action: one per attempt, item or target. INCOMPLETE: the action asked to
 * be run again (exit code 128), and a new job does so.
 */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, INCOMPLETE, CANCELLED, LOST;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == INCOMPLETE || this == CANCELLED || this == LOST;
    }
}
