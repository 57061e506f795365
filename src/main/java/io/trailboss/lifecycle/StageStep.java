package io.trailboss.lifecycle;

/**
 * One entry of a stage map: after {@code from} succeeds the target moves to {@code to}, and
 * {@code way} says what happens then: CONTINUE (the stage starts), STOP (the lifecycle stops there)
 * or WAIT (a person continues it).
 */
public record StageStep(String scope, String from, String to, Way way) {
    public enum Way { CONTINUE, STOP, WAIT }
}
