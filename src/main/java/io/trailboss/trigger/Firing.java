package io.trailboss.trigger;

/**
 * One firing of a trigger: when, for which scheduled time (cron), and what came of it: PENDING (being
 * fired), STARTED, QUEUED, SKIPPED (overlap), REFUSED (bad token or signature, paused) or FAILED.
 */
public record Firing(String id, String trigger, long firedAt, Long dueAt, Outcome outcome, String detail, String runId, String executionId) {
    public enum Outcome { PENDING, STARTED, QUEUED, SKIPPED, REFUSED, FAILED }
}
