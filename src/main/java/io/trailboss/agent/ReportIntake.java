package io.trailboss.agent;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.JobOutcome;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.Secrets;
import io.trailboss.engine.StoredOutcomes;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' reports: each is checked against its locked job, masked, and stored with it (durable)
 * in the transaction in which the engine applies it; whoever stores first wins, later reports
 * are compared against it (same: harmless; different: conflict).
 */
final class ReportIntake {
    private static final Logger LOG = LoggerFactory.getLogger(ReportIntake.class);
    private final Engine engine;
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Clock clock;
    private final JobOffers offers;
    private final JobMasks masks;
    private final OutcomeDelivery delivery;

    ReportIntake(Engine engine, JobStore jobs, Clock clock, JobOffers offers, JobMasks masks, OutcomeDelivery delivery) {
        this.engine = engine;
        this.jdbi = engine.jdbi();
        this.jobs = jobs;
        this.clock = clock;
        this.offers = offers;
        this.masks = masks;
        this.delivery = delivery;
    }

    /** The answers to a batch of reports, and the outcomes of those that changed a job. */
    private record Stored(List<AgentHub.Reported> answers, List<JobOutcome> outcomes) {}

    AgentHub.Batch completeAll(AgentToken agent, List<AgentHub.Report> reports, List<String> ack) {
        for (AgentHub.Report r : reports) ReportCheck.checkReported(r.state());
        if (reports.isEmpty()) return new AgentHub.Batch(List.of(), offers.ack(agent, ack));
        List<AgentHub.Report> ordered = new ArrayList<>(reports);
        ordered.sort(Comparator.comparing(AgentHub.Report::jobId)); // rows locked in id order
        Set<String> ids = new TreeSet<>();
        for (AgentHub.Report r : ordered) ids.add(r.jobId());
        // the engine applies the reports in the same transaction (one commit for both); it locks
        // the jobs' executions first, as all its transactions do, so they are read here without locks
        List<String> executions = jdbi.withHandle(h -> jobs.executionsOf(h, ids));
        try {
            return engine.applyWith(executions, h -> {
                List<String> acked = offers.ack(h, agent, ack);
                Stored s = store(h, agent, ordered, ids, reports.size());
                for (JobOutcome o : s.outcomes()) engine.jobLogs().closed(o.jobId()); // the job's log ends before its outcome is seen
                for (JobOutcome o : s.outcomes()) masks.forget(o.jobId());
                return new Engine.WithOutcomes<>(new AgentHub.Batch(s.answers(), acked), s.outcomes());
            });
        } catch (RuntimeException applyFailed) {
            // the engine could not apply them (a fault of the workflow's state, not of the reports):
            // the reports are stored alone and applied from the engine's queue, as LOST ones are
            LOG.warn("applying agent reports with their commit failed; storing them first: {}", applyFailed.toString());
            List<JobOutcome> outcomes = new ArrayList<>();
            AgentHub.Batch batch = jdbi.inTransaction(h -> {
                outcomes.clear();
                List<String> acked = offers.ack(h, agent, ack);
                Stored s = store(h, agent, ordered, ids, reports.size());
                outcomes.addAll(s.outcomes());
                return new AgentHub.Batch(s.answers(), acked);
            });
            outcomes.forEach(delivery::deliver);
            return batch;
        }
    }

    /** Checks each report against its locked row and stores the new ones with the job (in the caller's transaction). */
    private Stored store(Handle h, AgentToken agent, List<AgentHub.Report> ordered, Set<String> ids, int size) {
        // the batch's rows in two reads (locked, then the agent columns), its reports in one batched update
        List<JobOutcome> outcomes = new ArrayList<>(size);
        Map<String, Job> locked = new HashMap<>();
        for (Job j : jobs.lockAll(h, ids)) locked.put(j.id(), j);
        Map<String, JobStore.Hold> holds = jobs.holds(h, locked.keySet());
        Map<String, JobReport> stored = new HashMap<>();
        for (var e : holds.entrySet()) if (e.getValue().report() != null) stored.put(e.getKey(), e.getValue().report());
        Map<String, JobReport> updates = new LinkedHashMap<>();
        List<AgentHub.Reported> out = new ArrayList<>(size);
        for (AgentHub.Report r : ordered) {
            try {
                Job job = locked.get(r.jobId());
                if (job == null) throw new NotFoundException("job '" + r.jobId() + "' does not exist");
                JobStore.Hold hold = holds.get(job.id());
                if (!ReportCheck.isNew(agent, job, r.state(), stored.get(job.id()), hold != null && hold.acked())) {
                    out.add(new AgentHub.Reported(r.jobId(), AgentHub.Completion.UNCHANGED, null));
                    continue;
                }
                List<String> jobMasks = masks.of(job);
                Object masked = Secrets.maskWithTokens(r.output(), jobMasks);
                String err = (String) Secrets.maskWithTokens(r.error(), jobMasks);
                if (r.state() == JobState.FAILED && err == null) err = "failed on " + agent.runner();
                JobReport report = new JobReport(JobReport.Outcome.named(r.state().name()), agent.runner(), masked, err, clock.millis());
                updates.put(job.id(), report);
                stored.put(job.id(), report); // a repeat of this report later in the batch changes nothing
                outcomes.add(StoredOutcomes.outcome(job, report));
                out.add(new AgentHub.Reported(r.jobId(), AgentHub.Completion.CHANGED, null));
            } catch (ConflictException | NotFoundException e) {
                out.add(new AgentHub.Reported(r.jobId(), null, e));
            }
        }
        jobs.storeReports(h, updates);
        return new Stored(out, outcomes);
    }
}
