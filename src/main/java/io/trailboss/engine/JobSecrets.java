package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.action.ActionRegistry;
import io.trailboss.model.Job;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.Sealer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * The secret values each job may see, to mask wherever it shows them: its target's, its hosts',
 * and its execution's sealed inputs (opened once per execution and kept, since an execution's
 * input never changes while its jobs run).
 */
final class JobSecrets {
    private static final int REMEMBERED = 10_000;

    private final Jdbi jdbi;
    private final ExecutionStore executions;
    private final ActionRegistry actions;
    private final Supplier<TargetDirectory> targets;
    private volatile Sealer sealer = Sealer.NONE;
    /** Opened sealed inputs by execution id, the most recently used {@link #REMEMBERED}. */
    private final Map<String, List<String>> inputSecrets = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > REMEMBERED;
        }
    });

    JobSecrets(Jdbi jdbi, ExecutionStore executions, ActionRegistry actions, Supplier<TargetDirectory> targets) {
        this.jdbi = jdbi;
        this.executions = executions;
        this.actions = actions;
        this.targets = targets;
    }

    void sealWith(Sealer sealer) {
        this.sealer = sealer;
    }

    Sealer sealer() {
        return sealer;
    }

    /** The names of the job's inputs that hold targets resolved from a selector (an ansible job's hosts). */
    Set<String> targetInputs(String action) {
        return actions.find(action).map(Action::targetInputs).orElse(Set.of());
    }

    /** A job's secrets: its target's, its execution's sealed inputs, and those of the targets its input holds. */
    List<String> of(Job job) {
        List<String> out = new ArrayList<>(job.target() == null ? List.of() : ofTarget(job.target()));
        out.addAll(inputSecretsOf(job.executionId()));
        for (String key : targetInputs(job.action())) {
            if (job.input() != null && job.input().get(key) instanceof List<?> hosts) {
                for (Object h : hosts) {
                    if (h instanceof Map<?, ?> m && m.get("name") != null) out.addAll(ofTarget(String.valueOf(m.get("name"))));
                }
            }
        }
        return out;
    }

    List<String> ofTarget(String target) {
        try {
            return targets.get().select(target).stream().flatMap(t -> t.secrets().stream()).toList();
        } catch (InvalidInputException gone) {
            return List.of();
        }
    }

    List<String> inputSecretsOf(String executionId) {
        if (executionId == null) return List.of();
        List<String> known = inputSecrets.get(executionId);
        if (known != null) return known;
        Map<String, Object> input = jdbi.withHandle(h -> executions.input(h, executionId));
        List<String> opened = new ArrayList<>();
        if (SealedInputs.contains(input)) SealedInputs.open(input, sealer, opened);
        remember(executionId, List.copyOf(opened));
        return inputSecrets.get(executionId);
    }

    /** What a step learnt of an execution's sealed inputs while building its jobs (none, for most). */
    void remember(String executionId, List<String> opened) {
        if (opened.isEmpty()) inputSecrets.putIfAbsent(executionId, opened);
        else inputSecrets.put(executionId, opened);
    }
}
