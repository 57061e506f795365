package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.engine.Event;
import io.trailboss.engine.EventFeed;
import io.trailboss.engine.EventHub;
import io.trailboss.engine.NotFoundException;
import io.trailboss.graph.WorkflowGraph;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Workflow;
import io.trailboss.store.ExecutionStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Watching runs: event streams (SSE) of state changes and control actions, of one execution or of
 * all, and graphs of workflows and executions as Graphviz DOT or Mermaid text.
 *
 * <p>A stream subscribes first, then sends the current state (as {@code snapshot} events), then
 * live events, dropping those the state already showed. An execution's stream ends with an
 * {@code end} event once the execution is final. A client that falls a whole queue behind gets an
 * {@code overflow} event and is disconnected: it reconnects to get the current state again.
 */
final class WatchRoutes {
    private static final long KEEP_ALIVE_MS = 15_000;
    private static final int SNAPSHOT_LIMIT = 100;

    private final Trailboss tb;

    WatchRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.sse("/api/v1/executions/{id}/events", client -> {
            String id = client.ctx().pathParam("id");
            if (tb.queries().execution(id).isEmpty()) {
                client.sendEvent("error", Json.write(Map.of("status", 404, "detail", "execution '" + id + "' does not exist")));
                client.close();
                return;
            }
            stream(client, id);
        }, Access.VIEWER);
        r.sse("/api/v1/events", client -> stream(client, null), Access.VIEWER);
        r.get("/api/v1/workflows/{name}/graph", ctx -> {
            WorkflowGraph.Format format = format(ctx);
            Workflow w = tb.catalog().find(ctx.pathParam("name"))
                    .orElseThrow(() -> new NotFoundException("workflow '" + ctx.pathParam("name") + "' does not exist"));
            graph(ctx, format, WorkflowGraph.render(tb.catalog().spec(w), format));
        }, Access.VIEWER);
        r.get("/api/v1/executions/{id}/graph", ctx -> {
            WorkflowGraph.Format format = format(ctx);
            String id = ctx.pathParam("id");
            Execution ex = tb.queries().execution(id).orElseThrow(() -> new NotFoundException("execution '" + id + "' does not exist"));
            WorkflowSpec spec = tb.engine().jdbi().withHandle(h -> tb.engine().definitions().document(h, ex.sourceSha())).workflow(ex.workflowName());
            Map<String, ExecutionState> states = new LinkedHashMap<>();
            tb.queries().tasks(id).stream().sorted(java.util.Comparator.comparingLong(TaskExecution::seq)).forEach(t -> states.put(t.name(), t.state()));
            String title = ex.workflowName() + " · " + ex.id() + " · " + ex.state();
            graph(ctx, format, WorkflowGraph.render(spec, format, states, title));
        }, Access.VIEWER);
    }

    private static WorkflowGraph.Format format(Context ctx) {
        String word = ctx.queryParam("format");
        if (word == null || word.isEmpty()) return WorkflowGraph.Format.DOT;
        WorkflowGraph.Format format = WorkflowGraph.Format.of(word);
        if (format == null) throw ApiException.badRequest("format", "unknown graph format '" + word + "' (dot or mermaid)");
        return format;
    }

    private static void graph(Context ctx, WorkflowGraph.Format format, String text) {
        ctx.contentType(format.contentType() + "; charset=utf-8").result(text);
    }

    // ------------------------------------------------------------------ events

    private void stream(SseClient client, String executionId) {
        Visibility sight = Visibility.of(client.ctx());
        EventHub.Subscription subscription = tb.engine().events().subscribe(executionId);
        client.keepAlive();
        client.onClose(subscription::close);
        Thread.startVirtualThread(() -> {
            try {
                follow(client, subscription, executionId, sight);
            } catch (InterruptedException | RuntimeException closed) {
                // the client went away
            } finally {
                subscription.close();
            }
        });
    }

    /** {@code sight}: of all executions' events, only those of executions the reader sees are sent. */
    private void follow(SseClient client, EventHub.Subscription subscription, String executionId, Visibility sight) throws InterruptedException {
        EventFeed feed = new EventFeed();
        // the state now (read after subscribing, so that nothing falls between it and the live events)
        if (executionId != null) {
            Execution ex = tb.queries().execution(executionId).orElseThrow();
            for (Event e : EventFeed.snapshot(ex, tb.queries().tasks(executionId), subscription.startSeq())) {
                if (feed.admit(e)) send(client, e);
            }
            if (ex.state().isFinal()) {
                end(client, ex);
                return;
            }
        } else {
            for (ExecutionState state : ExecutionState.values()) {
                if (state.isFinal()) continue;
                ExecutionStore.Filter filter = sight.executions(new ExecutionStore.Filter(null, state, null, null, null));
                for (Execution ex : tb.queries().executions(filter, SNAPSHOT_LIMIT, 0, false)) {
                    for (Event e : EventFeed.snapshot(ex, tb.queries().tasks(ex.id()), subscription.startSeq())) {
                        if (feed.admit(e)) send(client, e);
                    }
                }
            }
        }
        long lastSent = System.currentTimeMillis();
        while (!client.terminated()) {
            if (subscription.overflowed()) {
                client.sendEvent("overflow", Json.write(Map.of("detail", "this client fell more than " + subscription.capacity()
                        + " events behind and was dropped; reconnect to get the current state")));
                client.close();
                return;
            }
            Event next = subscription.poll(1, TimeUnit.SECONDS);
            if (next == null) {
                if (executionId != null) {
                    // a safety net: the execution may have ended where this process could not see it (another node)
                    Execution ex = tb.queries().execution(executionId).orElse(null);
                    if (ex == null || ex.state().isFinal()) {
                        finish(client, feed, ex);
                        return;
                    }
                }
                if (System.currentTimeMillis() - lastSent >= KEEP_ALIVE_MS) {
                    client.sendComment("keep-alive");
                    lastSent = System.currentTimeMillis();
                }
                continue;
            }
            if (executionId != null && next.endsExecution()) {
                finish(client, feed, tb.queries().execution(executionId).orElse(null));
                return;
            }
            if (executionId == null && !sight.seesExecution(next.executionId())) continue;
            // what a job on a target out of sight asks (in an execution in sight) is not told either
            if (next.kind() == Event.Kind.INBOX && next.taskId() != null && !sight.seesJob(next.taskId())) continue;
            if (feed.admit(next)) {
                send(client, next);
                lastSent = System.currentTimeMillis();
            }
        }
    }

    /**
     * The execution is over: every task's final state (read back, in case an event was told out of
     * order), the execution's, then {@code end}.
     */
    private void finish(SseClient client, EventFeed feed, Execution ex) {
        if (ex != null) {
            for (Event e : EventFeed.snapshot(ex, tb.queries().tasks(ex.id()), 0)) {
                Event live = new Event(0, e.at(), e.kind(), e.executionId(), e.workflow(), e.taskName(), e.taskId(), e.state(), e.stateInfo(), null, false);
                if (feed.admit(live)) send(client, live);
            }
        }
        end(client, ex);
    }

    private static void end(SseClient client, Execution ex) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("execution_id", ex == null ? null : ex.id());
        data.put("state", ex == null ? null : ex.state().name());
        data.put("state_info", ex == null ? null : ex.stateInfo());
        client.sendEvent("end", Json.write(data));
        client.close();
    }

    private static void send(SseClient client, Event e) {
        if (e.seq() > 0 && !e.snapshot()) client.sendEvent(e.kind().word(), Json.write(view(e)), String.valueOf(e.seq()));
        else client.sendEvent(e.kind().word(), Json.write(view(e)));
    }

    static Map<String, Object> view(Event e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("seq", e.seq());
        v.put("at", Views.time(e.at()));
        v.put("kind", e.kind().word());
        v.put("execution_id", e.executionId());
        switch (e.kind()) {
            case TASK -> {
                v.put("task", Map.of("name", e.taskName(), "id", e.taskId()));
                v.put("state", e.state());
                v.put("state_info", e.stateInfo());
            }
            case EXECUTION -> {
                v.put("workflow", e.workflow());
                v.put("state", e.state());
                v.put("state_info", e.stateInfo());
            }
            case CONTROL -> {
                v.put("action", e.action());
                if (e.taskName() != null) v.put("tasks", List.of(e.taskName().split(",")));
            }
            case INBOX -> {
                v.put("action", e.action());
                v.put("job_id", e.taskId());
                v.put("text", e.stateInfo());
            }
        }
        if (e.snapshot()) v.put("snapshot", true);
        return v;
    }
}
