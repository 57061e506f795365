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

    public LocalRunner(Engine engine, ActionRegistry actions, Clock clock, int limit, String name) {
        this.engine = engine;
        this.actions = actions;
        this.clock = clock;
        this.slots = new Semaphore(limit);
        this.limit = limit;
        this.name = name;
    }

    private static ActionResult maskOutput(ActionResult result, List<String> secrets) {
        return switch (result) {
            case ActionResult.Success s -> new ActionResult.Success(Secrets.mask(s.output(), secrets));
            case ActionResult.Failure f -> new ActionResult.Failure(Secrets.mask(f.error(), secrets), Secrets.mask(f.output(), secrets));
            default -> result;
        };
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
        // a job still waiting for a slot gets its interruption as soon as its action registers a handler
        io.trailboss.action.Interruption i = interruptions.get(job.id());
        if (i != null) i.interrupt(graceMillis);
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
        BlockingQueue<String> input = new LinkedBlockingQueue<>();
        inputs.put(job.id(), input);
        io.trailboss.action.Interruption interruption = interruptions.getOrDefault(job.id(), new io.trailboss.action.Interruption());
        try {
            Action action = actions.find(job.action()).orElse(null);
            String token = action != null && !action.instant() ? engine.jobStarted(job.id(), name) : null;
            if (interruption.requested() || (action != null && !action.instant() && token == null && job.state() == io.trailboss.model.JobState.QUEUED)) {
                // stopped (cancelled, interrupted) before it started: it never runs; its state is already final
                return;
            }
            starts.started(job, "local", started);
            ActionContext context = new ActionContext(job.id(), job.executionId(), null, token,
                    text -> engine.jobLogs().append(job.executionId(), job.id(), Secrets.mask(text, secrets)), input, interruption);
            result = action == null
                    ? new ActionResult.Failure("unknown action '" + job.action() + "'", null)
                    : action.run(job.input(), context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ActionResult.Failure("interrupted", null);
        } catch (Exception | StackOverflowError e) {
            result = new ActionResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        } finally {
            inputs.remove(job.id());
            interruptions.remove(job.id());
            engine.jobLogs().closed(job.id());
            slots.release();
        }
        if (!secrets.isEmpty()) result = maskOutput(result, secrets);
        engine.jobDone(new JobOutcome(job.id(), job.executionId(), result, started, name));
    }
}
