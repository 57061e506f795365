package io.trailboss.operation;

/** What is wrong with one field of a submitted form. */
public record FieldError(String field, String message) {}
