package io.trailboss.cluster;

import io.trailboss.action.Action;
import io.trailboss.agent.AgentHub;
import io.trailboss.engine.Engine;
import io.trailboss.engine.StoredOutcomes;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import io.trailboss.store.AgentInputStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.PromptStore;
import io.trailboss.store.TimerStore;
import io.trailboss.store.TransactionRunner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery of one dead node, claimed by one survivor (a conditional update) that takes the dead
 * node's jobs in the same transaction: stored outcomes are delivered, running local jobs are LOST or
 * queued again, queued jobs dispatched, timer claims released, stdin text dropped, prompts closed.
 */
final class NodeRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRecovery.class);
    private final Jdbi jdbi;
    private final TransactionRunner transactions;
    private final Clock clock;
    private final Engine engine;
    private final AgentHub agents;
    private final Runnable runsRecover;
    private final String self;
    private final NodeStore store;
    private final JobStore jobs;
    private final TimerStore timers = new TimerStore();
    private final PromptStore prompts = new PromptStore();
    private final AgentInputStore inputs = new AgentInputStore();

    NodeRecovery(Jdbi jdbi, Engine engine, AgentHub agents, Runnable runsRecover, NodeStore store) {
        this.jdbi = jdbi;
        this.transactions = new TransactionRunner(jdbi);
        this.clock = engine.clock();
        this.engine = engine;
        this.agents = agents;
        this.runsRecover = runsRecover;
        this.self = engine.nodeId();
        this.store = store;
        this.jobs = engine.jobStore();
    }

    /** False when another survivor claimed this node's recovery first. */
    boolean recover(NodeStore.NodeRow dead) {
        long now = clock.millis();
        // a deadlock with the engine's own transactions (running already while this node starts) is tried again
        List<JobStore.Reported> taken = transactions.inTransaction(h -> {
            if (!store.claimRecovery(h, dead.id(), dead.heartbeatAt(), self, now)) return null;
            List<JobStore.Reported> adopted = jobs.adopt(h, dead.id());
            timers.releaseClaims(h, dead.id());
            inputs.dropFor(h, "node:" + dead.id());
            return adopted;
        });
        if (taken == null) return false;
        int delivered = 0;
        int lost = 0;
        List<String> rerun = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        for (JobStore.Reported adopted : taken) {
            Job job = adopted.job();
            JobReport report = adopted.report();
            if (report != null) {
                engine.jobDone(StoredOutcomes.outcome(job, report));
                delivered++;
            } else if (job.state() == JobState.QUEUED) {
                queued.add(job.id());
            } else if (job.async() || job.childExecutionId() != null) {
                // waits for an external completion or a sub-workflow, not for the dead node
            } else if (engine.actions().find(job.action()).map(Action::rerunAfterNodeLoss).orElse(false)) {
                rerun.add(job.id());
            } else if (lose(job, dead.id())) {
                lost++;
            }
        }
        List<Job> dispatch = transactions.inTransaction(h -> {
            jobs.requeue(h, rerun, now);
            List<String> all = new ArrayList<>(queued);
            all.addAll(rerun);
            return jobs.findAll(h, all).stream().filter(j -> j.state() == JobState.QUEUED).toList();
        });
        engine.dispatch(dispatch);
        engine.timerService().due(0);
        engine.signals().timerArmed(0);
        // stored agent reports the dead node had not applied yet (applying twice is harmless: a final job is left alone)
        for (JobStore.Reported r : jdbi.withHandle(h -> jobs.unapplied(h, true))) engine.jobDone(StoredOutcomes.outcome(r.job(), r.report()));
        engine.recover();
        runsRecover.run();
        agents.wake();
        LOG.info("recovered node {} ({}:{}): {} stored outcomes delivered, {} jobs lost, {} queued again, {} queued jobs taken over",
                dead.id(), dead.host(), dead.port(), delivered, lost, rerun.size(), queued.size());
        return true;
    }

    private boolean lose(Job job, String deadNode) {
        long now = clock.millis();
        String reason = "lost: node " + deadNode + " that ran it stopped (no heartbeat)";
        JobReport report = JobReport.lost("server", reason, now);
        boolean stored = jdbi.inTransaction(h -> {
            boolean n = jobs.loseOwned(h, job.id(), report);
            if (n) prompts.closeForJob(h, job.id(), now);
            return n;
        });
        if (stored) {
            engine.jobLogs().endedElsewhere(job.id());
            engine.jobDone(StoredOutcomes.outcome(job, report));
        }
        return stored;
    }
}
