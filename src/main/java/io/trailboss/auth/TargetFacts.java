package io.trailboss.auth;

import java.util.List;
import java.util.Map;

/** What a scoped grant looks at: a target's labels, and its name with its ancestors' ({@code lineage}). */
public record TargetFacts(String name, Map<String, String> labels, List<String> lineage) {
    public TargetFacts {
        labels = Map.copyOf(labels);
        lineage = List.copyOf(lineage);
    }
}
