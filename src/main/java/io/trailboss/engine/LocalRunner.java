package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionResult;
import io.trailboss.action.ActionRegistry;
import io.trailboss.model.Job;
import java.time.Clock;
import java.util.List;
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
    private final String name;

    public LocalRunner(Engine engine, ActionRegistry actions, Clock clock, int limit, String name) {
        this.engine = engine;
        this.actions = actions;
        this.clock = clock;
        this.slots = new Semaphore(limit);
        this.name = name;
    }

    @Override
    public void submit(List<Job> jobs) {
        for (Job job : jobs) Thread.startVirtualThread(() -> run(job));
    }

    private void run(Job job) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            return;
        }
        long started = clock.millis();
        ActionResult result;
        try {
            Action action = actions.find(job.action()).orElse(null);
            result = action == null
                    ? new ActionResult.Failure("unknown action '" + job.action() + "'", null)
                    : action.run(job.input(), new ActionContext(job.id(), job.executionId(), null, job.token()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ActionResult.Failure("interrupted", null);
        } catch (Exception | StackOverflowError e) {
            result = new ActionResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        } finally {
            slots.release();
        }
        engine.jobDone(new JobOutcome(job.id(), job.executionId(), result, started, name));
    }
}
