package io.trailboss.engine;

/** The request is valid but the thing it acts on is in a state that forbids it. */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
