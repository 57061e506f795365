package io.trailboss.engine;

import io.trailboss.action.ActionRegistry;
import io.trailboss.expr.Expressions;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.store.BatchingQueue;
import io.trailboss.store.Database;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.SourceStore;
import io.trailboss.store.TaskStore;
import io.trailboss.store.TimerStore;
import io.trailboss.store.WorkflowStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
    /** How many starts or outcomes one engine transaction takes at most. */
    static final int BATCH = 256;

    final Jdbi jdbi;
    /** Every engine transaction runs again when the database gave it up for a deadlock or lock timeout. */
    private final EngineTransactions transactions;
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

    /*
     * The engine's queues are unbounded, as they always were: a runner's outcome or a start may be neither
     * refused nor dropped, and their writers feed each other (a batch's effects hand failed jobs back as
     * outcomes), so a producer that blocked on a full queue could hold up the thread that would drain it.
     */
    /** Outcomes to apply, in batches, by the engine's worker threads. */
    private final BatchingQueue<JobOutcome> outcomes;
    private final GroupStarts groupStarts;
    private final TimerService timerService;
    private volatile JobRunner runner = jobs -> { };
    private volatile NodeSignals signals = NodeSignals.NONE;
    /** Outcomes of running local jobs to store in their job rows before they are applied. */
    private final BatchingQueue<JobOutcome> toStore;
    volatile TargetDirectory targets = TargetDirectory.NONE;
    private final JobSecrets secrets;
    private final NewExecutions newExecutions;
    private final Reruns reruns;
    private final AsyncCompletions completions;
    private final RunningJobs runningJobs;
    private final StepTransactions steps;
    private final OutcomeApplier applier;
    private final FollowUps followUps;
    private final TaskPolicies policies;
    private volatile RerunCheck rerunCheck = RerunCheck.NONE;
    private volatile boolean running = true;

    public Engine(Database db, Clock clock, ActionRegistry actions) {
        this(db, clock, actions, TaskPolicies.standard());
    }

    /** An engine whose tasks follow {@code policies} (the standard ones, and others a test adds). */
    Engine(Database db, Clock clock, ActionRegistry actions, TaskPolicies policies) {
        this.policies = policies;
        this.jdbi = db.jdbi();
        this.transactions = new EngineTransactions(jdbi);
        this.clock = clock;
        this.actions = actions;
        this.jobs = new JobStore(nodeId, db.dialect());
        this.secrets = new JobSecrets(jdbi, executions, actions, () -> targets);
        this.newExecutions = new NewExecutions(definitions, expressions, clock);
        this.runningJobs = new RunningJobs(jdbi, jobs, clock);
        this.steps = new StepTransactions(transactions, definitions, executions, this::stepContext, clock, this::followUp);
        this.reruns = new Reruns(steps, newExecutions, definitions, executions, controlLog, jdbi, clock);
        this.completions = new AsyncCompletions(steps, jobs, clock);
        this.applier = new OutcomeApplier(steps, transactions.retrying(), jobs, executions, timers, clock);
        this.timerService = new TimerService(clock, jdbi, nodeId, applier::fireTimer);
        this.followUps = new FollowUps(() -> runner, () -> signals, timerService, jdbi, timers, this::jobDone, applier::childFinished, this::cancelWithParent);
        this.jobLogs = new JobLogs(jdbi, clock, new LogHub(), JobLogs.DEFAULT_CAP, jobs);
        this.events = new EventHub(clock);
        transactions.addListener(events);
        int workerCount = Math.max(2, Runtime.getRuntime().availableProcessors());
        outcomes = new BatchingQueue<>("engine", Integer.MAX_VALUE, BATCH, workerCount, java.time.Duration.ZERO, applier::apply);
        this.groupStarts = new GroupStarts(steps, newExecutions, this::stepContext, request -> start(request, null));
        toStore = new BatchingQueue<>("engine-outcome-store", Integer.MAX_VALUE, BATCH, batch -> {
            applier.store(batch);
            batch.forEach(this::jobDone);
        });
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
        transactions.signals(signals);
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
        return groupStarts.waiting();
    }

    /** True while the engine is open and its worker and starter threads are alive (readiness). */
    public boolean workersAlive() {
        return running && groupStarts.alive() && outcomes.writersAlive();
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
        transactions.addListener(listener);
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

    /**
     * Starts an execution; returns once it is committed. Starts that arrive together share one
     * transaction (see {@link GroupStarts}).
     */
    public Execution start(StartRequest request) {
        return groupStarts.start(request);
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
            Execution ex = newExecutions.start(stepContext(), h, request, effects);
            if (hook != null) hook.after(h, ex);
            return new Effects.Result<>(ex, effects);
        }).value();
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

    public Execution resume(String executionId, String actor) {
        return onExecution(executionId, "resume", actor, Step::resume);
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
        return reruns.rerun(executionId, asked, rerunCheck);
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
        return steps.lock(h, executionId, effects);
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
        return completions.complete(jobId, success, output, error);
    }

    /**
     * A runner took a job: it shows RUNNING (committed before the action starts, so no outcome can
     * race it). Returns the job's token, which only the job's process gets, or null if the job is
     * no longer queued (cancelled or interrupted before it started): then it must not run.
     */
    public String jobStarted(String jobId, String runner) {
        return runningJobs.started(jobId, runner);
    }

    /** The job a token belongs to, if that job is still running (see {@link RunningJobs#forToken}). */
    public Job jobForToken(String jobId, String token) {
        return runningJobs.forToken(jobId, token);
    }

    /** The running job a token belongs to, without knowing the job's id (a job token given as a password); empty otherwise. */
    public java.util.Optional<Job> runningJobForToken(String token) {
        return runningJobs.forToken(token);
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

    /** What a runner's work in {@link #applyWith} returns: its answer, and the outcomes to apply with it. */
    public record WithOutcomes<T>(T value, List<JobOutcome> outcomes) {}

    /**
     * Runs a runner's {@code work} and applies the outcomes it returns in the same transaction, so
     * that a runner which stores something with each result (an agent's report) pays one commit
     * for both instead of one each (see {@link OutcomeApplier#applyWith}).
     */
    public <T> T applyWith(java.util.Collection<String> executionIds, Function<Handle, WithOutcomes<T>> work) {
        return applier.applyWith(executionIds, work);
    }

    /**
     * Picks up after a restart: jobs that were queued or running run again (they never reported),
     * timers are re-armed, and sub-workflows that ended while the parent was not told are delivered.
     */
    public void recover() {
        // jobs of dead nodes (this process's earlier life included) are the node recovery's; timers
        // are fired by whichever node claims them; what is left is telling parents of ended children
        List<Job> onChild = jdbi.withHandle(jobs::waitingOnChild);
        for (Job j : onChild) applier.childFinished(j.id());
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

    private <T> Effects.Result<T> inTransaction(Function<Handle, Effects.Result<T>> work) {
        return steps.run(work);
    }

    private void followUp(Effects effects) {
        followUps.accept(effects);
    }

    private void cancelWithParent(String child) {
        try {
            onExecution(child, null, null, step -> step.cancel("cancelled with its parent"));
        } catch (ConflictException alreadyFinished) {
            // nothing to cancel
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
        groupStarts.close();
        // outcomes not applied yet stay for the node that takes over (stored ones are applied, the others' jobs are queued again or lost)
        List<JobOutcome> unapplied = outcomes.close(java.time.Duration.ZERO);
        if (!unapplied.isEmpty()) LOG.info("the engine closed with {} job outcomes not applied", unapplied.size());
    }
}
