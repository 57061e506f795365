package io.trailboss.model;

/** A job is one run of an action: one per attempt, item or target. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, LOST;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == LOST;
    }
}
