package io.trailboss.agent;

import java.util.List;
import java.util.Map;

/**
 * An agent's credential as the server keeps it (never the secret itself): a name (the agent's
 * identity, its runner is {@code agent:<name>}) and a scope of target names and/or a label
 * selector (every label must match).
 */
public record AgentToken(String id, String name, List<String> targets, Map<String, String> labels, long createdAt, Long revokedAt, Long lastSeenAt) {
    public String runner() {
        return AgentHub.RUNNER_PREFIX + name;
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether a target with this name and these labels is in the token's scope. */
    public boolean covers(String target, Map<String, String> targetLabels) {
        return Scope.covers(targets, labels, target, targetLabels);
    }

    /** Target names and/or a label selector; an empty scope (no names, no labels) covers everything it is combined with. */
    static final class Scope {
        private Scope() {}

        static boolean covers(List<String> names, Map<String, String> selector, String target, Map<String, String> targetLabels) {
            if (target == null) return false;
            if (names.contains(target)) return true;
            return !selector.isEmpty() && targetLabels != null && targetLabels.entrySet().containsAll(selector.entrySet());
        }
    }
}
