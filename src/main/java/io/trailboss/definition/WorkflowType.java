package io.trailboss.definition;

public enum WorkflowType {
    DIRECT,
    REVERSE
}
