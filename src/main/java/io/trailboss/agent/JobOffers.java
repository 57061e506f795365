package io.trailboss.agent;

import io.trailboss.engine.JobTokens;
import io.trailboss.manual.ManualAction;
import io.trailboss.model.Job;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The queue's side of a claim: queued jobs are offered to an agent, each with a job token only its
 * process gets, and become its own once it acknowledges them (an offer not acknowledged in time
 * goes back to the queue).
 */
final class JobOffers {
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Clock clock;
    private final Leases leases;
    private final QueuedHints hints;

    JobOffers(Jdbi jdbi, JobStore jobs, Clock clock, Leases leases, QueuedHints hints) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.clock = clock;
        this.leases = leases;
        this.hints = hints;
    }

    /**
     * Offers up to {@code max} QUEUED jobs on these targets to the agent, oldest first, in the caller's
     * transaction; null when no job was even a candidate, empty when other agents took every candidate.
     */
    List<AgentHub.Claimed> offer(Handle h, AgentToken agent, Set<String> names, int max, long now) {
        // candidates first, without locks: a locking select would lock every queued row it
        // reads before the sort and limit (H2 does); then lock only the candidates
        List<String> candidates = hints.on(names, max * 4);
        if (hints.scanDue(candidates.isEmpty())) {
            // the queue itself: jobs queued before a restart, by another server node, or put back.
            // No order here: sorting would read every queued job of the scope (thousands in a
            // deep queue) where the first few matches will do. The hints above keep the usual
            // path oldest first; this fallback may take newer jobs before older ones, and the
            // candidates it finds are claimed oldest first below
            candidates = jobs.queuedOn(h, List.copyOf(names), ManualAction.NAME, max * 4);
        }
        if (candidates.isEmpty()) return null;
        List<String> ids = jobs.lockClaimable(h, candidates, ManualAction.NAME, max);
        List<AgentHub.Claimed> out = new ArrayList<>(ids.size());
        if (ids.isEmpty()) return out;
        List<String> hashes = new ArrayList<>(ids.size());
        Map<String, String> secretOf = new HashMap<>();
        for (String id : ids) {
            String secret = JobTokens.issue(id);
            secretOf.put(id, secret);
            hashes.add(JobTokens.hash(secret));
        }
        List<String> taken = jobs.offer(h, ids, hashes, agent.runner(), now + leases.ackWindow(), now);
        hints.claimed(ids);
        List<Job> claimedJobs = new ArrayList<>(jobs.findAll(h, taken));
        claimedJobs.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id)); // oldest first, as claimed
        for (Job j : claimedJobs) out.add(new AgentHub.Claimed(j, secretOf.get(j.id())));
        List<String> others = new ArrayList<>(candidates);
        others.removeAll(ids);
        // too few candidates were claimable: some hints may be stale (the sweeper also drops them)
        if (!others.isEmpty() && ids.size() < max) hints.dropGone(h, others);
        return out;
    }

    /**
     * The agent received these offered jobs and is about to start them: they are its own now (with
     * a full lease). Answers the ones it may run; an offer that already went back to the queue (the
     * acknowledgement came too late) is not among them, and the agent must not run it.
     */
    List<String> ack(AgentToken agent, List<String> offered) {
        if (offered.isEmpty()) return List.of();
        return jdbi.inTransaction(h -> ack(h, agent, offered));
    }

    /** {@link #ack(AgentToken, List)} in the caller's transaction. */
    List<String> ack(Handle h, AgentToken agent, List<String> offered) {
        if (offered.isEmpty()) return List.of();
        long now = clock.millis();
        return jobs.ack(h, offered, agent.runner(), now + leases.millis(), now);
    }
}
