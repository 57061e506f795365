package io.trailboss.agent;

import io.trailboss.model.Target;
import io.trailboss.target.Targets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The target names a claim may take jobs of: names, plus the targets a label selector matches. Every
 * claim of a label-scoped token needs those: they are kept while the targets' change counter (raised
 * by every change through any node) stays the same.
 */
final class AgentScopes {
    /** Names of the targets a label selector matches, as last loaded. */
    private record Labelled(List<String> names, long version) {}

    private final Targets targets;
    private final Map<Map<String, String>, Labelled> labelled = new ConcurrentHashMap<>();

    AgentScopes(Targets targets) {
        this.targets = targets;
    }

    /** The agent's scope, narrowed by the targets and labels it asked for (if any). */
    Set<String> of(AgentToken agent, List<String> wantTargets, Map<String, String> wantLabels) {
        Set<String> names = scope(agent.targets(), agent.labels());
        if ((wantTargets != null && !wantTargets.isEmpty()) || (wantLabels != null && !wantLabels.isEmpty())) {
            names.retainAll(scope(wantTargets == null ? List.of() : wantTargets, wantLabels == null ? Map.of() : wantLabels));
        }
        return names;
    }

    /** Target names matching names or a label selector. */
    private Set<String> scope(List<String> names, Map<String, String> labels) {
        Set<String> out = new LinkedHashSet<>(names);
        if (!labels.isEmpty()) out.addAll(matching(labels));
        return out;
    }

    private List<String> matching(Map<String, String> labels) {
        long version = targets.version(); // read before loading, so a change during the load is seen next time
        Labelled hit = labelled.get(labels);
        if (hit != null && hit.version() == version) return hit.names();
        List<String> names = targets.list(new Targets.Query(null, labels, null), 10_000, 0).stream().map(Target::name).toList();
        if (labelled.size() > 1_000) labelled.clear();
        labelled.put(Map.copyOf(labels), new Labelled(names, version));
        return names;
    }
}
