package io.trailboss.auth;

import io.trailboss.engine.InvalidInputException;
import java.util.Locale;

/** What a person or token may do, each including the one before: viewer &lt; operator &lt; admin. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role parse(String text, String field) {
        try {
            return Role.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "unknown role '" + text + "' (viewer, operator or admin)");
        }
    }
}
