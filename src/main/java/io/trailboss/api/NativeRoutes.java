package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.Engine;
import io.trailboss.engine.IdempotentStarts;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.StartRequest;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Workflow;
import io.trailboss.store.ExecutionStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Trailboss's own REST API under /api/v1. */
final class NativeRoutes {
    private final Trailboss tb;

    NativeRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/health", ctx -> ctx.json(Map.of("status", "ok", "node", tb.node().describe())), Access.PUBLIC);
        r.post("/api/v1/workflows", ctx -> ctx.status(201).json(Map.of("workflows", tb.catalog().create(definition(ctx)).stream().map(Views::workflow).toList())), Access.OPERATOR);
        r.put("/api/v1/workflows", ctx -> ctx.json(Map.of("workflows", tb.catalog().createOrUpdate(definition(ctx)).stream().map(Views::workflow).toList())), Access.OPERATOR);
        r.post("/api/v1/workflows/validate", ctx -> {
            var doc = tb.catalog().validate(definition(ctx));
            ctx.json(Map.of("valid", true, "workflows", List.copyOf(doc.workflows().keySet()), "actions", List.copyOf(doc.actions().keySet())));
        }, Access.VIEWER);
        r.get("/api/v1/workflows", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Bodies.page(tb.catalog().list(limit, offset).stream().map(Views::workflow).toList(), tb.catalog().count(), limit, offset));
        }, Access.VIEWER);
        r.get("/api/v1/workflows/{name}", ctx -> {
            Workflow w = workflow(ctx.pathParam("name"));
            Map<String, Object> view = new java.util.LinkedHashMap<>(Views.workflow(w));
            view.put("definition", tb.catalog().source(w));
            ctx.json(view);
        }, Access.VIEWER);
        r.delete("/api/v1/workflows/{name}", ctx -> {
            tb.catalog().delete(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);

        r.post("/api/v1/executions", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("workflow", "input", "env", "description", "task"));
            StartRequest request = new StartRequest(Bodies.string(body, "workflow", true), io.trailboss.engine.SealedInputs.refuseIn(Bodies.map(body, "input")),
                    Bodies.map(body, "env"), Bodies.string(body, "description", false), Bodies.string(body, "task", false));
            String key = idempotencyKey(ctx);
            if (key == null) {
                ctx.status(201).json(execution(tb.engine().start(request)));
                return;
            }
            switch (tb.idempotentStarts().start(principalKey(ctx), key, body, request)) {
                case IdempotentStarts.Outcome.Started s -> ctx.status(201).json(execution(s.execution()));
                case IdempotentStarts.Outcome.Repeated s -> ctx.status(200).header("Idempotent-Replayed", "true").json(execution(s.execution()));
                case IdempotentStarts.Outcome.KeyReused s -> throw new ApiException(422, IDEMPOTENCY_KEY, "Idempotency-Key '" + key + "' was used at "
                        + java.time.Instant.ofEpochMilli(s.usedAt()) + " for another request (execution " + s.executionId()
                        + "); a key stands for one request for " + IdempotentStarts.RETENTION.toHours() + " h: send a new key with a new request");
            }
        }, Access.OPERATOR);
        r.get("/api/v1/executions", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            String order = ctx.queryParam("order");
            if (order != null && !order.equals("asc") && !order.equals("desc")) throw ApiException.badRequest("order", "'order' must be asc or desc");
            ExecutionStore.Filter filter = Visibility.of(ctx).executions(new ExecutionStore.Filter(ctx.queryParam("workflow"), state(ctx.queryParam("state")),
                    Bodies.timeParam(ctx, "created_after"), Bodies.timeParam(ctx, "created_before"), null));
            var items = tb.queries().executions(filter, limit, offset, !"asc".equals(order)).stream().map(this::execution).toList();
            ctx.json(Bodies.page(items, tb.queries().countExecutions(filter), limit, offset));
        }, Access.VIEWER);
        r.get("/api/v1/executions/{id}", ctx -> ctx.json(execution(execution(ctx.pathParam("id")))), Access.VIEWER);
        r.put("/api/v1/executions/{id}", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("state", "by"));
            ctx.json(execution(control(tb.engine(), ctx.pathParam("id"), Bodies.string(body, "state", true), Bodies.actor(ctx, body))));
        }, Access.OPERATOR);
        r.delete("/api/v1/executions/{id}", ctx -> {
            var deleted = tb.executionDeletion().delete(ctx.pathParam("id"), MistralRoutes.force(ctx), Bodies.headerActor(ctx));
            ctx.json(Map.of("deleted", deleted.executions(), "tasks", deleted.tasks(), "jobs", deleted.jobs()));
        }, Access.OPERATOR);
        r.get("/api/v1/executions/{id}/tasks", ctx -> {
            String id = execution(ctx.pathParam("id")).id();
            ctx.json(Map.of("items", tb.queries().tasks(id).stream().map(this::task).toList()));
        }, Access.VIEWER);
        r.get("/api/v1/tasks/{id}", ctx -> ctx.json(task(tb.queries().task(ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundException("task execution '" + ctx.pathParam("id") + "' does not exist")))), Access.VIEWER);
        r.get("/api/v1/tasks/{id}/jobs", ctx -> {
            tb.queries().task(ctx.pathParam("id")).orElseThrow(() -> new NotFoundException("task execution '" + ctx.pathParam("id") + "' does not exist"));
            ctx.json(Map.of("items", jobs(Visibility.of(ctx).jobs(tb.queries().jobs(ctx.pathParam("id"))))));
        }, Access.VIEWER);
        r.get("/api/v1/jobs/{id}", ctx -> ctx.json(job(tb.queries().job(ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundException("job '" + ctx.pathParam("id") + "' does not exist")))), Access.VIEWER);
        r.get("/api/v1/targets/{name}/jobs", ctx -> {
            String name = tb.targets().get(ctx.pathParam("name")).name();
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Map.of("items", jobs(tb.queries().jobsOnTarget(name, limit, offset)), "limit", limit, "offset", offset));
        }, Access.VIEWER);
        r.post("/api/v1/jobs/{id}/complete", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("state", "output", "error"));
            String state = Bodies.string(body, "state", true);
            if (!state.equals("SUCCESS") && !state.equals("ERROR")) throw ApiException.badRequest("state", "'state' must be SUCCESS or ERROR");
            InboxRoutes.refuseManual(tb, ctx.pathParam("id"));
            Engine.Completion c = tb.engine().completeAsync(ctx.pathParam("id"), state.equals("SUCCESS"), body.get("output"), Bodies.string(body, "error", false));
            ctx.json(Map.of("changed", c.changed(), "job", job(c.job())));
        }, Access.OPERATOR);
    }

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The request's Idempotency-Key: null when none is given; 1 to 255 printable ASCII characters. */
    private static String idempotencyKey(Context ctx) {
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key == null) return null;
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw ApiException.badRequest(IDEMPOTENCY_KEY, "the Idempotency-Key header must hold 1 to 255 printable ASCII characters");
        }
        return key;
    }

    /** Whose keys these are: a key of one principal never answers another's request. */
    private static String principalKey(Context ctx) {
        io.trailboss.auth.Principal p = ctx.attribute(Security.PRINCIPAL);
        if (p == null) return "anonymous";
        return p.kind().label() + ":" + (p.tokenId() != null ? "token " + p.tokenId() : p.name());
    }

    /** A job as the API shows it: secret params of its target masked wherever they appear. */
    private Map<String, Object> job(io.trailboss.model.Job j) {
        return jobs(List.of(j)).getFirst();
    }

    /** Jobs as the API shows them; each target's secrets are resolved once for the whole list. */
    private List<Map<String, Object>> jobs(List<io.trailboss.model.Job> list) {
        Map<String, List<String>> secretsByTarget = new java.util.HashMap<>();
        Map<String, List<String>> secretInputs = new java.util.HashMap<>();
        List<Map<String, Object>> out = new java.util.ArrayList<>(list.size());
        for (io.trailboss.model.Job j : list) {
            Map<String, Object> view = Views.job(j);
            List<String> secrets = new java.util.ArrayList<>(secretInputs.computeIfAbsent(j.executionId(), tb.engine()::inputSecretsOf));
            if (j.target() != null || tb.engine().hasTargetInputs(j)) {
                secrets.addAll(tb.engine().hasTargetInputs(j) ? tb.engine().secretsOf(j) : secretsByTarget.computeIfAbsent(j.target(), tb.engine()::secretsOf));
            }
            if (!secrets.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> masked = (Map<String, Object>) io.trailboss.engine.Secrets.mask(view, secrets);
                view = masked;
            }
            out.add(view);
        }
        return out;
    }

    /** An execution as the API shows it: values given to secret form fields of its operation run masked. */
    private Map<String, Object> execution(Execution e) {
        return masked(e.id(), Views.execution(e));
    }

    private Map<String, Object> task(io.trailboss.model.TaskExecution t) {
        return masked(t.executionId(), Views.task(t));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> masked(String executionId, Map<String, Object> view) {
        List<String> given = tb.engine().inputSecretsOf(executionId);
        return given.isEmpty() ? view : (Map<String, Object>) io.trailboss.engine.Secrets.mask(view, given);
    }

    /** PAUSED, RUNNING (resume) or CANCELLED, as Mistral's PUT on an execution. */
    static Execution control(Engine engine, String id, String state, String actor) {
        return switch (state.toUpperCase(Locale.ROOT)) {
            case "PAUSED" -> engine.pause(id, actor);
            case "RUNNING" -> engine.resume(id, actor);
            case "CANCELLED" -> engine.cancel(id, actor);
            default -> throw ApiException.badRequest("state", "'state' must be PAUSED, RUNNING or CANCELLED, not '" + state + "'");
        };
    }

    /** A definition as raw YAML (any text type) or as JSON {"definition": "..."}. */
    static String definition(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        if (type.startsWith("application/json")) {
            return Bodies.string(Bodies.object(ctx, Set.of("definition")), "definition", true);
        }
        return ctx.body();
    }

    private Workflow workflow(String idOrName) {
        return tb.catalog().find(idOrName).orElseThrow(() -> new NotFoundException("workflow '" + idOrName + "' does not exist"));
    }

    private Execution execution(String id) {
        return tb.queries().execution(id).orElseThrow(() -> new NotFoundException("execution '" + id + "' does not exist"));
    }

    private static ExecutionState state(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            return ExecutionState.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state", "unknown state '" + s + "' (one of " + java.util.Arrays.toString(ExecutionState.values()) + ")");
        }
    }
}
