package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.model.Job;
import io.trailboss.model.JobReport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runner's result as the {@link JobReport} stored with its job ({@code job.agent_outcome}) before
 * the engine applies it (agents' and local runners' alike). Stored first, it survives the death of
 * the node that was to apply it, and a survivor delivers it again; the engine applies an outcome
 * only to a job that is not final yet, under the execution's lock, so never twice.
 */
public final class StoredOutcomes {
    private StoredOutcomes() {}

    public static JobReport report(ActionResult result, String by, long at) {
        return switch (result) {
            case ActionResult.Success s -> new JobReport(JobReport.Outcome.SUCCEEDED, by, s.output(), null, at);
            case ActionResult.Failure f -> new JobReport(JobReport.Outcome.FAILED, by, f.output(), f.error(), at);
            case ActionResult.Incomplete i -> new JobReport(JobReport.Outcome.INCOMPLETE, by, i.output(), null, at);
            case ActionResult.Lost l -> JobReport.lost(by, l.reason(), at);
            case ActionResult.Async a -> new JobReport(JobReport.Outcome.ASYNC, by, null, null, at);
        };
    }

    /** A result as the {@code state}, {@code output} and {@code error} an agent posts. */
    public static Map<String, Object> fields(ActionResult result) {
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (result) {
            case ActionResult.Success s -> {
                fields.put("state", "SUCCEEDED");
                fields.put("output", s.output());
            }
            case ActionResult.Failure f -> {
                fields.put("state", "FAILED");
                fields.put("output", f.output());
                fields.put("error", f.error());
            }
            case ActionResult.Incomplete i -> {
                fields.put("state", "INCOMPLETE");
                fields.put("output", i.output());
            }
            case ActionResult.Lost l -> {
                fields.put("state", "LOST");
                fields.put("error", l.reason());
            }
            case ActionResult.Async a -> fields.put("state", "ASYNC");
        }
        return fields;
    }

    public static ActionResult result(JobReport report) {
        return switch (report.state()) {
            case SUCCEEDED -> new ActionResult.Success(report.output());
            case FAILED -> new ActionResult.Failure(report.error(), report.output());
            case INCOMPLETE -> new ActionResult.Incomplete(report.output());
            case ASYNC -> new ActionResult.Async();
            case LOST -> new ActionResult.Lost(report.error());
        };
    }

    /** The outcome to hand the engine for a job and its stored report. */
    public static JobOutcome outcome(Job job, JobReport report) {
        long started = job.startedAt() == null ? job.createdAt() : job.startedAt();
        return new JobOutcome(job.id(), job.executionId(), result(report), started, job.runner());
    }
}
