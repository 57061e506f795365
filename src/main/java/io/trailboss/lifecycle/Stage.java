package io.trailboss.lifecycle;

/** A named step of a target's lifecycle: moving a target to it runs {@code workflow} on the target. */
public record Stage(String name, String workflow, String description, long createdAt, long updatedAt) {}
