package io.trailboss.auth;

import java.util.List;
import java.util.Locale;

/**
 * Who makes a request: a user (password or session), an API token, an agent, a running job, or
 * anybody on a server running open. {@code tokenId} names the API token used, {@code subject} the
 * agent token or job behind an agent or job principal.
 */
public record Principal(String name, Kind kind, List<Grant> roles, String tokenId, String subject) {
    public enum Kind {
        USER, TOKEN, AGENT, JOB, ANONYMOUS_OPEN;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Principal {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** Anybody on a server running open: acts as admin, named by what the request says. */
    public static Principal open(String name) {
        return new Principal(name, Kind.ANONYMOUS_OPEN, List.of(Grant.global(Role.ADMIN)), null, null);
    }

    /** Whether some grant gives at least {@code role} everywhere. */
    public boolean hasGlobally(Role role) {
        return roles.stream().anyMatch(g -> g.isGlobal() && g.role().includes(role));
    }

    /** Whether some grant, global or scoped, gives at least {@code role} somewhere. */
    public boolean hasAnywhere(Role role) {
        return roles.stream().anyMatch(g -> g.role().includes(role));
    }

    /** Whether some grant gives at least {@code role} on this target. */
    public boolean has(Role role, TargetFacts target) {
        return roles.stream().anyMatch(g -> g.role().includes(role) && g.covers(target));
    }
}
