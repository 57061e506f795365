package io.trailboss.agent;

import io.trailboss.model.Target;
import io.trailboss.target.Targets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Targets' labels for routing, kept while the targets' change counter (read before, by the caller)
 * stays the same: routing a submission of many jobs reads the counter once instead of once per target.
 */
final class TargetLabels {
    /** Targets' labels as loaded while the targets' change counter had a given value. */
    private record Seen(long version, Map<String, Map<String, String>> byTarget) {}

    private final Targets targets;
    private volatile Seen seen = new Seen(-1, Map.of());

    TargetLabels(Targets targets) {
        this.targets = targets;
    }

    long version() {
        return targets.version();
    }

    Map<String, String> of(String target, long version) {
        Seen s = seen;
        if (s.version() != version || s.byTarget().size() > 100_000) {
            s = new Seen(version, new ConcurrentHashMap<>());
            seen = s;
        }
        return s.byTarget().computeIfAbsent(target, t -> targets.find(t).map(Target::labels).orElse(Map.of()));
    }
}
