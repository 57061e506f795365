package io.trailboss.agent;

import io.trailboss.store.JobStore;
import io.trailboss.store.TransactionRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** How long a claimed job stays an agent's without a heartbeat, and the heartbeats that extend it. */
final class Leases {
    private final JobStore jobs;
    private final Clock clock;
    /** Lease updates are idempotent: one that met a deadlock or lock timeout runs again (3 times at most: the next heartbeat comes soon). */
    private final TransactionRunner updates;
    private volatile long millis = 15_000;

    Leases(Jdbi jdbi, JobStore jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
        this.updates = new TransactionRunner(jdbi).attempts(3);
    }

    Duration lease() {
        return Duration.ofMillis(millis);
    }

    void set(Duration lease) {
        if (lease.toMillis() < 200) throw new IllegalArgumentException("a lease must be at least 0.2 s");
        millis = lease.toMillis();
    }

    long millis() {
        return millis;
    }

    /** How long an offered job waits for the agent's acknowledgement before it goes back to the queue. */
    long ackWindow() {
        return Math.min(millis, 5_000);
    }

    /**
     * Extends the leases of every job the agent holds; answers which of {@code running} (the jobs
     * the agent runs) it no longer holds (cancelled, timed out, lost): the agent stops them.
     */
    List<String> heartbeat(AgentToken agent, List<String> running) {
        // a deadlock with a completion or claim that locks the same rows: the lease update runs again
        List<String> held = updates.withHandle(h -> jobs.extendLeases(h, agent.runner(), clock.millis() + millis));
        List<String> stop = new ArrayList<>(running);
        stop.removeAll(held);
        return stop;
    }
}
