package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.JobTokens;
import io.trailboss.model.Job;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is masked in the logs and reports of each job an agent runs (its secrets and its own token),
 * kept from its claim until its outcome, so that a chunk of log is not a query for secrets.
 */
final class JobMasks {
    private final Engine engine;
    private final Map<String, List<String>> byJob = new ConcurrentHashMap<>();

    JobMasks(Engine engine) {
        this.engine = engine;
    }

    /** The masks of claimed jobs: a target's secrets are looked up once for all its jobs. */
    void keep(List<AgentHub.Claimed> claimed) {
        Map<String, List<String>> byTarget = new HashMap<>();
        for (AgentHub.Claimed c : claimed) {
            List<String> masks = new ArrayList<>(engine.hasTargetInputs(c.job()) ? engine.secretsOf(c.job())
                    : byTarget.computeIfAbsent(c.job().target(), engine::secretsOf));
            if (!engine.hasTargetInputs(c.job())) masks.addAll(engine.inputSecretsOf(c.job().executionId()));
            // the job's own token is masked like a secret (known on the node that issued it; anything shaped
            // like a job token is masked everywhere)
            masks.addAll(JobTokens.masks(c.jobToken()));
            byJob.put(c.job().id(), masks);
        }
    }

    /** A job's masks; looked up again for a job claimed before this server started. */
    List<String> of(Job job) {
        return byJob.computeIfAbsent(job.id(), id -> engine.secretsOf(job));
    }

    void forget(String jobId) {
        byJob.remove(jobId);
    }
}
