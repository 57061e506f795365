package io.trailboss.engine;

import io.trailboss.action.ActionResult;

/** A runner's report on a job: the action's result, when it started, and who ran it. */
public record JobOutcome(String jobId, String executionId, ActionResult result, long startedAt, String runner) {}
