package io.trailboss.ui;

/** A question a running job asked on its output, with the form that answers it. */
public record PromptView(String id, String jobId, String executionId, String workflow, String task, String target, String since, String text,
                         String csrf, String error) {}
