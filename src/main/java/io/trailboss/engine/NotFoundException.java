package io.trailboss.engine;

/** The named thing (workflow, execution, task, job) does not exist. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
