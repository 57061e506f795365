package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.JobOutcome;
import io.trailboss.engine.StoredOutcomes;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps leases honest: after a restart, reports stored but not applied are delivered again and
 * leases get one more lease time; then, several times a lease, jobs whose lease expired are lost,
 * expired offers go back to the queue, and the tokens and hints are refreshed.
 */
final class LeaseSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSweeper.class);
    private final Engine engine;
    private final Clock clock;
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Leases leases;
    private final JobLoss loss;
    private final AgentTokens tokens;
    private final QueuedHints hints;
    private final Wakeup claims;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("agent-leases").unstarted(r));
    private boolean sweeping;
    private volatile boolean closed;

    LeaseSweeper(Engine engine, Clock clock, JobStore jobs, Leases leases, JobLoss loss, AgentTokens tokens, QueuedHints hints, Wakeup claims) {
        this.engine = engine;
        this.clock = clock;
        this.jdbi = engine.jdbi();
        this.jobs = jobs;
        this.leases = leases;
        this.loss = loss;
        this.tokens = tokens;
        this.hints = hints;
        this.claims = claims;
    }

    /** Agents could not heartbeat while the server was down: their leases get one more lease time. */
    void recover() {
        long now = clock.millis();
        List<JobOutcome> pending = jdbi.withHandle(h -> {
            jobs.extendAgentLeases(h, now + leases.millis());
            return jobs.unapplied(h, false).stream().map(r -> StoredOutcomes.outcome(r.job(), r.report())).toList();
        });
        pending.forEach(engine::jobDone);
        if (!pending.isEmpty()) LOG.info("re-delivered {} agent reports", pending.size());
        synchronized (this) {
            if (!sweeping && !closed) {
                sweeping = true;
                timer.schedule(this::sweep, interval(), TimeUnit.MILLISECONDS);
            }
        }
        claims.signal();
    }

    private long interval() {
        return Math.max(100, Math.min(1000, leases.millis() / 5));
    }

    private void sweep() {
        try {
            long now = clock.millis();
            List<String> expired = jdbi.withHandle(h -> jobs.expiredLeases(h, now));
            for (String id : expired) {
                if (loss.lose(id, "lease expired: the agent sent no heartbeat for " + leases.millis() / 1000.0 + " s", true)) LOG.info("job {} lost: lease expired", id);
            }
            loss.requeue(null, true);
            tokens.reload();
            hints.dropStale();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed: {}", e.toString());
        } finally {
            if (!closed) timer.schedule(this::sweep, interval(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
