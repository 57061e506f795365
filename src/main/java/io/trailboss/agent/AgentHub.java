package io.trailboss.agent;

import io.trailboss.manual.ManualAction;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.JobLogs;
import io.trailboss.engine.JobOutcome;
import io.trailboss.engine.JobRunner;
import io.trailboss.engine.JobTokens;
import io.trailboss.engine.LocalRunner;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.Secrets;
import io.trailboss.engine.StoredOutcomes;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import io.trailboss.model.JobState;
import io.trailboss.store.AgentInputStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.TransactionRunner;
import io.trailboss.model.Target;
import io.trailboss.target.Targets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class AgentHub implements JobRunner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHub.class);
    public static final String RUNNER_PREFIX = "agent:";
    public static final int MAX_CLAIM = 64;
    private static final long FALLBACK_POLL_MS = 1000;

    /** A job an agent claimed, with the job token only its process gets. */
    public record Claimed(Job job, String jobToken) {}

    /** Text for a remote job's standard input. */
    public record Input(String jobId, String text) {}

    private final Engine engine;
    private final LocalRunner local;
    private final AgentTokens tokens;
    private final Targets targets;
    private final Clock clock;
    private final Jdbi jdbi;
    /** Lease updates are idempotent: one that met a deadlock or lock timeout runs again (3 times at most: the next heartbeat comes soon). */
    private final TransactionRunner leaseUpdates;
    private final JobStore jobs;
    private final AgentInputStore inputs = new AgentInputStore();
    private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition jobsChanged = lock.newCondition();
    private final Condition inputsChanged = lock.newCondition();
    private long jobsVersion;
    private long inputsVersion;
    private final AtomicLong inputSeq = new AtomicLong();
    private volatile long leaseMillis = 15_000;
    private volatile boolean closed;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("agent-leases").unstarted(r));
    private boolean sweeping;

    private volatile io.trailboss.engine.JobStarts starts = io.trailboss.engine.JobStarts.NONE;

    /** Told of each job an agent claims. */
    public void observeStarts(io.trailboss.engine.JobStarts starts) {
        this.starts = starts;
    }

    public AgentHub(Engine engine, LocalRunner local, Targets targets) {
        this.engine = engine;
        this.local = local;
        this.targets = targets;
        this.clock = engine.clock();
        this.jdbi = engine.jdbi();
        this.leaseUpdates = new TransactionRunner(jdbi).attempts(3);
        this.jobs = engine.jobStore();
        this.tokens = new AgentTokens(jdbi, clock);
    }

    public AgentTokens tokens() {
        return tokens;
    }

    public LocalRunner local() {
        return local;
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /** How long a claimed job is an agent's without a heartbeat (default 15 s). */
    public void setLease(Duration lease) {
        if (lease.toMillis() < 200) throw new IllegalArgumentException("a lease must be at least 0.2 s");
        leaseMillis = lease.toMillis();
    }

    // ------------------------------------------------------------------ routing

    @Override
    public void submit(List<Job> submitted) {
        List<Job> here = new ArrayList<>(submitted.size());
        boolean forAgents = false;
        List<AgentToken> active = tokens.active();
        Map<String, Boolean> covered = new HashMap<>();
        long[] version = {-1}; // the targets' change counter, read once for the whole submission (when a label needs it)
        for (Job job : submitted) {
            if (job.state() == JobState.RUNNING && job.runner() != null && job.runner().startsWith(RUNNER_PREFIX)) {
                continue; // an agent has it (recovery): its lease decides
            }
            // a manual step waits for a person on the server, whatever its target
            if (job.target() != null && !active.isEmpty() && !ManualAction.NAME.equals(job.action())
                    && covered.computeIfAbsent(job.target(), t -> coveredBy(active, t, version))) {
                forAgents = true; // stays QUEUED in the database until an agent claims it
                if (job.state() == JobState.QUEUED) queuedHints.put(job.id(), job.target());
            } else {
                here.add(job);
            }
        }
        if (!here.isEmpty()) local.submit(here);
        if (forAgents) {
            signal(true);
            engine.signals().jobsQueued();
        }
    }

    /** Another node queued jobs for agents (or their table changed): waiting claims look again. */
    public void wake() {
        signal(true);
    }

    /** A local job is stopped here; an agent's job is stopped by the agent, told by its next heartbeat's {@code stop}. */
    @Override
    public void interrupt(Job job, long graceMillis) {
        local.interrupt(job, graceMillis);
    }

    private boolean coveredBy(List<AgentToken> active, String target, long[] version) {
        Map<String, String> labels = null;
        for (AgentToken t : active) {
            if (t.targets().contains(target)) return true;
            if (!t.labels().isEmpty()) {
                if (labels == null) {
                    if (version[0] < 0) version[0] = targets.version();
                    labels = labelsOf(target, version[0]);
                }
                if (t.covers(target, labels)) return true;
            }
        }
        return false;
    }

    /** Targets' labels as loaded while the targets' change counter had a given value. */
    private record SeenLabels(long version, Map<String, Map<String, String>> byTarget) {}

    private volatile SeenLabels seenLabels = new SeenLabels(-1, Map.of());

    /**
     * A target's labels, kept while the change counter (read before, by the caller) stays the
     * same: routing a submission of many jobs reads the counter once instead of once per target.
     */
    private Map<String, String> labelsOf(String target, long version) {
        SeenLabels seen = seenLabels;
        if (seen.version() != version || seen.byTarget().size() > 100_000) {
            seen = new SeenLabels(version, new ConcurrentHashMap<>());
            seenLabels = seen;
        }
        return seen.byTarget().computeIfAbsent(target, t -> targets.find(t).map(Target::labels).orElse(Map.of()));
    }

    /** Text for a running job's standard input, local or remote; false if the job is not running. */
    public boolean send(String jobId, String text) {
        if (local.send(jobId, text)) return true;
        String[] runner = new String[1];
        boolean stored = jdbi.inTransaction(h -> {
            Job job = jobs.lock(h, jobId).orElse(null);
            // an agent's job, or a local job on another node: its runner takes the text from agent_input
            boolean elsewhere = job != null && job.runner() != null && (job.runner().startsWith(RUNNER_PREFIX)
                    || (job.runner().startsWith("node:") && !job.runner().equals(local.name())));
            if (job == null || job.state() != JobState.RUNNING || !elsewhere || jobs.storedReport(h, jobId).isPresent()) return false;
            runner[0] = job.runner();
            inputs.insert(h, Ids.next(), jobId, job.runner(), text, clock.millis(), inputSeq.incrementAndGet());
            return true;
        });
        if (stored && runner[0].startsWith(RUNNER_PREFIX)) signal(false);
        else if (stored) engine.signals().inputStored(runner[0]);
        return stored;
    }

    // ------------------------------------------------------------------ agent API

    public Optional<AgentToken> authenticate(String secret) {
        return tokens.authenticate(secret);
    }

    /** An agent (re)started: the jobs it held under its name can no longer finish; they are lost. */
    public int hello(AgentToken agent) {
        tokens.seen(agent);
        List<String> held = jdbi.withHandle(h -> jobs.held(h, agent.runner()));
        int n = 0;
        for (String id : held) if (lose(id, "agent restarted: " + agent.runner() + " said hello without it", false)) n++;
        requeue(agent.runner(), false);
        jdbi.useHandle(h -> inputs.dropFor(h, agent.runner()));
        return n;
    }

    /**
     * Claims up to {@code max} queued jobs in the agent's scope (narrowed by the targets and labels
     * the agent asked for), waiting up to {@code wait} for one to become claimable.
     */
    public List<Claimed> claim(AgentToken agent, int max, Duration wait, List<String> wantTargets, Map<String, String> wantLabels) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen = version(true);
            List<Claimed> got = claimNow(agent, Math.max(1, Math.min(max, MAX_CLAIM)), wantTargets, wantLabels);
            long left = deadline - System.nanoTime();
            if (!got.isEmpty() || left <= 0 || closed) return got;
            await(true, seen, Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, FALLBACK_POLL_MS));
        }
    }

    private List<Claimed> claimNow(AgentToken agent, int max, List<String> wantTargets, Map<String, String> wantLabels) {
        Set<String> names = scope(agent.targets(), agent.labels());
        if ((wantTargets != null && !wantTargets.isEmpty()) || (wantLabels != null && !wantLabels.isEmpty())) {
            names.retainAll(scope(wantTargets == null ? List.of() : wantTargets, wantLabels == null ? Map.of() : wantLabels));
        }
        if (names.isEmpty()) return List.of();
        long now = clock.millis();
        List<String> scope = List.copyOf(names);
        List<Claimed> claimed = List.of();
        // a claim that lost every candidate to another agent's looks again, a few times
        for (int round = 0; round < 3 && claimed.isEmpty(); round++) {
            claimed = jdbi.inTransaction(h -> {
                // candidates first, without locks: a locking select would lock every queued row it
                // reads before the sort and limit (H2 does); then lock only the candidates
                List<String> candidates = hinted(names, max * 4);
                long scanAt = System.nanoTime();
                long last = lastScan.get();
                if (candidates.isEmpty() || (scanAt - last > TimeUnit.MILLISECONDS.toNanos(FALLBACK_POLL_MS) && lastScan.compareAndSet(last, scanAt))) {
                    // the queue itself: jobs queued before a restart, by another server node, or put back.
                    // No order here: sorting would read every queued job of the scope (thousands in a
                    // deep queue) where the first few matches will do. The hints above keep the usual
                    // path oldest first; this fallback may take newer jobs before older ones, and the
                    // candidates it finds are claimed oldest first below
                    candidates = jobs.queuedOn(h, scope, ManualAction.NAME, max * 4);
                }
                if (candidates.isEmpty()) return null;
                List<String> ids = jobs.lockClaimable(h, candidates, ManualAction.NAME, max);
                List<Claimed> out = new ArrayList<>(ids.size());
                if (ids.isEmpty()) return out;
                List<String> hashes = new ArrayList<>(ids.size());
                Map<String, String> secretOf = new HashMap<>();
                for (String id : ids) {
                    String secret = JobTokens.issue(id);
                    secretOf.put(id, secret);
                    hashes.add(JobTokens.hash(secret));
                }
                List<String> taken = jobs.offer(h, ids, hashes, agent.runner(), now + ackWindow(), now);
                for (String id : ids) queuedHints.remove(id);
                List<Job> claimedJobs = new ArrayList<>(jobs.findAll(h, taken));
                claimedJobs.sort(java.util.Comparator.comparing(Job::createdAt).thenComparing(Job::id)); // oldest first, as claimed
                for (Job j : claimedJobs) out.add(new Claimed(j, secretOf.get(j.id())));
                List<String> others = new ArrayList<>(candidates);
                others.removeAll(ids);
                if (!others.isEmpty() && ids.size() < max) {
                    // too few candidates were claimable: some hints may be stale (the sweeper also drops them)
                    // hints for jobs no longer queued (claimed elsewhere, cancelled) are dropped
                    Set<String> stillQueued = jobs.stillQueued(h, others);
                    for (String id : others) if (!stillQueued.contains(id)) queuedHints.remove(id);
                }
                return out;
            });
            if (claimed == null) return List.of();
        }
        Map<String, List<String>> byTarget = new HashMap<>();
        for (Claimed c : claimed) {
            starts.started(c.job(), "agent", now);
            List<String> masks = new ArrayList<>(engine.hasTargetInputs(c.job()) ? engine.secretsOf(c.job())
                    : byTarget.computeIfAbsent(c.job().target(), engine::secretsOf));
            if (!engine.hasTargetInputs(c.job())) masks.addAll(engine.inputSecretsOf(c.job().executionId()));
            // the job's own token is masked like a secret (known on the node that issued it; anything shaped
            // like a job token is masked everywhere)
            masks.addAll(JobTokens.masks(c.jobToken()));
            secrets.put(c.job().id(), masks);
        }
        return claimed;
    }

    /**
     * Jobs this node queued for agents, oldest first (ids are time-ordered): a hint that spares a
     * claim the scan of the whole queue. The job table stays the truth: a hinted job is claimed
     * only if its row is still QUEUED, and claims also scan the table at least once a second.
     */
    private final java.util.concurrent.ConcurrentSkipListMap<String, String> queuedHints = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicLong lastScan = new AtomicLong(System.nanoTime());

    private List<String> hinted(Set<String> names, int max) {
        List<String> out = new ArrayList<>(max);
        for (var e : queuedHints.entrySet()) {
            if (names.contains(e.getValue())) {
                out.add(e.getKey());
                if (out.size() >= max) break;
            }
        }
        return out;
    }

    /** Hints of jobs no longer queued (cancelled, or out of every agent's scope now) go; the oldest 500 are checked. */
    private void dropStaleHints() {
        if (queuedHints.isEmpty()) return;
        List<String> oldest = queuedHints.keySet().stream().limit(500).toList();
        Set<String> queued = jdbi.withHandle(h -> jobs.stillQueued(h, oldest));
        for (String id : oldest) if (!queued.contains(id)) queuedHints.remove(id);
    }

    /** Target names matching names or a label selector. */
    private Set<String> scope(List<String> names, Map<String, String> labels) {
        Set<String> out = new LinkedHashSet<>(names);
        if (!labels.isEmpty()) out.addAll(labelled(labels));
        return out;
    }

    /** Names of the targets a label selector matches, as last loaded. */
    private record Labelled(List<String> names, long version) {}

    private final Map<Map<String, String>, Labelled> labelled = new ConcurrentHashMap<>();

    /**
     * Every claim of a label-scoped token needs the targets its labels match: they are kept while
     * the targets' change counter (raised by every change through any node) stays the same.
     */
    private List<String> labelled(Map<String, String> labels) {
        long version = targets.version(); // read before loading, so a change during the load is seen next time
        Labelled hit = labelled.get(labels);
        if (hit != null && hit.version() == version) return hit.names();
        List<String> names = targets.list(new Targets.Query(null, labels, null), 10_000, 0).stream().map(Target::name).toList();
        if (labelled.size() > 1_000) labelled.clear();
        labelled.put(Map.copyOf(labels), new Labelled(names, version));
        return names;
    }

    /** How long an offered job waits for the agent's acknowledgement before it goes back to the queue. */
    private long ackWindow() {
        return Math.min(leaseMillis, 5_000);
    }

    /**
     * The agent received these offered jobs and is about to start them: they are its own now (with
     * a full lease). Answers the ones it may run; an offer that already went back to the queue (the
     * acknowledgement came too late) is not among them, and the agent must not run it.
     */
    public List<String> ack(AgentToken agent, List<String> offered) {
        if (offered.isEmpty()) return List.of();
        return jdbi.inTransaction(h -> ack(h, agent, offered));
    }

    private List<String> ack(Handle h, AgentToken agent, List<String> offered) {
        if (offered.isEmpty()) return List.of();
        long now = clock.millis();
        return jobs.ack(h, offered, agent.runner(), now + leaseMillis, now);
    }

    /**
     * Extends the leases of every job the agent holds; answers which of {@code running} (the jobs
     * the agent runs) it no longer holds (cancelled, timed out, lost): the agent stops them.
     */
    public List<String> heartbeat(AgentToken agent, List<String> running) {
        // a deadlock with a completion or claim that locks the same rows: the lease update runs again
        List<String> held = extendLeases(agent);
        List<String> stop = new ArrayList<>(running);
        stop.removeAll(held);
        return stop;
    }

    private List<String> extendLeases(AgentToken agent) {
        return leaseUpdates.withHandle(h -> jobs.extendLeases(h, agent.runner(), clock.millis() + leaseMillis));
    }

    /**
     * A chunk of a remote job's log: masked here, as for local jobs (the job's secrets and token, a
     * secret cut across chunks included), whatever the agent did: an agent may be old, or not ours.
     * False when the log is at its cap: the agent stops the job and fails it, as the local runner does.
     */
    public boolean log(AgentToken agent, String jobId, String text) {
        if (text.length() > JobLogs.MAX_CHUNK) {
            throw new InvalidInputException("text", "a log chunk may hold at most " + JobLogs.MAX_CHUNK + " characters, not " + text.length() + "; send it in smaller chunks");
        }
        Job job = held(agent, jobId);
        return engine.jobLogs().append(job.executionId(), job.id(), text, secretsOf(job));
    }

    private Job held(AgentToken agent, String jobId) {
        return jdbi.withHandle(h -> {
            Job job = jobs.find(h, jobId).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
            JobReport report = jobs.storedReport(h, jobId).orElse(null);
            if (job.state() != JobState.RUNNING || !agent.runner().equals(job.runner()) || report != null || !jobs.acked(h, jobId)) {
                throw new ConflictException("job '" + jobId + "' is not held by " + agent.runner() + " (it is " + job.state()
                        + (job.runner() == null ? "" : " under " + job.runner()) + describe(report) + ")");
            }
            return job;
        });
    }

    /** Whether a completion changed the job, or repeated what was already reported. */
    public enum Completion { CHANGED, UNCHANGED }

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

    /** One result of an agent's batch of reports. */
    public record Report(String jobId, JobState state, Object output, String error) {}

    /** What became of one report of a batch: a completion, or the error that refused it (changing nothing). */
    public record Reported(String jobId, Completion completion, RuntimeException refused) {}

    /**
     * Several results in one transaction (one commit): each is checked and stored as by
     * {@link #complete}; a refused one (conflict, unknown job) changes nothing and does not stop the
     * others. Every report is durable when this returns.
     */
    public List<Reported> completeAll(AgentToken agent, List<Report> reports) {
        return completeAll(agent, reports, List.of()).reports();
    }

    /** The answers to a batch of reports, and which of the acknowledged offers the agent may start. */
    public record Batch(List<Reported> reports, List<String> acked) {}

    /**
     * Several results and an acknowledgement of offered jobs ({@link #ack}) in one transaction: an
     * agent that claimed jobs while results were on their way sends both in one post, one commit.
     */
    public Batch completeAll(AgentToken agent, List<Report> reports, List<String> ack) {
        for (Report r : reports) checkReported(r.state());
        if (reports.isEmpty()) return new Batch(List.of(), ack(agent, ack));
        List<Report> ordered = new ArrayList<>(reports);
        ordered.sort(java.util.Comparator.comparing(Report::jobId)); // rows locked in id order
        Set<String> ids = new java.util.TreeSet<>();
        for (Report r : ordered) ids.add(r.jobId());
        // the engine applies the reports in the same transaction (one commit for both); it locks
        // the jobs' executions first, as all its transactions do, so they are read here without locks
        List<String> executions = jdbi.withHandle(h -> jobs.executionsOf(h, ids));
        try {
            Batch batch = engine.applyWith(executions, h -> {
                List<String> acked = ack(h, agent, ack);
                Stored s = store(h, agent, ordered, ids, reports.size());
                for (JobOutcome o : s.outcomes()) engine.jobLogs().closed(o.jobId()); // the job's log ends before its outcome is seen
                for (JobOutcome o : s.outcomes()) secrets.remove(o.jobId());
                return new Engine.WithOutcomes<>(new Batch(s.answers(), acked), s.outcomes());
            });
            return batch;
        } catch (RuntimeException applyFailed) {
            // the engine could not apply them (a fault of the workflow's state, not of the reports):
            // the reports are stored alone and applied from the engine's queue, as LOST ones are
            LOG.warn("applying agent reports with their commit failed; storing them first: {}", applyFailed.toString());
            List<JobOutcome> outcomes = new ArrayList<>();
            Batch batch = jdbi.inTransaction(h -> {
                outcomes.clear();
                List<String> acked = ack(h, agent, ack);
                Stored s = store(h, agent, ordered, ids, reports.size());
                outcomes.addAll(s.outcomes());
                return new Batch(s.answers(), acked);
            });
            outcomes.forEach(this::delivered);
            return batch;
        }
    }

    /** The answers to a batch of reports, and the outcomes of those that changed a job. */
    private record Stored(List<Reported> answers, List<JobOutcome> outcomes) {}

    /** Checks each report against its locked row and stores the new ones with the job (in the caller's transaction). */
    private Stored store(Handle h, AgentToken agent, List<Report> ordered, Set<String> ids, int size) {
        // the batch's rows in two reads (locked, then the agent columns), its reports in one batched update
        List<JobOutcome> outcomes = new ArrayList<>(size);
        Map<String, Job> locked = new HashMap<>();
        for (Job j : jobs.lockAll(h, ids)) locked.put(j.id(), j);
        Map<String, JobStore.Hold> holds = jobs.holds(h, locked.keySet());
        Map<String, JobReport> stored = new HashMap<>();
        for (var e : holds.entrySet()) if (e.getValue().report() != null) stored.put(e.getKey(), e.getValue().report());
        Map<String, JobReport> updates = new LinkedHashMap<>();
        List<Reported> out = new ArrayList<>(size);
        for (Report r : ordered) {
            try {
                Job job = locked.get(r.jobId());
                if (job == null) throw new NotFoundException("job '" + r.jobId() + "' does not exist");
                JobStore.Hold hold = holds.get(job.id());
                if (!isNew(agent, job, r.state(), stored.get(job.id()), hold != null && hold.acked())) {
                    out.add(new Reported(r.jobId(), Completion.UNCHANGED, null));
                    continue;
                }
                List<String> masks = secretsOf(job);
                Object masked = Secrets.maskWithTokens(r.output(), masks);
                String err = (String) Secrets.maskWithTokens(r.error(), masks);
                if (r.state() == JobState.FAILED && err == null) err = "failed on " + agent.runner();
                JobReport report = new JobReport(JobReport.Outcome.named(r.state().name()), agent.runner(), masked, err, clock.millis());
                updates.put(job.id(), report);
                stored.put(job.id(), report); // a repeat of this report later in the batch changes nothing
                outcomes.add(StoredOutcomes.outcome(job, report));
                out.add(new Reported(r.jobId(), Completion.CHANGED, null));
            } catch (ConflictException | NotFoundException e) {
                out.add(new Reported(r.jobId(), null, e));
            }
        }
        jobs.storeReports(h, updates);
        return new Stored(out, outcomes);
    }

    private static void checkReported(JobState reported) {
        if (reported != JobState.SUCCEEDED && reported != JobState.FAILED && reported != JobState.INCOMPLETE) {
            throw new InvalidInputException("state", "an agent reports SUCCEEDED, FAILED or INCOMPLETE, not " + reported);
        }
    }

    /**
     * Checks a report against the locked job and the report stored with it: false when it repeats
     * what is stored (harmless), true when it may be stored, and a conflict when the agent no longer
     * holds the job.
     */
    private static boolean isNew(AgentToken agent, Job job, JobState reported, JobReport stored, boolean acked) {
        String jobId = job.id();
        if (stored != null) {
            if (stored.repeats(agent.runner(), JobReport.Outcome.named(reported.name()))) return false;
            throw new ConflictException("job '" + jobId + "' is no longer held by " + agent.runner() + describe(stored));
        }
        if (job.state().isFinal()) {
            if (agent.runner().equals(job.runner()) && job.state() == reported) return false;
            throw new ConflictException("job '" + jobId + "' is already " + job.state() + (job.error() == null ? "" : " (" + job.error() + ")") + "; this report changes nothing");
        }
        if (job.state() != JobState.RUNNING || !agent.runner().equals(job.runner()) || !acked) {
            throw new ConflictException("job '" + jobId + "' is not held by " + agent.runner() + " (it is " + job.state() + (job.runner() == null ? "" : " under " + job.runner()) + ")");
        }
        return true;
    }

    /** Text waiting for the agent's jobs' standard input (taken: each is delivered once), waiting up to {@code wait}. */
    public List<Input> inputs(AgentToken agent, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen = version(false);
            List<Input> got = jdbi.inTransaction(h -> inputs.take(h, agent.runner())).stream().map(i -> new Input(i.jobId(), i.text())).toList();
            long left = deadline - System.nanoTime();
            if (!got.isEmpty() || left <= 0 || closed) return got;
            await(false, seen, Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, FALLBACK_POLL_MS));
        }
    }

    // ------------------------------------------------------------------ leases, loss, recovery

    /**
     * Picks up after a restart: reports stored but not applied are delivered again, leases get one
     * more lease time (agents could not heartbeat while the server was down), and the sweeper starts.
     */
    public void recover() {
        long now = clock.millis();
        List<JobOutcome> pending = jdbi.withHandle(h -> {
            jobs.extendAgentLeases(h, now + leaseMillis);
            return jobs.unapplied(h, false).stream().map(r -> StoredOutcomes.outcome(r.job(), r.report())).toList();
        });
        pending.forEach(engine::jobDone);
        if (!pending.isEmpty()) LOG.info("re-delivered {} agent reports", pending.size());
        synchronized (this) {
            if (!sweeping && !closed) {
                sweeping = true;
                sweeper.schedule(this::sweep, sweepInterval(), TimeUnit.MILLISECONDS);
            }
        }
        signal(true);
    }

    private long sweepInterval() {
        return Math.max(100, Math.min(1000, leaseMillis / 5));
    }

    private void sweep() {
        try {
            long now = clock.millis();
            List<String> expired = jdbi.withHandle(h -> jobs.expiredLeases(h, now));
            for (String id : expired) {
                if (lose(id, "lease expired: the agent sent no heartbeat for " + leaseMillis / 1000.0 + " s", true)) LOG.info("job {} lost: lease expired", id);
            }
            requeue(null, true);
            tokens.reload();
            dropStaleHints();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed: {}", e.toString());
        } finally {
            if (!closed) sweeper.schedule(this::sweep, sweepInterval(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Offers never acknowledged (the agent died while its claim was answered, or restarted) go back
     * to the queue: the agent never started them, so they are not lost and cost no retry.
     */
    private void requeue(String runner, boolean onlyIfExpired) {
        long now = clock.millis();
        int n = jdbi.withHandle(h -> jobs.withdrawOffers(h, runner, onlyIfExpired, now));
        if (n > 0) {
            LOG.info("{} unacknowledged job offers went back to the queue", n);
            signal(true);
        }
    }

    /** Stores LOST as the job's report unless one is there already, then tells the engine. */
    private boolean lose(String jobId, String reason, boolean onlyIfExpired) {
        long now = clock.millis();
        JobReport report = JobReport.lost("server", reason, now);
        JobOutcome outcome = jdbi.inTransaction(h -> {
            Job job = jobs.lock(h, jobId).orElse(null);
            if (job == null || job.state() != JobState.RUNNING || jobs.storedReport(h, jobId).isPresent()) return null;
            boolean stored = onlyIfExpired ? jobs.loseExpired(h, jobId, report, now) : jobs.storeReport(h, jobId, report);
            return stored ? StoredOutcomes.outcome(job, report) : null;
        });
        if (outcome == null) return false;
        delivered(outcome);
        return true;
    }

    private void delivered(JobOutcome outcome) {
        secrets.remove(outcome.jobId());
        engine.jobLogs().closed(outcome.jobId());
        engine.jobDone(outcome);
    }

    private static String describe(JobReport report) {
        if (report == null) return "";
        return "; it was reported " + report.state() + (report.error() == null ? "" : " (" + report.error() + ")");
    }

    private List<String> secretsOf(Job job) {
        return secrets.computeIfAbsent(job.id(), id -> engine.secretsOf(job));
    }

    // ------------------------------------------------------------------ wake-ups

    private long version(boolean forJobs) {
        lock.lock();
        try {
            return forJobs ? jobsVersion : inputsVersion;
        } finally {
            lock.unlock();
        }
    }

    private void signal(boolean forJobs) {
        lock.lock();
        try {
            if (forJobs) {
                jobsVersion++;
                jobsChanged.signalAll();
            } else {
                inputsVersion++;
                inputsChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void await(boolean forJobs, long seen, long millis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!closed && (forJobs ? jobsVersion : inputsVersion) == seen && nanos > 0) {
                nanos = (forJobs ? jobsChanged : inputsChanged).awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        signal(true);
        signal(false);
    }
}
