package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.store.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * Completions of async jobs (std.async_noop, or any action that answered "later") given from
 * outside. Idempotent: exactly the same completion again answers unchanged; any other one for a
 * finished job is a conflict that changes nothing, so a second result is never silently dropped.
 * The completion is kept as given with the job, since what the job stores may differ from it (an
 * ad-hoc action's output expression).
 */
final class AsyncCompletions {
    private final StepTransactions steps;
    private final JobStore jobs;
    private final Clock clock;

    AsyncCompletions(StepTransactions steps, JobStore jobs, Clock clock) {
        this.steps = steps;
        this.jobs = jobs;
        this.clock = clock;
    }

    Engine.Completion complete(String jobId, boolean success, Object output, String error) {
        return steps.run(h -> {
            Job job = jobs.find(h, jobId).orElseThrow(() -> new NotFoundException("job '" + jobId + "' does not exist"));
            Effects effects = new Effects();
            Step step = steps.lock(h, job.executionId(), effects).orElseThrow();
            return new Effects.Result<>(complete(h, step, jobId, success, output, error), effects);
        }).value();
    }

    /** Inside the engine's transaction, with the job's execution locked by {@code step}. */
    private Engine.Completion complete(Handle h, Step step, String jobId, boolean success, Object output, String error) {
        String given = canonicalCompletion(success, output, success ? null : error);
        Job job;
        job = jobs.find(h, jobId).orElseThrow();
        if (job.state().isFinal()) {
            String stored = jobs.completion(h, jobId).orElse(null);
            JobState wanted = success ? JobState.SUCCEEDED : JobState.FAILED;
            boolean same = stored != null ? stored.equals(given)
                    // finished before completions were kept: the state and output it stored
                    : job.state() == wanted && io.trailboss.json.Json.write(canonical(job.output())).equals(io.trailboss.json.Json.write(canonical(output)));
            if (same) return new Engine.Completion(false, job);
            throw new ConflictException("job '" + jobId + "' was already completed with another result (it is " + job.state()
                    + (stored == null ? "" : ", completed with " + describe(stored)) + "); only exactly the same completion may be repeated");
        }
        if (!job.async()) throw new ConflictException("job '" + jobId + "' is not waiting for an external completion (it is " + job.state() + ")");
        ActionResult result = success ? new ActionResult.Success(output) : new ActionResult.Failure(error == null ? "failed by external completion" : error, output);
        step.jobFinished(job, result, job.startedAt() == null ? clock.millis() : job.startedAt(), job.runner());
        jobs.keepCompletion(h, jobId, given);
        step.flush();
        return new Engine.Completion(true, jobs.find(h, jobId).orElseThrow());
    }

    /** An external completion as canonical JSON (keys sorted at every level), to tell a repeat from another result. */
    static String canonicalCompletion(boolean success, Object output, String error) {
        Map<String, Object> c = new TreeMap<>();
        c.put("state", success ? "SUCCESS" : "ERROR");
        c.put("output", canonical(output));
        c.put("error", error);
        return Json.write(c);
    }

    /** Plain data with the keys of every object sorted: equal data, equal JSON. */
    static Object canonical(Object value) {
        return switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new TreeMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), canonical(v)));
                yield out;
            }
            case List<?> l -> l.stream().map(AsyncCompletions::canonical).toList();
            case null, default -> value;
        };
    }

    /** A kept completion for a conflict's message: its state, and its output when short. */
    private static String describe(String completion) {
        Map<String, Object> c = Json.readMap(completion);
        String out = Json.write(c.get("output"));
        return c.get("state") + (out.length() <= 200 ? " and output " + out : " and another output");
    }
}
