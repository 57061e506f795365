package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.sse.SseClient;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.JobLogStore.Chunk;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Job logs: the whole log, live streams (SSE) of one job or a whole execution, and text sent to a
 * running job's standard input. A stream sends the stored history first, then live chunks, and
 * an {@code end} event once the job (or the execution) is over. Clients must ask for
 * {@code Accept: text/event-stream}.
 */
final class LogRoutes {
    private final Trailboss tb;

    LogRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/jobs/{id}/log", ctx -> {
            Job job = job(ctx.pathParam("id"));
            List<Chunk> chunks = tb.engine().jobLogs().read(job.id(), Bodies.intParam(ctx, "from", 0, 0, Integer.MAX_VALUE));
            if ("json".equals(ctx.queryParam("format"))) {
                ctx.json(Map.of("job_id", job.id(), "chunks", chunks.stream().map(c -> view(job.id(), c)).toList()));
            } else {
                StringBuilder text = new StringBuilder();
                chunks.forEach(c -> text.append(c.text()));
                ctx.contentType("text/plain; charset=utf-8").result(text.toString());
            }
        }, Access.VIEWER);
        r.post("/api/v1/jobs/{id}/input", ctx -> {
            Job job = job(ctx.pathParam("id"));
            Map<String, Object> body = Bodies.object(ctx, Set.of("text"));
            String text = Bodies.string(body, "text", true);
            if (!tb.agents().send(job.id(), text)) {
                throw new io.trailboss.engine.ConflictException("job '" + job.id() + "' is not running (it is " + job.state() + ")");
            }
            ctx.status(202).json(Map.of("sent", true));
        }, Access.OPERATOR);
        // write-back: a running job sets params on its own target, with the token only it was given
        r.patch("/api/v1/jobs/{id}/target/params", ctx -> {
            String auth = ctx.header("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
            Job job = tb.engine().jobForToken(ctx.pathParam("id"), token);
            // the body is read (and checked) first, so a refusal never leaves a request body unread
            Map<String, Object> body = Bodies.object(ctx, Set.of("params"));
            if (job.target() == null) throw new io.trailboss.engine.ConflictException("job '" + job.id() + "' has no target to write params to");
            Map<String, Object> changes = Bodies.map(body, "params");
            if (changes.isEmpty()) throw ApiException.badRequest("params", "'params' must name at least one param to set (null unsets)");
            tb.targets().setParams(job.target(), changes);
            tb.engine().jobLogs().append(job.executionId(), job.id(), "[trailboss] params written back to " + job.target() + ": " + String.join(", ", changes.keySet()) + "\n");
            ctx.json(Map.of("target", job.target(), "params", List.copyOf(changes.keySet())));
        }, Access.JOB);
        // write-back from a job over several hosts (ansible): only to a target the job was given as a host
        r.patch("/api/v1/jobs/{id}/hosts/{name}/params", ctx -> {
            String auth = ctx.header("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
            Job job = tb.engine().jobForToken(ctx.pathParam("id"), token);
            String host = ctx.pathParam("name");
            Map<String, Object> body = Bodies.object(ctx, Set.of("params"));
            if (!hostsOf(job).contains(host) && !host.equals(job.target())) {
                throw new io.trailboss.engine.ConflictException("job '" + job.id() + "' does not run on target '" + host + "': it may write params only to its own hosts");
            }
            Map<String, Object> changes = Bodies.map(body, "params");
            if (changes.isEmpty()) throw ApiException.badRequest("params", "'params' must name at least one param to set (null unsets)");
            tb.targets().setParams(host, changes);
            tb.engine().jobLogs().append(job.executionId(), job.id(), "[trailboss] params written back to " + host + ": " + String.join(", ", changes.keySet()) + "\n");
            ctx.json(Map.of("target", host, "params", List.copyOf(changes.keySet())));
        }, Access.JOB);
        r.sse("/api/v1/jobs/{id}/log/stream", client -> {
            Job job;
            try {
                job = job(client.ctx().pathParam("id"));
            } catch (NotFoundException e) {
                client.sendEvent("error", Json.write(Map.of("detail", e.getMessage())));
                client.close();
                return;
            }
            stream(client, List.of(job.id()), job.id(), null, job.state().isFinal(), Visibility.of(client.ctx()));
        }, Access.VIEWER);
        r.sse("/api/v1/executions/{id}/log/stream", client -> {
            String id = client.ctx().pathParam("id");
            if (tb.queries().execution(id).isEmpty()) {
                client.sendEvent("error", Json.write(Map.of("detail", "execution '" + id + "' does not exist")));
                client.close();
                return;
            }
            Visibility sight = Visibility.of(client.ctx());
            List<String> jobs = tb.queries().tasks(id).stream().map(TaskExecution::id).flatMap(t -> sight.jobs(tb.queries().jobs(t)).stream()).map(Job::id).toList();
            stream(client, jobs, null, id, false, sight);
        }, Access.VIEWER);
    }

    /** The target names a job's target inputs resolved to (the ansible action's {@code hosts}). */
    private static List<String> hostsOf(Job job) {
        List<String> names = new java.util.ArrayList<>();
        if (job.input() != null && job.input().get("hosts") instanceof List<?> hosts) {
            for (Object h : hosts) if (h instanceof Map<?, ?> m && m.get("name") != null) names.add(String.valueOf(m.get("name")));
        }
        return names;
    }

    /**
     * Subscribes first, then sends the stored history, then live chunks; sequence numbers drop the
     * chunks that arrive live while the history is being sent.
     */
    private void stream(SseClient client, List<String> historyJobs, String jobId, String executionId, boolean alreadyOver, Visibility sight) {
        LinkedBlockingQueue<Map<String, Object>> live = new LinkedBlockingQueue<>();
        var hub = tb.engine().jobLogs().hub();
        Runnable unsubscribe = jobId != null
                ? hub.followJob(jobId, (job, chunk) -> live.add(chunk == null ? END : view(job, chunk)))
                : hub.followExecution(executionId, (job, chunk) -> live.add(view(job, chunk)));
        client.keepAlive();
        client.onClose(unsubscribe);
        Map<String, Integer> sent = new HashMap<>();
        for (String job : historyJobs) {
            for (Chunk c : tb.engine().jobLogs().read(job, 0)) {
                client.sendEvent("log", Json.write(view(job, c)), job + ":" + c.seq());
                sent.put(job, c.seq());
            }
        }
        if (alreadyOver) {
            client.sendEvent("end", "{}");
            unsubscribe.run();
            client.close();
            return;
        }
        Thread.startVirtualThread(() -> {
            try {
                while (!client.terminated()) {
                    Map<String, Object> next = live.poll(executionId != null ? 1 : 15, TimeUnit.SECONDS);
                    if (next == END || (next == null && executionId != null && executionOver(executionId))) {
                        // the job (or execution) is over: whatever it logged has been sent
                        client.sendEvent("end", "{}");
                        client.close();
                        return;
                    }
                    if (next == null) {
                        client.sendComment("keep-alive");
                        continue;
                    }
                    String job = (String) next.get("job_id");
                    // an execution's stream carries only the jobs the reader sees (not those on targets out of its sight)
                    if (executionId != null && !sight.seesJob(job)) continue;
                    int seq = (Integer) next.get("seq");
                    if (seq <= sent.getOrDefault(job, -1)) continue;
                    sent.put(job, seq);
                    client.sendEvent("log", Json.write(next), job + ":" + seq);
                }
            } catch (InterruptedException | RuntimeException closed) {
                // the client went away
            } finally {
                unsubscribe.run();
            }
        });
    }

    private static final Map<String, Object> END = Map.of();

    private boolean executionOver(String id) {
        return tb.queries().execution(id).map(e -> e.state().isFinal()).orElse(true);
    }

    private static Map<String, Object> view(String jobId, Chunk c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("job_id", jobId);
        v.put("seq", c.seq());
        v.put("at", Views.time(c.at()));
        v.put("text", c.text());
        return v;
    }

    private Job job(String id) {
        return tb.queries().job(id).orElseThrow(() -> new NotFoundException("job '" + id + "' does not exist"));
    }
}
