package io.trailboss.auth;

import java.util.List;

/** A person who logs in. {@code disabledAt} set: no login, no session, no personal token works. */
public record User(String id, String username, List<Grant> roles, long createdAt, Long disabledAt) {
    public User {
        roles = List.copyOf(roles);
    }

    public boolean enabled() {
        return disabledAt == null;
    }

    public Principal principal() {
        return new Principal(username, Principal.Kind.USER, roles, null, null);
    }
}
