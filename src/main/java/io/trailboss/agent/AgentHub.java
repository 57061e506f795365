package io.trailboss.agent;

import io.trailboss.engine.Engine;
import io.trailboss.engine.JobRunner;
import io.trailboss.engine.JobStarts;
import io.trailboss.engine.LocalRunner;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import io.trailboss.target.Targets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runner in front of the local one: a job whose target is in the scope of an active agent
 * token stays QUEUED in the database until an agent claims it; every other job runs locally.
 *
 * <p>The queue is the job table. A claim takes QUEUED jobs of the agent's targets with
 * {@code SELECT … FOR UPDATE SKIP LOCKED} and marks them RUNNING under {@code agent:<name>} with
 * a lease; heartbeats extend it. An agent's report (or LOST, from the lease sweeper or from the
 * agent saying hello after a restart) is first stored in {@code job.agent_outcome} under the row
 * lock, then handed to the engine: whoever stores first wins, later reports are compared against
 * it (same: harmless; different: conflict), and a restart re-delivers stored reports the engine
 * had not applied. Waiting claims and input polls are woken in-process at once; they also look
 * again every second, for work that another server node created.
 *
 * <p>Each part has its class: {@link JobRouting} (where a job runs), {@link JobClaims} and
 * {@link JobOffers} (claims, offers, acknowledgements), {@link ReportIntake} (reports),
 * {@link Leases}, {@link LeaseSweeper} and {@link JobLoss} (leases and lost jobs), {@link StdinRelay}
 * and {@link RemoteLogs} (a job's input and log).
 */
public final class AgentHub implements JobRunner, AutoCloseable {
    public static final String RUNNER_PREFIX = "agent:";
    public static final int MAX_CLAIM = 64;

    /** A job an agent claimed, with the job token only its process gets. */
    public record Claimed(Job job, String jobToken) {}

    /** Text for a remote job's standard input. */
    public record Input(String jobId, String text) {}

    /** Whether a completion changed the job, or repeated what was already reported. */
    public enum Completion { CHANGED, UNCHANGED }

    /** One result of an agent's batch of reports. */
    public record Report(String jobId, JobState state, Object output, String error) {}

    /** What became of one report of a batch: a completion, or the error that refused it (changing nothing). */
    public record Reported(String jobId, Completion completion, RuntimeException refused) {}

    /** The answers to a batch of reports, and which of the acknowledged offers the agent may start. */
    public record Batch(List<Reported> reports, List<String> acked) {}

    private final LocalRunner local;
    private final AgentTokens tokens;
    private final Wakeup claimWakeup = new Wakeup();
    private final Wakeup inputWakeup = new Wakeup();
    private final Leases leases;
    private final JobRouting routing;
    private final JobOffers offers;
    private final JobClaims claims;
    private final ReportIntake reports;
    private final JobLoss loss;
    private final LeaseSweeper sweeper;
    private final StdinRelay stdin;
    private final RemoteLogs logs;

    public AgentHub(Engine engine, LocalRunner local, Targets targets) {
        Clock clock = engine.clock();
        JobStore jobs = engine.jobStore();
        this.local = local;
        this.tokens = new AgentTokens(engine.jdbi(), clock);
        this.leases = new Leases(engine.jdbi(), jobs, clock);
        QueuedHints hints = new QueuedHints(engine.jdbi(), jobs);
        JobMasks masks = new JobMasks(engine);
        OutcomeDelivery delivery = new OutcomeDelivery(engine, masks);
        this.routing = new JobRouting(engine, local, tokens, new TargetLabels(targets), hints, claimWakeup);
        this.offers = new JobOffers(engine.jdbi(), jobs, clock, leases, hints);
        this.claims = new JobClaims(engine.jdbi(), clock, new AgentScopes(targets), offers, masks, claimWakeup);
        this.reports = new ReportIntake(engine, jobs, clock, offers, masks, delivery);
        this.loss = new JobLoss(engine.jdbi(), jobs, clock, delivery, claimWakeup);
        this.sweeper = new LeaseSweeper(engine, clock, jobs, leases, loss, tokens, hints, claimWakeup);
        this.stdin = new StdinRelay(engine, local, jobs, clock, inputWakeup);
        this.logs = new RemoteLogs(engine, jobs, masks);
    }

    /** Told of each job an agent claims. */
    public void observeStarts(JobStarts starts) {
        claims.observeStarts(starts);
    }

    public AgentTokens tokens() {
        return tokens;
    }

    public LocalRunner local() {
        return local;
    }

    public Duration lease() {
        return leases.lease();
    }

    /** How long a claimed job is an agent's without a heartbeat (default 15 s). */
    public void setLease(Duration lease) {
        leases.set(lease);
    }

    @Override
    public void submit(List<Job> submitted) {
        routing.submit(submitted);
    }

    /** Another node queued jobs for agents (or their table changed): waiting claims look again. */
    public void wake() {
        claimWakeup.signal();
    }

    /** A local job is stopped here; an agent's job is stopped by the agent, told by its next heartbeat's {@code stop}. */
    @Override
    public void interrupt(Job job, long graceMillis) {
        local.interrupt(job, graceMillis);
    }

    /** Text for a running job's standard input, local or remote; false if the job is not running. */
    public boolean send(String jobId, String text) {
        return stdin.send(jobId, text);
    }

    public Optional<AgentToken> authenticate(String secret) {
        return tokens.authenticate(secret);
    }

    /** An agent (re)started: the jobs it held under its name can no longer finish; they are lost. */
    public int hello(AgentToken agent) {
        tokens.seen(agent);
        int lost = loss.restarted(agent);
        stdin.dropFor(agent);
        return lost;
    }

    /**
     * Claims up to {@code max} queued jobs in the agent's scope (narrowed by the targets and labels
     * the agent asked for), waiting up to {@code wait} for one to become claimable.
     */
    public List<Claimed> claim(AgentToken agent, int max, Duration wait, List<String> wantTargets, Map<String, String> wantLabels) throws InterruptedException {
        return claims.claim(agent, max, wait, wantTargets, wantLabels);
    }

    /**
     * The agent received these offered jobs and is about to start them: they are its own now (with
     * a full lease). Answers the ones it may run; an offer that already went back to the queue (the
     * acknowledgement came too late) is not among them, and the agent must not run it.
     */
    public List<String> ack(AgentToken agent, List<String> offered) {
        return offers.ack(agent, offered);
    }

    /**
     * Extends the leases of every job the agent holds; answers which of {@code running} (the jobs
     * the agent runs) it no longer holds (cancelled, timed out, lost): the agent stops them.
     */
    public List<String> heartbeat(AgentToken agent, List<String> running) {
        return leases.heartbeat(agent, running);
    }

    /**
     * A chunk of a remote job's log, masked here whatever the agent did. False when the log is at
     * its cap: the agent stops the job and fails it, as the local runner does.
     */
    public boolean log(AgentToken agent, String jobId, String text) {
        return logs.append(agent, jobId, text);
    }

    /**
     * An agent's result for a job it holds. The report is stored with the job (durable) before the
     * engine applies it. Repeating it is harmless; a report for a job the agent no longer holds
     * (lost, cancelled, another agent's) is a conflict that changes nothing.
     */
    public Completion complete(AgentToken agent, String jobId, JobState reported, Object output, String error) {
        Reported r = completeAll(agent, List.of(new Report(jobId, reported, output, error))).getFirst();
        if (r.refused() != null) throw r.refused();
        return r.completion();
    }

    /**
     * Several results in one transaction (one commit): each is checked and stored as by
     * {@link #complete}; a refused one (conflict, unknown job) changes nothing and does not stop the
     * others. Every report is durable when this returns.
     */
    public List<Reported> completeAll(AgentToken agent, List<Report> reports) {
        return completeAll(agent, reports, List.of()).reports();
    }

    /**
     * Several results and an acknowledgement of offered jobs ({@link #ack}) in one transaction: an
     * agent that claimed jobs while results were on their way sends both in one post, one commit.
     */
    public Batch completeAll(AgentToken agent, List<Report> reports, List<String> ack) {
        return this.reports.completeAll(agent, reports, ack);
    }

    /** Text waiting for the agent's jobs' standard input (taken: each is delivered once), waiting up to {@code wait}. */
    public List<Input> inputs(AgentToken agent, Duration wait) throws InterruptedException {
        return stdin.take(agent, wait);
    }

    /**
     * Picks up after a restart: reports stored but not applied are delivered again, leases get one
     * more lease time (agents could not heartbeat while the server was down), and the sweeper starts.
     */
    public void recover() {
        sweeper.recover();
    }

    @Override
    public void close() {
        sweeper.close();
        claimWakeup.close();
        inputWakeup.close();
    }
}
