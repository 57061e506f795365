package io.trailboss.definition;

/** {@code name in <expression>}: one clause of with-items; several clauses are zipped. */
public record WithItem(String variable, Object expression) {}
