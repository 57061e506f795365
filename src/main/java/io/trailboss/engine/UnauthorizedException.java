package io.trailboss.engine;

/** A credential (job token, agent token) is missing, wrong or revoked. */
public final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException(String message) {
        super(message);
    }
}
