package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import io.trailboss.manual.ManualAction;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a submitted job runs: a job whose target is in the scope of an active agent token stays
 * QUEUED in the database until an agent claims it; every other job runs locally.
 */
final class JobRouting {
    private final Engine engine;
    private final LocalRunner local;
    private final AgentTokens tokens;
    private final TargetLabels labels;
    private final QueuedHints hints;
    private final Wakeup claims;

    JobRouting(Engine engine, LocalRunner local, AgentTokens tokens, TargetLabels labels, QueuedHints hints, Wakeup claims) {
        this.engine = engine;
        this.local = local;
        this.tokens = tokens;
        this.labels = labels;
        this.hints = hints;
        this.claims = claims;
    }

    void submit(List<Job> submitted) {
        List<Job> here = new ArrayList<>(submitted.size());
        boolean forAgents = false;
        List<AgentToken> active = tokens.active();
        Map<String, Boolean> covered = new HashMap<>();
        long[] version = {-1}; // the targets' change counter, read once for the whole submission (when a label needs it)
        for (Job job : submitted) {
            if (job.state() == JobState.RUNNING && job.runner() != null && job.runner().startsWith(AgentHub.RUNNER_PREFIX)) {
                continue; // an agent has it (recovery): its lease decides
            }
            // a manual step waits for a person on the server, whatever its target
            if (job.target() != null && !active.isEmpty() && !ManualAction.NAME.equals(job.action())
                    && covered.computeIfAbsent(job.target(), t -> coveredBy(active, t, version))) {
                forAgents = true; // stays QUEUED in the database until an agent claims it
                if (job.state() == JobState.QUEUED) hints.queued(job.id(), job.target());
            } else {
                here.add(job);
            }
        }
        if (!here.isEmpty()) local.submit(here);
        if (forAgents) {
            claims.signal();
            engine.signals().jobsQueued();
        }
    }

    private boolean coveredBy(List<AgentToken> active, String target, long[] version) {
        Map<String, String> targetLabels = null;
        for (AgentToken t : active) {
            if (t.targets().contains(target)) return true;
            if (!t.labels().isEmpty()) {
                if (targetLabels == null) {
                    if (version[0] < 0) version[0] = labels.version();
                    targetLabels = labels.of(target, version[0]);
                }
                if (t.covers(target, targetLabels)) return true;
            }
        }
        return false;
    }
}
