package io.trailboss.auth;

import java.util.List;

/** An API token as listed (never its secret). {@code user} is the owner of a PERSONAL token. */
public record ApiToken(String id, String name, Kind kind, String user, List<Grant> roles, long createdAt, Long expiresAt,
        Long revokedAt, Long lastUsedAt) {
    public enum Kind { PERSONAL, SERVICE }

    public ApiToken {
        roles = List.copyOf(roles);
    }
}
