package io.trailboss.definition;

/** Each field is a literal or an expression evaluated when the policy applies. */
public record RetryPolicy(Object count, Object delay, Object breakOn, Object continueOn) {}
