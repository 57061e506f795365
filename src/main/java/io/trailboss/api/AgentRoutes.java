package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.agent.AgentHub;
import io.trailboss.agent.AgentToken;
import io.trailboss.agent.AgentTokens;
import io.trailboss.app.Trailboss;
import io.trailboss.model.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Agent tokens (issued, listed, revoked by operators) and the agent protocol (Bearer token):
 * hello, long-poll claim, heartbeat, log chunks, stdin long-poll, completion.
 */
final class AgentRoutes {
    private static final int MAX_WAIT_SECONDS = 30;
    private final Trailboss tb;
    private final java.util.function.Supplier<String> enrollmentPin;

    /** {@code enrollmentPin}: the certificate fingerprint issued tokens carry (null: none, as without TLS). */
    AgentRoutes(Trailboss tb, java.util.function.Supplier<String> enrollmentPin) {
        this.tb = tb;
        this.enrollmentPin = enrollmentPin;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/agents/tokens", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("name", "targets", "labels"));
            AgentTokens.Issued issued = hub().tokens().issue(Bodies.string(body, "name", true), strings(body, "targets"), labels(body.get("labels"), "labels"));
            Map<String, Object> view = view(issued.token());
            // over TLS the token carries the fingerprint of the certificate to trust: an agent given only the token
            // pins the server it was enrolled with from its first connection
            String pin = enrollmentPin.get();
            view.put("token", pin == null ? issued.secret() : AgentTokens.withPin(issued.secret(), pin));
            if (pin != null) view.put("tls_fingerprint", io.trailboss.tls.Fingerprints.display(pin));
            ctx.status(201).json(view);
        }, Access.ADMIN);
        r.get("/api/v1/agents/tokens", ctx -> {
            List<Map<String, Object>> items = hub().tokens().list().stream().map(AgentRoutes::view).toList();
            ctx.json(Bodies.page(items, items.size(), items.size(), 0));
        }, Access.ADMIN);
        r.delete("/api/v1/agents/tokens/{id}", ctx -> {
            hub().tokens().revoke(ctx.pathParam("id"));
            ctx.status(204);
        }, Access.ADMIN);

        r.post("/api/v1/agent/hello", ctx -> {
            AgentToken agent = agent(ctx);
            int lost = hub().hello(agent);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", agent.name());
            out.put("runner", agent.runner());
            out.put("lease_seconds", hub().lease().toMillis() / 1000.0);
            out.put("lost_jobs", lost);
            ctx.json(out);
        }, Access.AGENT);
        r.post("/api/v1/agent/claim", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("max", "wait_seconds", "targets", "labels"));
            int max = intField(body, "max", 1, 1, AgentHub.MAX_CLAIM);
            int wait = intField(body, "wait_seconds", 0, 0, MAX_WAIT_SECONDS);
            List<AgentHub.Claimed> claimed;
            try {
                claimed = hub().claim(agent, max, Duration.ofSeconds(wait), strings(body, "targets"), labels(body.get("labels"), "labels"));
            } catch (InterruptedException stopping) {
                throw new ApiException(503, null, "the server is stopping");
            }
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (AgentHub.Claimed c : claimed) {
                Job j = c.job();
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("id", j.id());
                v.put("execution_id", j.executionId());
                v.put("action", j.action());
                v.put("input", j.input());
                v.put("target", j.target());
                v.put("attempt", j.attempt() + 1);
                v.put("token", c.jobToken());
                jobs.add(v);
            }
            ctx.json(Map.of("jobs", jobs, "lease_seconds", hub().lease().toMillis() / 1000.0));
        }, Access.AGENT);
        r.post("/api/v1/agent/ack", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("jobs"));
            ctx.json(Map.of("jobs", hub().ack(agent, strings(body, "jobs"))));
        }, Access.AGENT);
        r.post("/api/v1/agent/heartbeat", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("jobs"));
            ctx.json(Map.of("stop", hub().heartbeat(agent, strings(body, "jobs")), "lease_seconds", hub().lease().toMillis() / 1000.0));
        }, Access.AGENT);
        r.post("/api/v1/agent/jobs/{id}/log", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("text"));
            boolean room = hub().log(agent, ctx.pathParam("id"), Bodies.string(body, "text", true));
            // at the cap the agent stops the job and fails it with this detail
            ctx.status(202).json(room ? Map.of("appended", true)
                    : Map.of("appended", true, "capped", true, "detail", tb.engine().jobLogs().capReached()));
        }, Access.AGENT);
        r.post("/api/v1/agent/inputs", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = ctx.body().isBlank() ? Map.of() : Bodies.object(ctx, Set.of("wait_seconds"));
            int wait = intField(body, "wait_seconds", 0, 0, MAX_WAIT_SECONDS);
            List<AgentHub.Input> inputs;
            try {
                inputs = hub().inputs(agent, Duration.ofSeconds(wait));
            } catch (InterruptedException stopping) {
                throw new ApiException(503, null, "the server is stopping");
            }
            List<Map<String, Object>> items = inputs.stream()
                    .map(i -> Map.<String, Object>of("job_id", i.jobId(), "text", i.text())).toList();
            ctx.json(Map.of("inputs", items));
        }, Access.AGENT);
        r.post("/api/v1/agent/jobs/{id}/complete", ctx -> {
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("state", "output", "error"));
            String state = Bodies.string(body, "state", true);
            if (!Set.of("SUCCEEDED", "FAILED", "INCOMPLETE").contains(state)) {
                throw ApiException.badRequest("state", "'state' must be SUCCEEDED, FAILED or INCOMPLETE, not '" + state + "'");
            }
            AgentHub.Completion c = hub().complete(agent, ctx.pathParam("id"), io.trailboss.model.JobState.valueOf(state), body.get("output"), Bodies.string(body, "error", false));
            ctx.json(Map.of("job_id", ctx.pathParam("id"), "changed", c == AgentHub.Completion.CHANGED));
        }, Access.AGENT);
        r.post("/api/v1/agent/complete", ctx -> {
            // several results in one commit: {results: [{job_id, state, output?, error?}, ...], ack?: [job ids]}
            AgentToken agent = agent(ctx);
            Map<String, Object> body = Bodies.object(ctx, Set.of("results", "ack"));
            List<String> ack = strings(body, "ack");
            if (ack.size() > AgentHub.MAX_CLAIM) throw ApiException.badRequest("ack", "'ack' may name at most " + AgentHub.MAX_CLAIM + " jobs");
            Object given = body.get("results") == null && !ack.isEmpty() ? List.of() : body.get("results");
            if (!(given instanceof List<?> list) || (list.isEmpty() && ack.isEmpty()) || list.size() > 256) {
                throw ApiException.badRequest("results", "'results' must be a list of 1 to 256 results (or empty with 'ack')");
            }
            List<AgentHub.Report> reports = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("job_id") instanceof String jobId) || !(m.get("state") instanceof String state)
                        || !Set.of("SUCCEEDED", "FAILED", "INCOMPLETE").contains(state) || (m.get("error") != null && !(m.get("error") instanceof String))) {
                    throw ApiException.badRequest("results", "each result needs 'job_id' and 'state' (SUCCEEDED, FAILED or INCOMPLETE), and an optional 'output' and string 'error': " + o);
                }
                reports.add(new AgentHub.Report(jobId, io.trailboss.model.JobState.valueOf(state), m.get("output"), (String) m.get("error")));
            }
            List<Map<String, Object>> results = new ArrayList<>();
            AgentHub.Batch batch = hub().completeAll(agent, reports, ack);
            for (AgentHub.Reported rep : batch.reports()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("job_id", rep.jobId());
                if (rep.refused() == null) {
                    v.put("status", 200);
                    v.put("changed", rep.completion() == AgentHub.Completion.CHANGED);
                } else {
                    v.put("status", rep.refused() instanceof io.trailboss.engine.NotFoundException ? 404 : 409);
                    v.put("detail", rep.refused().getMessage());
                }
                results.add(v);
            }
            ctx.json(body.containsKey("ack") ? Map.of("results", results, "acked", batch.acked()) : Map.of("results", results));
        }, Access.AGENT);
    }

    private AgentHub hub() {
        return tb.agents();
    }

    private AgentToken agent(Context ctx) {
        String auth = ctx.header("Authorization");
        String secret = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        return hub().authenticate(secret).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer");
            return new ApiException(401, null, secret == null
                    ? "an agent token is required (Authorization: Bearer <token>)"
                    : "the agent token is wrong or revoked");
        });
    }

    private static Map<String, Object> view(AgentToken t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("name", t.name());
        v.put("runner", t.runner());
        v.put("targets", t.targets());
        v.put("labels", t.labels());
        v.put("created_at", Views.time(t.createdAt()));
        v.put("revoked_at", Views.time(t.revokedAt()));
        v.put("last_seen_at", Views.time(t.lastSeenAt()));
        return v;
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l) || !l.stream().allMatch(x -> x instanceof String)) {
            throw ApiException.badRequest(key, "field '" + key + "' must be a list of strings");
        }
        return l.stream().map(String.class::cast).toList();
    }

    private static Map<String, String> labels(Object v, String key) {
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) throw ApiException.badRequest(key, "field '" + key + "' must be an object of label names to values");
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, val) -> {
            if (!(val instanceof String || val instanceof Number || val instanceof Boolean)) {
                throw ApiException.badRequest(key, "label '" + k + "' must have a string value");
            }
            out.put(String.valueOf(k), String.valueOf(val));
        });
        return out;
    }

    private static int intField(Map<String, Object> body, String key, int otherwise, int min, int max) {
        Object v = body.get(key);
        if (v == null) return otherwise;
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) throw ApiException.badRequest(key, "'" + key + "' must be a whole number");
        if (n.longValue() < min || n.longValue() > max) throw ApiException.badRequest(key, "'" + key + "' must be between " + min + " and " + max);
        return n.intValue();
    }
}
