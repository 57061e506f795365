package io.trailboss.ui;

/** A manual step waiting for a person: its instructions (Markdown made safe HTML) and its form. */
public record StepView(String jobId, String executionId, String workflow, String task, String target, String since, String instructionsHtml,
                       FormView form) {}
