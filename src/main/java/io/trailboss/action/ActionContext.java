package io.trailboss.action;

/** What an action knows about the job it runs as. */
public record ActionContext(String jobId, String executionId, String taskName, String token) {}
