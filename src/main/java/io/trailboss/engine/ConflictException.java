package io.trailboss.engine;

import java.util.Map;

/**
 * The request is valid but the thing it acts on is in a state that forbids it. {@code details}
 * says more for clients (for example which tasks are in which state).
 */
public final class ConflictException extends RuntimeException {
    private final Map<String, Object> details;

    public ConflictException(String message) {
        this(message, Map.of());
    }

    public ConflictException(String message, Map<String, Object> details) {
        super(message);
        this.details = Map.copyOf(details);
    }

    public Map<String, Object> details() {
        return details;
    }
}
