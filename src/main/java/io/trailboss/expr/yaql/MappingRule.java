package io.trailboss.expr.yaql;

/** The value of {@code source => destination} where it is not a named argument ({@code dict(a => 1)}, {@code switch}). */
record MappingRule(Object source, Object destination) {
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
