package io.trailboss.auth;

import io.trailboss.engine.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A role, granted everywhere ({@code operator}) or on some targets only: those whose labels match a
 * selector ({@code operator@labels:env=prod,tier=web}) or a target and its descendants through
 * {@code parent} ({@code operator@group:shop}). Written and stored in that text form.
 */
public record Grant(Role role, Map<String, String> labels, String group) {
    public Grant {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static Grant global(Role role) {
        return new Grant(role, Map.of(), null);
    }

    public boolean isGlobal() {
        return labels.isEmpty() && group == null;
    }

    /** Whether this grant reaches the target; a global grant reaches every target. */
    public boolean covers(TargetFacts target) {
        if (isGlobal()) return true;
        if (target == null) return false;
        if (group != null) return target.lineage().contains(group);
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(target.labels().get(e.getKey())));
    }

    public String text() {
        if (group != null) return role.label() + "@group:" + group;
        if (!labels.isEmpty()) {
            StringBuilder b = new StringBuilder(role.label()).append("@labels:");
            new TreeMap<>(labels).forEach((k, v) -> b.append(k).append('=').append(v).append(','));
            return b.substring(0, b.length() - 1);
        }
        return role.label();
    }

    @Override
    public String toString() {
        return text();
    }

    public static Grant parse(String text) {
        if (text == null || text.isBlank() || text.length() > 500) throw new InvalidInputException("roles", "a role is viewer, operator or admin, optionally scoped: operator@group:TARGET or operator@labels:KEY=VALUE,...");
        int at = text.indexOf('@');
        if (at < 0) return global(Role.parse(text, "roles"));
        Role role = Role.parse(text.substring(0, at), "roles");
        if (role == Role.ADMIN) throw new InvalidInputException("roles", "admin cannot be scoped to targets: '" + text + "'");
        String scope = text.substring(at + 1);
        if (scope.startsWith("group:") && scope.length() > 6) return new Grant(role, Map.of(), scope.substring(6).strip());
        if (scope.startsWith("labels:") && scope.length() > 7) {
            Map<String, String> labels = new TreeMap<>();
            for (String pair : scope.substring(7).split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) throw new InvalidInputException("roles", "a label selector is KEY=VALUE,...: '" + text + "'");
                labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
            return new Grant(role, labels, null);
        }
        throw new InvalidInputException("roles", "a scope is group:TARGET or labels:KEY=VALUE,...: '" + text + "'");
    }

    public static List<Grant> parseAll(List<?> texts) {
        List<Grant> out = new ArrayList<>();
        for (Object o : texts) {
            if (!(o instanceof String s)) throw new InvalidInputException("roles", "each role must be a string such as 'operator' or 'operator@group:shop'");
            out.add(parse(s));
        }
        return List.copyOf(out);
    }

    public static List<String> texts(List<Grant> grants) {
        return grants.stream().map(Grant::text).toList();
    }
}
