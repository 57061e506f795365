package io.trailboss.definition;

/** A declared workflow or action input: a bare name is required, {@code name: default} is optional. */
public record InputParam(String name, boolean required, Object defaultValue) {}
