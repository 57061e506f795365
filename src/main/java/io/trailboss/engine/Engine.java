package io.trailboss.engine;

import io.trailboss.action.ActionRegistry;
import io.trailboss.action.ActionResult;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.expr.Expressions;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.Timer;
import io.trailboss.store.BatchingQueue;
import io.trailboss.store.Database;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.SourceStore;
import io.trailboss.store.TaskStore;
import io.trailboss.store.TimerStore;
import io.trailboss.store.TransactionRunner;
import io.trailboss.store.WorkflowStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passive workflow engine. It never polls: a start, a job outcome, a timer or a command each
 * run one transaction that locks the execution row, records what happened, decides what comes
 * next and commits; only then are jobs handed to runners and timers armed. Job outcomes arriving
 * together are applied in one transaction (grouped by execution), which is what lets many small
 * executions share a commit.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int BATCH = 256;

    final Jdbi jdbi;
    /** Every engine transaction runs again when the database gave it up for a deadlock or lock timeout. */
    private final TransactionRunner transactions;
    final Clock clock;
    /** This process's node id: new for every start (several nodes may share a host and a database). */
    final String nodeId = java.util.UUID.randomUUID().toString();
    final ExecutionStore executions = new ExecutionStore();
    final TaskStore tasks = new TaskStore();
    final JobStore jobs;
    final TimerStore timers = new TimerStore();
    final io.trailboss.store.DirectiveStore directives = new io.trailboss.store.DirectiveStore();
    final io.trailboss.store.ControlLogStore controlLog = new io.trailboss.store.ControlLogStore();
    final WorkflowStore workflows = new WorkflowStore();
    final SourceStore sources = new SourceStore();
    final Definitions definitions = new Definitions(sources, workflows);
    final Expressions expressions = new Expressions();
    final ActionRegistry actions;
    private final JobLogs jobLogs;
    private final EventHub events;
    private final Map<String, OrderLock> listenerOrder = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    /*
     * The engine's queues are unbounded, as they always were: a runner's outcome or a start may be neither
     * refused nor dropped, and their writers feed each other (a batch's effects hand failed jobs back as
     * outcomes), so a producer that blocked on a full queue could hold up the thread that would drain it.
     */
    /** Outcomes to apply, in batches, by the engine's worker threads. */
    private final BatchingQueue<JobOutcome> outcomes;
    /** Starts waiting for the starter thread (group commit). */
    private final BatchingQueue<PendingStart> starts;
    private final TimerService timerService;
    private volatile JobRunner runner = jobs -> { };
    private volatile NodeSignals signals = NodeSignals.NONE;
    /** Outcomes of running local jobs to store in their job rows before they are applied. */
    private final BatchingQueue<JobOutcome> toStore;
    volatile TargetDirectory targets = TargetDirectory.NONE;
    private final JobSecrets secrets;
    private final NewExecutions newExecutions;
    private final TaskPolicies policies = TaskPolicies.standard();
    private volatile RerunCheck rerunCheck = RerunCheck.NONE;
    private volatile boolean running = true;

    public Engine(Database db, Clock clock, ActionRegistry actions) {
        this.jdbi = db.jdbi();
        this.transactions = new TransactionRunner(jdbi);
        this.clock = clock;
        this.actions = actions;
        this.jobs = new JobStore(nodeId, db.dialect());
        this.secrets = new JobSecrets(jdbi, executions, actions, () -> targets);
        this.newExecutions = new NewExecutions(definitions, expressions, clock);
        this.timerService = new TimerService(clock, jdbi, nodeId, this::fireTimer);
        this.jobLogs = new JobLogs(jdbi, clock, new LogHub(), JobLogs.DEFAULT_CAP, jobs);
        this.events = new EventHub(clock);
        listeners.add(events);
        int workerCount = Math.max(2, Runtime.getRuntime().availableProcessors());
        outcomes = new BatchingQueue<>("engine", Integer.MAX_VALUE, BATCH, workerCount, java.time.Duration.ZERO, this::applyOutcomes);
        starts = new BatchingQueue<>("engine-starter", Integer.MAX_VALUE, BATCH, this::startBatch);
        toStore = new BatchingQueue<>("engine-outcome-store", Integer.MAX_VALUE, BATCH, this::storeOutcomes);
    }

    /** This node's id (the {@code node} table's key; local jobs run under {@code node:<id>}). */
    public String nodeId() {
        return nodeId;
    }

    /** The runner name of this node's local runner. */
    public String localRunnerName() {
        return "node:" + nodeId;
    }

    /** How this node tells other nodes sharing the database (and hears them). */
    public void setSignals(NodeSignals signals) {
        this.signals = signals;
        jobLogs.signals(signals);
    }

    public NodeSignals signals() {
        return signals;
    }

    /** Job outcomes reported by runners and not yet applied (a gauge for operators). */
    public int outcomesWaiting() {
        return outcomes.size();
    }

    /** Starts requested and not yet applied by the starter thread. */
    public int startsWaiting() {
        return starts.size();
    }

    /** True while the engine is open and its worker and starter threads are alive (readiness). */
    public boolean workersAlive() {
        return running && starts.writersAlive() && outcomes.writersAlive();
    }

    public void setRunner(JobRunner runner) {
        this.runner = runner;
    }

    /** True when the job's input holds targets resolved from a selector (an ansible job's hosts). */
    public boolean hasTargetInputs(Job job) {
        return !secrets.targetInputs(job.action()).isEmpty();
    }

    /**
     * The secret values a job may see, to mask in its log, output and answers: its target's, and
     * those of the targets its input holds (an ansible job's hosts, whose params it was given).
     */
    public List<String> secretsOf(Job job) {
        return secrets.of(job);
    }

    /** The secret values a job on this target may see (to mask them in its log and output). */
    public List<String> secretsOf(String target) {
        return secrets.ofTarget(target);
    }

    public void setTargets(TargetDirectory targets) {
        this.targets = targets;
    }

    /** What a rerun's new input and env must pass: the checks of the start that made the execution. */
    public void setRerunCheck(RerunCheck check) {
        this.rerunCheck = check;
    }

    /** Job inputs that may hold secrets are sealed with this at rest (the key of secret params). */
    public void sealJobInputsWith(io.trailboss.store.Sealer sealer) {
        secrets.sealWith(sealer);
        jobs.sealWith(sealer);
    }

    /** Seals and opens secret inputs ({@link SealedInputs}) and job inputs. */
    public io.trailboss.store.Sealer sealer() {
        return secrets.sealer();
    }

    /**
     * The opened values of an execution's sealed inputs (none for most executions), to mask wherever its
     * jobs show them.
     */
    public List<String> inputSecretsOf(String executionId) {
        return secrets.inputSecretsOf(executionId);
    }

    /** The job table as this engine reads it (sealed inputs opened). */
    public JobStore jobStore() {
        return jobs;
    }

    public void addListener(EngineListener listener) {
        listeners.add(listener);
    }

    public Definitions definitions() {
        return definitions;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Clock clock() {
        return clock;
    }

    public ActionRegistry actions() {
        return actions;
    }

    public JobLogs jobLogs() {
        return jobLogs;
    }

    /** Live state-change and control events, for the event streams. */
    public EventHub events() {
        return events;
    }

    public TimerService timerService() {
        return timerService;
    }

    // ------------------------------------------------------------------ commands

    /**
     * Starts an execution; returns once it is committed. Starts that arrive together share one
     * transaction (group commit): a single starter thread takes every waiting request, creates
     * them all, commits once, then answers each caller. A batch that fails is redone one start
     * per transaction, so one bad request never fails another.
     */
    public Execution start(StartRequest request) {
        if (starts.isWriterThread() || !running) return startNow(request);
        PendingStart pending = new PendingStart(request, new java.util.concurrent.CompletableFuture<>());
        if (!starts.offer(pending)) throw new IllegalStateException("the engine is closed");
        try {
            return pending.result().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private record PendingStart(StartRequest request, java.util.concurrent.CompletableFuture<Execution> result) {}

    private Execution startNow(StartRequest request) {
        return start(request, null);
    }

    /**
     * Work done in the transaction that creates an execution: {@code before} may lock rows and refuse
     * (by throwing; nothing is created), {@code after} records what the new execution belongs to.
     */
    public interface StartHook {
        default void before(Handle h) {}

        void after(Handle h, Execution execution);
    }

    /**
     * Starts an execution in a transaction of its own (not batched with other starts) together with
     * {@code hook}'s work, so that a check made there and the new execution commit or fail as one.
     */
    public Execution start(StartRequest request, StartHook hook) {
        return inTransaction(h -> {
            Effects effects = new Effects();
            if (hook != null) hook.before(h);
            Execution ex = startIn(h, request, effects);
            if (hook != null) hook.after(h, ex);
            return new Effects.Result<>(ex, effects);
        }).value();
    }

    private Execution startIn(Handle h, StartRequest request, Effects effects) {
        return newExecutions.start(stepContext(), h, request, effects);
    }

    private void startBatch(List<PendingStart> batch) {
        try {
            startAll(batch);
        } catch (RuntimeException e) {
            LOG.error("starting executions failed", e);
            for (PendingStart p : batch) p.result().completeExceptionally(e);
        }
    }

    private void startAll(List<PendingStart> batch) {
        if (batch.size() > 1) {
            try {
                List<Execution> started = inTransaction(h -> {
                    Effects effects = new Effects();
                    List<Execution> out = new ArrayList<>(batch.size());
                    for (PendingStart p : batch) out.add(startIn(h, p.request(), effects));
                    return new Effects.Result<>(out, effects);
                }).value();
                for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(started.get(i));
                return;
            } catch (RuntimeException batchFailed) {
                // one of them is bad (unknown workflow, wrong input): each on its own, below
            }
        }
        for (PendingStart p : batch) {
            try {
                p.result().complete(startNow(p.request()));
            } catch (RuntimeException | Error e) {
                p.result().completeExceptionally(e);
            }
        }
    }

    public Execution pause(String executionId) {
        return pause(executionId, null);
    }

    /** Nothing new starts; running jobs finish. {@code actor}: who asked, for the audit. */
    public Execution pause(String executionId, String actor) {
        return onExecution(executionId, "pause", actor, step -> {
            if (step.state() != ExecutionState.RUNNING) throw new ConflictException("execution " + executionId + " is " + step.state() + ", not RUNNING");
            step.pauseExecution("paused by " + who(actor));
        });
    }

    /** Changes what an execution says it is for (any state: it changes no behaviour). */
    public Execution describe(String executionId, String description) {
        String tooLong = io.trailboss.model.Names.descriptionProblem(description);
        if (tooLong != null) throw new InvalidInputException("description", tooLong);
        return jdbi.inTransaction(h -> {
            if (!executions.describe(h, executionId, description, clock.millis())) throw new NotFoundException("execution '" + executionId + "' does not exist");
            return executions.find(h, executionId).orElseThrow();
        });
    }

    public Execution resume(String executionId) {
        return resume(executionId, null);
    }

    public Execution resume(String executionId, String actor) {
        return onExecution(executionId, "resume", actor, Step::resume);
    }

    public Execution cancel(String executionId) {
        return cancel(executionId, null);
    }

    /** Ends the execution CANCELLED; its running jobs are stopped (SIGTERM, then SIGKILL after a grace period). */
    public Execution cancel(String executionId, String actor) {
        return onExecution(executionId, "cancel", actor, step -> step.cancel("cancelled by " + who(actor)));
    }

    private static String who(String actor) {
        return actor == null || actor.isBlank() ? "request" : actor;
    }

    /**
     * {@code control}: the control action listeners are told of (before its state changes) and the
     * audit records, null for none.
     */
    private Execution onExecution(String executionId, String control, String actor, java.util.function.Consumer<Step> action) {
        return inTransaction(h -> {
            Effects effects = new Effects();
            if (control != null) effects.controlled(executionId, control);
            Step step = step(h, executionId, effects).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            action.accept(step);
            if (control != null) {
                controlLog.insert(h, new io.trailboss.model.ControlRecord(Ids.next(), executionId, control, Map.of(), List.of(), null,
                        actor == null || actor.isBlank() ? "anonymous" : actor, clock.millis()));
            }
            return new Effects.Result<>(step.flush(), effects);
        }).value();
    }

    /**
     * A task control on a live execution (see {@link TaskControl}). Refused with a 409-style
     * {@link ConflictException} that lists each selected task and its state when nothing is
     * eligible, or when tasks were named and one of them is not; then nothing changes.
     */
    public ControlReport control(String executionId, ControlRequest request) {
        return inTransaction(h -> {
            Effects effects = new Effects();
            Step step = step(h, executionId, effects).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            ControlReport report = new TaskControls(step, effects).apply(request);
            Execution after = step.flush();
            return new Effects.Result<>(new ControlReport(report.executionId(), report.control(), report.dryRun(), report.affected(),
                    report.notEligible(), after), effects);
        }).value();
    }

    /** A rerun of a finished execution: from one task, or (no task given) from every failed or cancelled task. */
    public record RerunRequest(String fromTask, Map<String, Object> input, Map<String, Object> env, boolean dryRun, String actor) {}

    /**
     * Runs a finished execution again in place: the chosen task (or every task that failed without
     * an on-error, or was cancelled) runs again from the context it had, with the input changed
     * where {@code input} says (vars are evaluated again) and the env replaced if given.
     */
    public ControlReport rerun(String executionId, RerunRequest asked) {
        // the start's checks, before the transaction: what they read (the run, the operation's form) is not
        // locked by it, and what they look at of the execution (its run, its definition) never changes
        if (asked.input() == null && asked.env() == null) return rerunChecked(executionId, asked);
        Execution found = jdbi.withHandle(h -> executions.find(h, executionId))
                .orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
        WorkflowSpec foundSpec = jdbi.withHandle(h -> definitions.document(h, found.sourceSha())).workflow(found.workflowName());
        return rerunChecked(executionId, new RerunRequest(asked.fromTask(), rerunCheck.check(found, foundSpec, asked.input(), asked.env()),
                asked.env(), asked.dryRun(), asked.actor()));
    }

    private ControlReport rerunChecked(String executionId, RerunRequest request) {
        return inTransaction(h -> {
            Effects effects = new Effects();
            Step step = step(h, executionId, effects).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            Execution ex = step.execution();
            WorkflowSpec spec = step.spec();
            if (!step.state().isFinal()) {
                throw new ConflictException("execution " + executionId + " is " + step.state() + ", not finished: rerun its tasks with the task control 'rerun'",
                        Map.of("execution_state", step.state().name()));
            }
            if (ex.parentJobId() != null) {
                throw new ConflictException("execution " + executionId + " is a sub-workflow of job " + ex.parentJobId() + ": rerun its parent execution",
                        Map.of("execution_state", step.state().name()));
            }
            Map<String, io.trailboss.model.TaskExecution> rows = step.latestByName();
            List<io.trailboss.model.TaskExecution> again = new ArrayList<>();
            List<io.trailboss.model.TaskExecution> joins = new ArrayList<>();
            List<ControlReport.TaskNote> notes = new ArrayList<>();
            String fresh = null;
            if (request.fromTask() != null) {
                if (spec.task(request.fromTask()) == null) {
                    throw new NotFoundException("workflow '" + spec.name() + "' has no task '" + request.fromTask() + "' (its tasks: " + String.join(", ", spec.tasks().keySet()) + ")");
                }
                io.trailboss.model.TaskExecution row = rows.get(request.fromTask());
                if (row == null) fresh = request.fromTask();
                else again.add(row);
                notes.add(new ControlReport.TaskNote(request.fromTask(), row == null ? "PENDING" : row.state().name(), "runs again"));
            } else {
                for (io.trailboss.model.TaskExecution row : rows.values()) {
                    boolean unsatisfiedJoin = row.state() == ExecutionState.ERROR && row.stateInfo() != null && row.stateInfo().startsWith("join can no longer be satisfied");
                    if (unsatisfiedJoin) {
                        joins.add(row);
                        notes.add(new ControlReport.TaskNote(row.name(), row.state().name(), "waits again for its arrivals"));
                    } else if ((row.state() == ExecutionState.ERROR && !row.errorHandled()) || row.state() == ExecutionState.CANCELLED) {
                        again.add(row);
                        notes.add(new ControlReport.TaskNote(row.name(), row.state().name(), "runs again"));
                    }
                }
                if (again.isEmpty()) {
                    throw new ConflictException("execution " + executionId + " has no failed or cancelled task to rerun (name one with 'task')",
                            Map.of("tasks", rows.values().stream().map(t -> Map.of("task", t.name(), "state", t.state().name())).toList()));
                }
            }
            Map<String, Object> input = null;
            Map<String, Object> context = null;
            Map<String, Object> params = null;
            if (request.input() != null || request.env() != null) {
                Map<String, Object> merged = new LinkedHashMap<>(ex.input());
                if (request.input() != null) merged.putAll(request.input());
                input = NewExecutions.checkedInput(spec, merged);
                context = newExecutions.context(spec, input);
                params = new LinkedHashMap<>(ex.params());
                if (request.env() != null) params.put("env", request.env());
            }
            if (!request.dryRun()) {
                String actor = request.actor() == null || request.actor().isBlank() ? "anonymous" : request.actor();
                effects.controlled(executionId, "rerun", notes.stream().map(ControlReport.TaskNote::task).toList());
                step.reopen(input, context, params);
                for (io.trailboss.model.TaskExecution j : joins) step.steering().forgetUnsatisfiedJoin(j);
                for (io.trailboss.model.TaskExecution row : again) step.steering().rerunNow(row);
                if (fresh != null) step.steering().startFresh(fresh);
                Map<String, Object> selector = new LinkedHashMap<>();
                if (request.fromTask() != null) selector.put("task", request.fromTask());
                else selector.put("failed", true);
                if (request.input() != null) selector.put("input", request.input());
                if (request.env() != null) selector.put("env", request.env());
                controlLog.insert(h, new io.trailboss.model.ControlRecord(Ids.next(), executionId, "rerun", selector,
                        notes.stream().map(ControlReport.TaskNote::task).toList(), null, actor, clock.millis()));
            }
            Execution after = step.flush();
            return new Effects.Result<>(new ControlReport(executionId, "rerun", request.dryRun(), notes, List.of(), after), effects);
        }).value();
    }

    /** The audit of controls applied to an execution, oldest first. */
    public List<io.trailboss.model.ControlRecord> controls(String executionId, int limit, int offset) {
        return jdbi.withHandle(h -> {
            executions.find(h, executionId).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            return controlLog.byExecution(h, executionId, limit, offset);
        });
    }

    /** What a step works with, as the engine is configured now. */
    StepContext stepContext() {
        return new StepContext(executions, tasks, jobs, timers, directives, controlLog, expressions, actions, targets, secrets, newExecutions, policies);
    }

    private java.util.Optional<Step> step(Handle h, String executionId, Effects effects) {
        return executions.lock(h, executionId).map(ex -> {
            WorkflowDocument doc = definitions.document(h, ex.sourceSha());
            WorkflowSpec spec = doc.workflow(ex.workflowName());
            return new Step(stepContext(), h, ex, doc, spec, clock.millis(), effects);
        });
    }

    /** The answer to an async completion: whether it changed anything, and the job as it is now. */
    public record Completion(boolean changed, Job job) {}

    /**
     * Completes an async job (std.async_noop or any action that returned "later"). Idempotent: exactly
     * the same completion again (state, output, error) answers unchanged; any other one for a finished
     * job is a conflict that changes nothing, so a second result is never silently dropped. The
     * completion is kept as given with the job ({@code job.completion}), since what the job stores may
     * differ from it (an ad-hoc action's output expression).
     */
    public Completion completeAsync(String jobId, boolean success, Object output, String error) {
        String given = canonicalCompletion(success, output, success ? null : error);
        return inTransaction(h -> {
            Job job = jobs.find(h, jobId).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
            Effects effects = new Effects();
            Step step = step(h, job.executionId(), effects).orElseThrow();
            job = jobs.find(h, jobId).orElseThrow();
            if (job.state().isFinal()) {
                String stored = jobs.completion(h, jobId).orElse(null);
                JobState wanted = success ? JobState.SUCCEEDED : JobState.FAILED;
                boolean same = stored != null ? stored.equals(given)
                        // finished before completions were kept: the state and output it stored
                        : job.state() == wanted && io.trailboss.json.Json.write(canonical(job.output())).equals(io.trailboss.json.Json.write(canonical(output)));
                if (same) return new Effects.Result<>(new Completion(false, job), effects);
                throw new ConflictException("job '" + jobId + "' was already completed with another result (it is " + job.state()
                        + (stored == null ? "" : ", completed with " + describe(stored)) + "); only exactly the same completion may be repeated");
            }
            if (!job.async()) throw new ConflictException("job '" + jobId + "' is not waiting for an external completion (it is " + job.state() + ")");
            ActionResult result = success ? new ActionResult.Success(output) : new ActionResult.Failure(error == null ? "failed by external completion" : error, output);
            step.jobFinished(job, result, job.startedAt() == null ? clock.millis() : job.startedAt(), job.runner());
            jobs.keepCompletion(h, jobId, given);
            step.flush();
            return new Effects.Result<>(new Completion(true, jobs.find(h, jobId).orElseThrow()), effects);
        }).value();
    }

    /** An external completion as canonical JSON (keys sorted at every level), to tell a repeat from another result. */
    static String canonicalCompletion(boolean success, Object output, String error) {
        Map<String, Object> c = new java.util.TreeMap<>();
        c.put("state", success ? "SUCCESS" : "ERROR");
        c.put("output", canonical(output));
        c.put("error", error);
        return io.trailboss.json.Json.write(c);
    }

    /** Plain data with the keys of every object sorted: equal data, equal JSON. */
    static Object canonical(Object value) {
        return switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new java.util.TreeMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), canonical(v)));
                yield out;
            }
            case List<?> l -> l.stream().map(Engine::canonical).toList();
            case null, default -> value;
        };
    }

    /** A kept completion for a conflict's message: its state, and its output when short. */
    private static String describe(String completion) {
        Map<String, Object> c = io.trailboss.json.Json.readMap(completion);
        String out = io.trailboss.json.Json.write(c.get("output"));
        return c.get("state") + (out.length() <= 200 ? " and output " + out : " and another output");
    }

    // ------------------------------------------------------------------ job outcomes

    /**
     * A runner took a job: it shows RUNNING (committed before the action starts, so no outcome can
     * race it). Returns the job's token, which only the job's process gets, or null if the job is
     * no longer queued (cancelled or interrupted before it started): then it must not run.
     */
    public String jobStarted(String jobId, String runner) {
        String token = JobTokens.issue(jobId);
        boolean started = jdbi.withHandle(h -> jobs.start(h, jobId, runner, JobTokens.hash(token), clock.millis()));
        return started ? token : null;
    }

    /**
     * The job a token belongs to, if that job is still running: what a job's process may act on
     * (its own target's params). A token of a finished job is stale.
     */
    public Job jobForToken(String jobId, String token) {
        Job job = jdbi.withHandle(h -> jobs.find(h, jobId)).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
        if (token == null || job.token() == null || !JobTokens.matches(token, job.token())) {
            throw new UnauthorizedException("the job token is missing or wrong for job '" + jobId + "'");
        }
        if (job.state() != JobState.RUNNING) throw new ConflictException("job '" + jobId + "' is " + job.state() + ": its token is no longer valid");
        return job;
    }

    /** The running job a token belongs to, without knowing the job's id (a job token given as a password); empty otherwise. */
    public java.util.Optional<Job> runningJobForToken(String token) {
        if (token == null || token.isBlank() || token.length() > 200) return java.util.Optional.empty();
        java.util.Optional<String> named = JobTokens.jobIdOf(token);
        if (named.isEmpty() && !JobTokens.unnamedShape(token)) return java.util.Optional.empty();
        return jdbi.withHandle(h -> named.isPresent()
                        ? jobs.find(h, named.get()).filter(j -> j.token() != null && JobTokens.matches(token, j.token()))
                        : jobs.runningByTokenHash(h, JobTokens.hash(token)))
                .filter(j -> j.state() == JobState.RUNNING);
    }

    /** Called by runners. Outcomes are queued and applied in batches by the engine's workers. */
    public void jobDone(JobOutcome outcome) {
        if (!outcomes.offer(outcome)) {
            LOG.warn("the engine is closed: the outcome of job {} is not applied here (a stored one is applied by the node that takes over)", outcome.jobId());
        }
    }

    /**
     * An outcome of a job this node's runner marked RUNNING: stored in the job row first (group
     * commit), then applied, so that it survives this node's death: a survivor delivers it again
     * instead of declaring the job lost.
     */
    public void jobDoneDurably(JobOutcome outcome) {
        if (!toStore.offer(outcome)) {
            LOG.warn("the engine is closed: the outcome of job {} is neither stored nor applied (the job runs again elsewhere)", outcome.jobId());
        }
    }

    private void storeOutcomes(List<JobOutcome> batch) {
        try {
            long now = clock.millis();
            // any error is tried again: an outcome not stored is lost if this node dies before applying it
            transactions.onEveryError().firstPause(java.time.Duration.ofMillis(50)).useTransaction(h -> {
                Map<String, io.trailboss.model.JobReport> reports = new java.util.LinkedHashMap<>();
                for (JobOutcome o : batch) reports.put(o.jobId(), StoredOutcomes.report(o.result(), o.runner(), now));
                jobs.storeReports(h, reports);
            });
        } catch (RuntimeException e) {
            // not stored: applied all the same (only a death of this node before it is applied would lose it)
            LOG.error("storing job outcomes failed", e);
        }
        batch.forEach(this::jobDone);
    }

    private void applyOutcomes(List<JobOutcome> batch) {
        try {
            apply(batch);
        } catch (RuntimeException e) {
            LOG.error("applying job outcomes failed", e);
        }
    }

    private void apply(List<JobOutcome> batch) {
        // one transaction for the batch, executions locked in id order so workers never deadlock
        Map<String, List<JobOutcome>> byExecution = new TreeMap<>();
        for (JobOutcome o : batch) byExecution.computeIfAbsent(o.executionId(), k -> new ArrayList<>()).add(o);
        try {
            inTransaction(h -> {
                Effects effects = new Effects();
                byExecution.forEach((id, list) -> applyTo(h, id, list, effects));
                return new Effects.Result<>(null, effects);
            });
        } catch (RuntimeException batchFailed) {
            if (byExecution.size() == 1) {
                LOG.error("cannot apply outcomes for execution {}", byExecution.keySet(), batchFailed);
                return;
            }
            byExecution.forEach((id, list) -> {
                try {
                    inTransaction(h -> {
                        Effects effects = new Effects();
                        applyTo(h, id, list, effects);
                        return new Effects.Result<>(null, effects);
                    });
                } catch (RuntimeException e) {
                    LOG.error("cannot apply outcomes for execution {}", id, e);
                }
            });
        }
    }

    private void applyTo(Handle h, String executionId, List<JobOutcome> list, Effects effects) {
        step(h, executionId, effects).ifPresent(step -> finish(h, step, list));
    }

    private void finish(Handle h, Step step, List<JobOutcome> list) {
        for (JobOutcome o : list) {
            jobs.find(h, o.jobId()).ifPresent(job -> {
                if (!job.state().isFinal() && !(job.async() && o.result() instanceof ActionResult.Async)) {
                    step.jobFinished(job, o.result(), o.startedAt(), o.runner());
                }
            });
        }
        step.flush();
    }

    /** What a runner's work in {@link #applyWith} returns: its answer, and the outcomes to apply with it. */
    public record WithOutcomes<T>(T value, List<JobOutcome> outcomes) {}

    /**
     * Runs a runner's {@code work} and applies the outcomes it returns in the same transaction, so
     * that a runner which stores something with each result (an agent's report) pays one commit
     * for both instead of one each. The executions of the outcomes must be named up front: they are
     * locked first, in id order, as in every engine transaction (then the work locks its rows). The
     * work may run again when the transaction is retried. Listeners and follow-ups run after commit.
     */
    public <T> T applyWith(java.util.Collection<String> executionIds, Function<Handle, WithOutcomes<T>> work) {
        return inTransaction(h -> {
            Effects effects = new Effects();
            Map<String, Step> steps = new TreeMap<>();
            for (String id : new java.util.TreeSet<>(executionIds)) step(h, id, effects).ifPresent(s -> steps.put(id, s));
            WithOutcomes<T> done = work.apply(h);
            Map<String, List<JobOutcome>> byExecution = new TreeMap<>();
            for (JobOutcome o : done.outcomes()) byExecution.computeIfAbsent(o.executionId(), k -> new ArrayList<>()).add(o);
            byExecution.forEach((id, list) -> {
                Step step = steps.get(id);
                if (step != null) finish(h, step, list);
                else applyTo(h, id, list, effects); // not named up front: locked now
            });
            return new Effects.Result<>(done.value(), effects);
        }).value();
    }

    /** A sub-workflow ended: its parent job completes with the child's output or error. */
    void childFinished(String parentJobId) {
        inTransaction(h -> {
            Effects effects = new Effects();
            Job job = jobs.find(h, parentJobId).orElse(null);
            if (job == null) return new Effects.Result<>(null, effects);
            step(h, job.executionId(), effects).ifPresent(step -> {
                Job current = jobs.find(h, parentJobId).orElseThrow();
                if (current.state().isFinal()) return;
                Execution child = executions.find(h, current.childExecutionId()).orElse(null);
                ActionResult result;
                if (child == null) result = new ActionResult.Failure("sub-workflow could not start", null);
                else if (!child.state().isFinal()) return;
                else if (child.state() == ExecutionState.SUCCESS) result = new ActionResult.Success(child.output());
                else result = new ActionResult.Failure(child.stateInfo() == null ? "sub-workflow " + child.state() : child.stateInfo(), child.output());
                step.jobFinished(current, result, current.startedAt() == null ? clock.millis() : current.startedAt(), "engine");
                step.flush();
            });
            return new Effects.Result<>(null, effects);
        });
    }

    // ------------------------------------------------------------------ timers

    void fireTimer(Timer timer) {
        inTransaction(h -> {
            Effects effects = new Effects();
            step(h, timer.executionId(), effects).ifPresent(step -> {
                if (step.state() == ExecutionState.PAUSED) return; // kept; re-armed on resume
                if (!timers.delete(h, timer.id())) return; // already handled
                step.timerFired(timer);
                step.flush();
            });
            return new Effects.Result<>(null, effects);
        });
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Picks up after a restart: jobs that were queued or running run again (they never reported),
     * timers are re-armed, and sub-workflows that ended while the parent was not told are delivered.
     */
    public void recover() {
        // jobs of dead nodes (this process's earlier life included) are the node recovery's; timers
        // are fired by whichever node claims them; what is left is telling parents of ended children
        List<Job> onChild = jdbi.withHandle(jobs::waitingOnChild);
        for (Job j : onChild) childFinished(j.id());
        timerService.due(0);
    }

    /** Hands jobs to the runner (a dead node's queued jobs that this node took over). */
    public void dispatch(List<Job> taken) {
        if (!taken.isEmpty()) runner.submit(taken);
    }

    /** Stops a job this node's runner runs, at another node's request. */
    public void interruptHere(Job job, long graceMillis) {
        runner.interrupt(job, graceMillis);
    }

    // ------------------------------------------------------------------ transactions

    private <T> Effects.Result<T> inTransaction(Function<Handle, Effects.Result<T>> work) {
        return transactions.retrying(() -> {
            List<Runnable> ordered = new ArrayList<>();
            try {
                Effects.Result<T> result = jdbi.inTransaction(h -> {
                    Effects.Result<T> r = work.apply(h);
                    NodeSignals s = signals;
                    if (s != NodeSignals.NONE) tellOtherNodes(h, s, r.effects());
                    lockListenerOrder(r.effects(), ordered);
                    return r;
                });
                afterCommit(result.effects(), ordered);
                return result;
            } catch (RuntimeException e) {
                ordered.forEach(Runnable::run); // rolled back: the listener locks it took go
                throw e;
            }
        });
    }

    /** Inside the transaction, so that other nodes hear of it at commit, in commit order. */
    private static void tellOtherNodes(Handle h, NodeSignals s, Effects effects) {
        if (effects.executions.isEmpty() && effects.tasks.isEmpty() && effects.controls.isEmpty()) return;
        List<String> taskIds = new ArrayList<>(effects.tasks.keySet());
        s.changed(h, List.copyOf(effects.executions.keySet()), taskIds, effects.controls);
    }

    /**
     * Listeners must hear of the changes to one execution in the order they were committed. Each
     * transaction that changed executions takes an in-process lock per execution (in id order, so
     * never deadlocking) as its last step, while it still holds their rows, and releases them once
     * it has told the listeners, after commit. The next transaction on the same execution, which
     * could only lock the row after that commit, therefore tells its listeners after this one.
     */
    private void lockListenerOrder(Effects effects, List<Runnable> ordered) {
        if (listeners.isEmpty()) return;
        java.util.TreeSet<String> ids = new java.util.TreeSet<>(effects.executions.keySet());
        effects.tasks.values().forEach(t -> ids.add(t.executionId()));
        effects.controls.forEach(c -> ids.add(c.get(0)));
        for (String id : ids) {
            OrderLock l = listenerOrder.compute(id, (k, v) -> {
                OrderLock held = v == null ? new OrderLock() : v;
                held.users++;
                return held;
            });
            l.lock.lock();
            ordered.add(() -> {
                l.lock.unlock();
                listenerOrder.computeIfPresent(id, (k, v) -> --v.users == 0 ? null : v);
            });
        }
    }

    /** An execution's listener-order lock and how many transactions use it (guarded by the map's compute). */
    private static final class OrderLock {
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        int users;
    }

    private void afterCommit(Effects effects, List<Runnable> ordered) {
        // listeners first: what this transaction sets going (jobs, timers) cannot be told before it
        try {
            for (EngineListener l : listeners) {
                effects.controls.forEach(c -> l.controlled(c.get(0), c.get(1), c.get(2).isEmpty() ? null : c.get(2)));
                effects.tasks.values().forEach(l::taskChanged);
                effects.executions.values().forEach(l::executionChanged);
            }
        } catch (RuntimeException e) {
            LOG.error("an engine listener failed", e);
        } finally {
            ordered.forEach(Runnable::run);
            ordered.clear();
        }
        effects.interrupts.forEach((job, grace) -> {
            runner.interrupt(job, grace);
            signals.interrupt(job, grace);
        });
        if (!effects.jobs.isEmpty()) runner.submit(effects.jobs);
        effects.timers.forEach(timerService::arm);
        effects.timers.stream().mapToLong(Timer::dueAt).min().ifPresent(signals::timerArmed);
        effects.failedJobs.forEach(this::jobDone);
        for (String parentJob : effects.finishedChildrenParentJobs) {
            Thread.startVirtualThread(() -> safely(() -> childFinished(parentJob)));
        }
        for (String child : effects.childrenToCancel) {
            Thread.startVirtualThread(() -> safely(() -> {
                try {
                    onExecution(child, null, null, step -> step.cancel("cancelled with its parent"));
                } catch (ConflictException alreadyFinished) {
                    // nothing to cancel
                }
            }));
        }
        for (String executionId : effects.rearm) {
            // a paused execution's timers were kept, some claimed: due again for any node
            safely(() -> jdbi.useHandle(h -> timers.releaseClaimsOf(h, executionId)));
            timerService.due(0);
            signals.timerArmed(0);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("engine follow-up failed", e);
        }
    }

    @Override
    public void close() {
        // outcomes a runner handed over but not yet stored go into their job rows first: a stopping node hands
        // its RUNNING jobs without a stored outcome back to the queue, and a finished job must not run again
        List<JobOutcome> unstored = toStore.close(java.time.Duration.ofSeconds(2));
        if (!unstored.isEmpty()) LOG.warn("the engine closed with {} job outcomes not stored within 2 s: those jobs run again elsewhere", unstored.size());
        running = false;
        timerService.close();
        for (PendingStart p : starts.close(java.time.Duration.ZERO)) p.result().completeExceptionally(new IllegalStateException("the engine is closed"));
        // outcomes not applied yet stay for the node that takes over (stored ones are applied, the others' jobs are queued again or lost)
        List<JobOutcome> unapplied = outcomes.close(java.time.Duration.ZERO);
        if (!unapplied.isEmpty()) LOG.info("the engine closed with {} job outcomes not applied", unapplied.size());
    }
}
