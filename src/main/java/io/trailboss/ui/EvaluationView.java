package io.trailboss.ui;

/**
 * An expression tried on the execution page: what was asked ({@code task} empty for the whole execution) and its
 * result as indented JSON, or why there is none.
 */
public record EvaluationView(String executionId, String expression, String language, String task, String result, String error) {}
