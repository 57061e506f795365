package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionResult;
import io.trailboss.action.ActionRegistry;
import io.trailboss.model.Job;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Runs jobs inside the server, one virtual thread each, at most {@code limit} at a time, and
 * reports every outcome to the engine. An action that throws fails its job with the message.
 */
public final class LocalRunner implements JobRunner {
    private final Engine engine;
    private final ActionRegistry actions;
    private final Clock clock;
    private final Semaphore slots;
    private final int limit;
    private volatile JobStarts starts = JobStarts.NONE;
    private final String name;
    private final Map<String, BlockingQueue<String>> inputs = new ConcurrentHashMap<>();
    private final Map<String, io.trailboss.action.Interruption> interruptions = new ConcurrentHashMap<>();
    // jobs whose action runs now (marked RUNNING under this runner): watched for a stop decided by another node
    private final Map<String, Boolean> started = new ConcurrentHashMap<>();
    private final Object watch = new Object();
    private final io.trailboss.store.AgentInputStore waitingInput = new io.trailboss.store.AgentInputStore();
    private volatile boolean closed;

    public LocalRunner(Engine engine, ActionRegistry actions, Clock clock, int limit, String name) {
        this.engine = engine;
        this.actions = actions;
        this.clock = clock;
        this.slots = new Semaphore(limit);
        this.limit = limit;
        this.name = name;
    }

    /** How long a job whose log reached its cap gets between SIGTERM and SIGKILL. */
    private static final long CAP_STOP_GRACE_MILLIS = 10_000;

    private static Object outputOf(ActionResult result) {
        return switch (result) {
            case ActionResult.Success s -> s.output();
            case ActionResult.Failure f -> f.output();
            case ActionResult.Incomplete i -> i.output();
            default -> null;
        };
    }

    private static ActionResult maskOutput(ActionResult result, List<String> secrets) {
        return switch (result) {
            case ActionResult.Success s -> new ActionResult.Success(Secrets.maskWithTokens(s.output(), secrets));
            case ActionResult.Failure f -> new ActionResult.Failure((String) Secrets.maskWithTokens(f.error(), secrets), Secrets.maskWithTokens(f.output(), secrets));
            case ActionResult.Incomplete i -> new ActionResult.Incomplete(Secrets.maskWithTokens(i.output(), secrets));
            default -> result;
        };
    }

    static List<String> withToken(List<String> secrets, String token) {
        List<String> out = new java.util.ArrayList<>(secrets.size() + 1);
        out.addAll(secrets);
        out.addAll(JobTokens.masks(token));
        return List.copyOf(out);
    }

    public void observeStarts(JobStarts starts) {
        this.starts = starts;
    }

    /** Jobs holding one of this runner's slots now (running their action). */
    public int running() {
        return limit - slots.availablePermits();
    }

    /** Sends text to a running job's standard input; false if this runner is not running the job. */
    public boolean send(String jobId, String text) {
        BlockingQueue<String> input = inputs.get(jobId);
        return input != null && input.offer(text);
    }

    @Override
    public void interrupt(Job job, long graceMillis) {
        interrupt(job.id(), graceMillis);
    }

    /** Stops a job this runner has (a job still waiting for a slot never starts); false if it has none. */
    public boolean interrupt(String jobId, long graceMillis) {
        // a job still waiting for a slot gets its interruption as soon as its action registers a handler
        io.trailboss.action.Interruption i = interruptions.get(jobId);
        if (i != null) i.interrupt(graceMillis);
        return i != null;
    }

    /** The name its jobs run under ({@code node:<id>}). */
    public String name() {
        return name;
    }

    /**
     * Looks once a second whether a job running here was stopped by another node (its row is no
     * longer RUNNING under this runner) or got text for its standard input through another node:
     * the fallback when no signal came. Started once by the node wiring.
     */
    public void watch(long graceMillis) {
        Thread.ofPlatform().daemon().name("local-runner-watch").start(() -> {
            while (!closed) {
                try {
                    synchronized (watch) {
                        watch.wait(1000);
                    }
                    if (started.isEmpty()) continue;
                    checkStopped(graceMillis);
                    takeInputs();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(LocalRunner.class).warn("watching local jobs failed: {}", e.toString());
                }
            }
        });
    }

    /** Another node signalled a stop or stdin text for a job here: look now. */
    public void poke() {
        synchronized (watch) {
            watch.notifyAll();
        }
    }

    private void checkStopped(long graceMillis) {
        List<String> ids = List.copyOf(started.keySet());
        if (ids.isEmpty()) return;
        List<String> stopped = engine.jdbi().withHandle(h -> engine.jobStore().stoppedElsewhere(h, ids, name));
        for (String id : stopped) if (started.containsKey(id)) interrupt(id, graceMillis);
    }

    /** Text stored for this runner's jobs' standard input (by another node), each taken once. */
    public void takeInputs() {
        if (started.isEmpty()) return;
        List<io.trailboss.store.AgentInputStore.Input> taken = engine.jdbi().inTransaction(h -> waitingInput.take(h, name));
        for (io.trailboss.store.AgentInputStore.Input in : taken) send(in.jobId(), in.text());
    }

    /** Stops watching and stops the scripts of jobs running here (SIGTERM, SIGKILL after 2 s): the node stops. */
    public void close() {
        closed = true;
        poke();
        for (String id : List.copyOf(started.keySet())) interrupt(id, 2000);
    }

    @Override
    public void submit(List<Job> jobs) {
        for (Job job : jobs) {
            interruptions.put(job.id(), new io.trailboss.action.Interruption());
            Thread.startVirtualThread(() -> run(job));
        }
    }

    private void run(Job job) {
        // a job on a target may see its secret params: they never reach its log or its output
        List<String> secrets = engine.secretsOf(job);
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            return;
        }
        long started = clock.millis();
        ActionResult result;
        boolean marked = false;
        BlockingQueue<String> input = new LinkedBlockingQueue<>();
        inputs.put(job.id(), input);
        io.trailboss.action.Interruption interruption = interruptions.getOrDefault(job.id(), new io.trailboss.action.Interruption());
        try {
            Action action = actions.find(job.action()).orElse(null);
            String token = action != null && !action.instant() ? engine.jobStarted(job.id(), name) : null;
            marked = token != null;
            if (interruption.requested() || (action != null && !action.instant() && token == null && job.state() == io.trailboss.model.JobState.QUEUED)) {
                // stopped (cancelled, interrupted) before it started: it never runs; its state is already final
                return;
            }
            if (token != null) this.started.put(job.id(), Boolean.TRUE);
            starts.started(job, "local", started);
            // the job's own token is masked like a secret: a script that echoes its environment must not show it
            if (token != null) secrets = withToken(secrets, token);
            List<String> masks = secrets;
            java.util.concurrent.atomic.AtomicBoolean capped = new java.util.concurrent.atomic.AtomicBoolean();
            ActionContext context = new ActionContext(job.id(), job.executionId(), null, token, text -> {
                // a log at its cap stops the job: what it prints from now on would be lost
                if (!engine.jobLogs().append(job.executionId(), job.id(), text, masks) && capped.compareAndSet(false, true)) {
                    interruption.interrupt(CAP_STOP_GRACE_MILLIS);
                }
            }, input, interruption);
            result = action == null
                    ? new ActionResult.Failure("unknown action '" + job.action() + "'", null)
                    : action.run(job.input(), context);
            if (capped.get()) result = new ActionResult.Failure(engine.jobLogs().capReached(), outputOf(result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ActionResult.Failure("interrupted", null);
        } catch (Exception | StackOverflowError e) {
            result = new ActionResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        } finally {
            inputs.remove(job.id());
            interruptions.remove(job.id());
            this.started.remove(job.id());
            engine.jobLogs().closed(job.id());
            slots.release();
        }
        result = maskOutput(result, secrets);
        JobOutcome outcome = new JobOutcome(job.id(), job.executionId(), result, started, name);
        // a job marked RUNNING here has its outcome stored before it is applied: it survives this node's death
        if (marked) engine.jobDoneDurably(outcome);
        else engine.jobDone(outcome);
    }
}
