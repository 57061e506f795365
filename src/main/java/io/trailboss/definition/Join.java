package io.trailboss.definition;

/** How many inbound tasks must arrive before a join task runs: all of them, one, or a count. */
public record Join(Kind kind, int count) {
    public enum Kind { ALL, ONE, COUNT }

    public static final Join ALL = new Join(Kind.ALL, 0);
    public static final Join ONE = new Join(Kind.ONE, 1);
}
