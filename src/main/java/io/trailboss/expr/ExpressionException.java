package io.trailboss.expr;

/** An expression or template that could not be evaluated; the message names the expression. */
public final class ExpressionException extends RuntimeException {
    public ExpressionException(String message) {
        super(message);
    }
}
