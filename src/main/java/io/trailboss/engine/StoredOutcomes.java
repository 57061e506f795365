package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runner's report as stored in {@code job.agent_outcome} before the engine applies it (agents'
 * and local runners' alike): {@code {state, by, output, error, at}}. Stored first, it survives the
 * death of the node that was to apply it, and a survivor delivers it again; the engine applies an
 * outcome only to a job that is not final yet, under the execution's lock, so never twice.
 */
public final class StoredOutcomes {
    private StoredOutcomes() {}

    public static Map<String, Object> report(ActionResult result, String by, long at) {
        Map<String, Object> report = fields(result);
        report.put("by", by);
        report.put("at", at);
        return report;
    }

    /** A result as a report's {@code state}, {@code output} and {@code error} (what an agent posts, too). */
    public static Map<String, Object> fields(ActionResult result) {
        Map<String, Object> report = new LinkedHashMap<>();
        switch (result) {
            case ActionResult.Success s -> {
                report.put("state", "SUCCEEDED");
                report.put("output", s.output());
            }
            case ActionResult.Failure f -> {
                report.put("state", "FAILED");
                report.put("output", f.output());
                report.put("error", f.error());
            }
            case ActionResult.Incomplete i -> {
                report.put("state", "INCOMPLETE");
                report.put("output", i.output());
            }
            case ActionResult.Lost l -> {
                report.put("state", "LOST");
                report.put("error", l.reason());
            }
            case ActionResult.Async a -> report.put("state", "ASYNC");
        }
        return report;
    }

    public static ActionResult result(Map<String, Object> report) {
        String error = report.get("error") == null ? null : String.valueOf(report.get("error"));
        return switch (String.valueOf(report.get("state"))) {
            case "SUCCEEDED" -> new ActionResult.Success(report.get("output"));
            case "FAILED" -> new ActionResult.Failure(error, report.get("output"));
            case "INCOMPLETE" -> new ActionResult.Incomplete(report.get("output"));
            case "ASYNC" -> new ActionResult.Async();
            default -> new ActionResult.Lost(error);
        };
    }

    /** The outcome to hand the engine for a job and its stored report. */
    public static JobOutcome outcome(Job job, String storedReport) {
        Map<String, Object> report = Json.readMap(storedReport);
        long started = job.startedAt() == null ? job.createdAt() : job.startedAt();
        return new JobOutcome(job.id(), job.executionId(), result(report), started, job.runner());
    }
}
