package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.ControlReport;
import io.trailboss.engine.ControlRequest;
import io.trailboss.engine.Engine;
import io.trailboss.engine.TaskControl;
import io.trailboss.model.ControlRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Steering a live run: task controls with dry runs, rerun of a finished execution, and the audit of
 * every control. Who acted is the {@code by} field or the {@code X-Trailboss-User} header.
 */
final class ControlRoutes {
    private static final double MAX_GRACE_SECONDS = 3600;

    private final Trailboss tb;

    ControlRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/executions/{id}/controls", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("action", "tasks", "tag", "state", "count", "grace_seconds", "dry_run", "by"));
            TaskControl control = TaskControl.parse(Bodies.string(body, "action", true));
            List<String> tasks = strings(body, "tasks");
            int count = 1;
            if (body.get("count") != null) {
                if (control != TaskControl.RELEASE) throw ApiException.badRequest("count", "'count' is only for the 'release' control");
                count = positive(body, "count");
            }
            long grace = ControlRequest.DEFAULT_GRACE_MILLIS;
            if (body.get("grace_seconds") != null) {
                if (control != TaskControl.INTERRUPT) throw ApiException.badRequest("grace_seconds", "'grace_seconds' is only for the 'interrupt' control");
                if (!(body.get("grace_seconds") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > MAX_GRACE_SECONDS) {
                    throw ApiException.badRequest("grace_seconds", "'grace_seconds' must be a number from 0 to " + (int) MAX_GRACE_SECONDS);
                }
                grace = Math.round(((Number) body.get("grace_seconds")).doubleValue() * 1000);
            }
            ControlRequest request = new ControlRequest(control, tasks, Bodies.string(body, "tag", false), Bodies.string(body, "state", false),
                    count, grace, bool(body, "dry_run"), Bodies.actor(ctx, body));
            ctx.json(view(tb.engine().control(ctx.pathParam("id"), request)));
        }, Access.OPERATOR);
        r.get("/api/v1/executions/{id}/controls", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            List<Map<String, Object>> items = tb.engine().controls(ctx.pathParam("id"), limit, offset).stream().map(ControlRoutes::record).toList();
            ctx.json(Map.of("items", items, "limit", limit, "offset", offset));
        }, Access.VIEWER);
        r.post("/api/v1/executions/{id}/rerun", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("task", "input", "env", "dry_run", "by"));
            Map<String, Object> input = body.get("input") == null ? null : io.trailboss.engine.SealedInputs.refuseIn(Bodies.map(body, "input"));
            Map<String, Object> env = body.get("env") == null ? null : Bodies.map(body, "env");
            Engine.RerunRequest request = new Engine.RerunRequest(Bodies.string(body, "task", false), input, env, bool(body, "dry_run"), Bodies.actor(ctx, body));
            // the audit shows what the rerun was asked to change, refused or not (an operation's secret fields masked)
            ctx.attribute(Security.AUDIT_DETAIL, rerunDetail(ctx.pathParam("id"), request));
            ctx.json(view(tb.engine().rerun(ctx.pathParam("id"), request)));
        }, Access.OPERATOR);
    }

    private String rerunDetail(String executionId, Engine.RerunRequest request) {
        Map<String, Object> detail = new LinkedHashMap<>();
        if (request.fromTask() != null) detail.put("task", request.fromTask());
        if (request.input() != null) {
            List<String> secret = tb.queries().execution(executionId).map(tb.runs()::secretInputsOf).orElse(List.of());
            Map<String, Object> shown = new LinkedHashMap<>(request.input());
            secret.forEach(k -> shown.computeIfPresent(k, (key, v) -> io.trailboss.engine.Secrets.MASK));
            detail.put("input", shown);
        }
        if (request.env() != null) detail.put("env", request.env());
        if (request.dryRun()) detail.put("dry_run", true);
        return detail.isEmpty() ? null : io.trailboss.json.Json.write(detail);
    }

    private static Map<String, Object> view(ControlReport report) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("execution_id", report.executionId());
        v.put("action", report.control());
        v.put("dry_run", report.dryRun());
        v.put("affected", report.affected().stream().map(ControlRoutes::note).toList());
        v.put("not_eligible", report.notEligible().stream().map(ControlRoutes::note).toList());
        if (report.execution() != null) v.put("execution", Views.execution(report.execution()));
        return v;
    }

    private static Map<String, Object> note(ControlReport.TaskNote n) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("task", n.task());
        v.put("state", n.state());
        v.put("note", n.note());
        return v;
    }

    private static Map<String, Object> record(ControlRecord c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("execution_id", c.executionId());
        v.put("action", c.control());
        // a rerun's input holds an operation's secret fields sealed
        v.put("selector", io.trailboss.engine.SealedInputs.masked(c.selector()));
        v.put("tasks", c.tasks());
        v.put("detail", c.detail());
        v.put("by", c.actor());
        v.put("at", java.time.Instant.ofEpochMilli(c.at()).toString());
        return v;
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw ApiException.badRequest(key, "field '" + key + "' must be a task name or a list of task names");
    }

    private static boolean bool(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        throw ApiException.badRequest(key, "field '" + key + "' must be true or false");
    }

    private static int positive(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 1) return n.intValue();
        throw ApiException.badRequest(key, "field '" + key + "' must be a whole number of at least 1");
    }
}
