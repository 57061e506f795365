package io.trailboss.api;

/** A request the API refuses, with the HTTP status and, where there is one, the field at fault. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String field;

    public ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, field, message);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
