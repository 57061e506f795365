package io.trailboss.agent;

import io.trailboss.engine.JobOutcome;
import io.trailboss.engine.StoredOutcomes;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs an agent can no longer finish are LOST (their task's retry decides); offers it never
 * acknowledged go back to the queue, as it never started them.
 */
final class JobLoss {
    private static final Logger LOG = LoggerFactory.getLogger(JobLoss.class);
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Clock clock;
    private final OutcomeDelivery delivery;
    private final Wakeup claims;

    JobLoss(Jdbi jdbi, JobStore jobs, Clock clock, OutcomeDelivery delivery, Wakeup claims) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.clock = clock;
        this.delivery = delivery;
        this.claims = claims;
    }

    /** An agent (re)started: the jobs it held under its name can no longer finish; answers how many were lost. */
    int restarted(AgentToken agent) {
        List<String> held = jdbi.withHandle(h -> jobs.held(h, agent.runner()));
        int n = 0;
        for (String id : held) if (lose(id, "agent restarted: " + agent.runner() + " said hello without it", false)) n++;
        requeue(agent.runner(), false);
        return n;
    }

    /** Stores LOST as the job's report unless one is there already, then tells the engine. */
    boolean lose(String jobId, String reason, boolean onlyIfExpired) {
        long now = clock.millis();
        JobReport report = JobReport.lost("server", reason, now);
        JobOutcome outcome = jdbi.inTransaction(h -> {
            Job job = jobs.lock(h, jobId).orElse(null);
            if (job == null || job.state() != JobState.RUNNING || jobs.storedReport(h, jobId).isPresent()) return null;
            boolean stored = onlyIfExpired ? jobs.loseExpired(h, jobId, report, now) : jobs.storeReport(h, jobId, report);
            return stored ? StoredOutcomes.outcome(job, report) : null;
        });
        if (outcome == null) return false;
        delivery.deliver(outcome);
        return true;
    }

    /**
     * Offers never acknowledged (the agent died while its claim was answered, or restarted) go back
     * to the queue: the agent never started them, so they are not lost and cost no retry.
     */
    void requeue(String runner, boolean onlyIfExpired) {
        long now = clock.millis();
        int n = jdbi.withHandle(h -> jobs.withdrawOffers(h, runner, onlyIfExpired, now));
        if (n > 0) {
            LOG.info("{} unacknowledged job offers went back to the queue", n);
            claims.signal();
        }
    }
}
