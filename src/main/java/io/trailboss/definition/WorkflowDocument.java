package io.trailboss.definition;

import java.util.Map;

/** A whole YAML document: its workflows and ad-hoc actions, and the text it was read from. */
public record WorkflowDocument(String name, Map<String, WorkflowSpec> workflows, Map<String, AdHocActionSpec> actions, String source) {}
