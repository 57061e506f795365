package io.trailboss.agent;

import io.trailboss.engine.JobStarts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * An agent's claim: waits up to its wait for jobs in its scope to be offered, then remembers what
 * their logs and reports must mask, and tells the observer of starts.
 */
final class JobClaims {
    private final Jdbi jdbi;
    private final Clock clock;
    private final AgentScopes scopes;
    private final JobOffers offers;
    private final JobMasks masks;
    private final Wakeup wakeup;
    private volatile JobStarts starts = JobStarts.NONE;

    JobClaims(Jdbi jdbi, Clock clock, AgentScopes scopes, JobOffers offers, JobMasks masks, Wakeup wakeup) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.scopes = scopes;
        this.offers = offers;
        this.masks = masks;
        this.wakeup = wakeup;
    }

    void observeStarts(JobStarts starts) {
        this.starts = starts;
    }

    List<AgentHub.Claimed> claim(AgentToken agent, int max, Duration wait, List<String> wantTargets, Map<String, String> wantLabels) throws InterruptedException {
        int n = Math.max(1, Math.min(max, AgentHub.MAX_CLAIM));
        return wakeup.poll(wait, () -> claimNow(agent, n, wantTargets, wantLabels));
    }

    private List<AgentHub.Claimed> claimNow(AgentToken agent, int max, List<String> wantTargets, Map<String, String> wantLabels) {
        Set<String> names = scopes.of(agent, wantTargets, wantLabels);
        if (names.isEmpty()) return List.of();
        long now = clock.millis();
        List<AgentHub.Claimed> claimed = List.of();
        // a claim that lost every candidate to another agent's looks again, a few times
        for (int round = 0; round < 3 && claimed.isEmpty(); round++) {
            claimed = jdbi.inTransaction(h -> offers.offer(h, agent, names, max, now));
            if (claimed == null) return List.of();
        }
        for (AgentHub.Claimed c : claimed) starts.started(c.job(), "agent", now);
        masks.keep(claimed);
        return claimed;
    }
}
