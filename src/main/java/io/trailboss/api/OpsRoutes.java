package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.YamlReader;
import io.trailboss.json.Json;
import io.trailboss.lifecycle.Stage;
import io.trailboss.lifecycle.StageStep;
import io.trailboss.operation.FieldSpec;
import io.trailboss.operation.Operation;
import io.trailboss.operation.TargetRun;
import io.trailboss.model.Target;
import io.trailboss.trigger.Triggers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Operations and runs on targets, stages and lifecycles, triggers and webhooks under /api/v1. */
final class OpsRoutes {
    private final Trailboss tb;

    OpsRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        // ---- operations
        r.put("/api/v1/operations", ctx -> ctx.json(Map.of("items", tb.operations().declareAll(document(ctx)).stream().map(this::operation).toList())), Access.OPERATOR);
        r.get("/api/v1/operations", ctx -> ctx.json(Map.of("items", tb.operations().list(emptyToNull(ctx.queryParam("kind"))).stream().map(this::operation).toList())), Access.VIEWER);
        r.put("/api/v1/operations/{name}", ctx -> ctx.json(operation(tb.operations().declare(ctx.pathParam("name"), document(ctx)))), Access.OPERATOR);
        r.get("/api/v1/operations/{name}", ctx -> ctx.json(operation(tb.operations().get(ctx.pathParam("name")))), Access.VIEWER);
        r.delete("/api/v1/operations/{name}", ctx -> {
            tb.operations().delete(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);
        r.get("/api/v1/targets/{name}/operations", ctx -> {
            Target t = tb.targets().get(ctx.pathParam("name"));
            List<TargetRun> open = tb.runs().openOn(t.name());
            ctx.json(Map.of("items", tb.operations().list(t.kind()).stream().map(op -> offered(op, open)).toList()));
        }, Access.VIEWER);
        r.get("/api/v1/targets/{name}/operations/{operation}", ctx -> {
            Target t = tb.targets().get(ctx.pathParam("name"));
            Operation op = tb.operations().get(ctx.pathParam("operation"));
            if (!op.kind().equals(t.kind())) throw new ApiException(404, "operation", "operation '" + op.name() + "' is not offered on kind '" + t.kind() + "'");
            ctx.json(offered(op, tb.runs().openOn(t.name())));
        }, Access.VIEWER);
        r.post("/api/v1/targets/{name}/operations/{operation}/runs", ctx -> {
            Map<String, Object> body = ctx.body().isBlank() ? Map.of() : Bodies.object(ctx, Set.of("input", "queue", "by"));
            boolean queue = flag(body, "queue");
            TargetRun run = tb.runs().runOperation(ctx.pathParam("name"), ctx.pathParam("operation"), Bodies.map(body, "input"), queue, Bodies.actor(ctx, body));
            ctx.status(run.state() == TargetRun.State.QUEUED ? 202 : 201).json(tb.runs().view(run));
        }, Access.OPERATOR);
        r.get("/api/v1/targets/{name}/runs", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Map.of("items", tb.runs().onTarget(ctx.pathParam("name"), limit, offset).stream().map(tb.runs()::view).toList()));
        }, Access.VIEWER);
        r.get("/api/v1/runs/{id}", ctx -> ctx.json(tb.runs().view(tb.runs().get(ctx.pathParam("id")))), Access.VIEWER);
        r.get("/api/v1/runs/{id}/variables", ctx -> ctx.json(visibleJobs(Visibility.of(ctx), tb.runs().variables(ctx.pathParam("id")))), Access.VIEWER);

        // ---- stages and lifecycles
        r.put("/api/v1/stages/{name}", ctx -> ctx.json(stage(tb.lifecycles().declareStage(ctx.pathParam("name"), document(ctx)))), Access.OPERATOR);
        r.get("/api/v1/stages", ctx -> ctx.json(Map.of("items", tb.lifecycles().stages().stream().map(this::stage).toList())), Access.VIEWER);
        r.get("/api/v1/stages/{name}", ctx -> ctx.json(stage(tb.lifecycles().stage(ctx.pathParam("name")))), Access.VIEWER);
        r.delete("/api/v1/stages/{name}", ctx -> {
            tb.lifecycles().deleteStage(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);
        r.put("/api/v1/stage-maps/{scope}", ctx -> {
            List<StageStep> steps = tb.lifecycles().setMap(ctx.pathParam("scope"), document(ctx));
            ctx.json(Map.of("scope", ctx.pathParam("scope"), "steps", steps.stream().map(this::step).toList()));
        }, Access.OPERATOR);
        r.get("/api/v1/stage-maps", ctx -> ctx.json(Map.of("items", tb.lifecycles().maps().stream().map(this::step).toList())), Access.VIEWER);
        r.put("/api/v1/targets/{name}/stage", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("stage", "queue", "by", "runnable", "single_step"));
            tb.lifecycles().move(ctx.pathParam("name"), Bodies.string(body, "stage", true), flag(body, "queue"), Bodies.actor(ctx, body),
                    bool(body, "runnable"), bool(body, "single_step"));
            ctx.json(tb.lifecycles().view(ctx.pathParam("name")));
        }, Access.OPERATOR);
        r.get("/api/v1/targets/{name}/lifecycle", ctx -> ctx.json(tb.lifecycles().view(ctx.pathParam("name"))), Access.VIEWER);
        r.patch("/api/v1/targets/{name}/lifecycle", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("runnable", "single_step"));
            tb.lifecycles().setFlags(ctx.pathParam("name"), bool(body, "runnable"), bool(body, "single_step"));
            ctx.json(tb.lifecycles().view(ctx.pathParam("name")));
        }, Access.OPERATOR);
        r.post("/api/v1/targets/{name}/lifecycle/continue", ctx -> {
            Map<String, Object> body = ctx.body().isBlank() ? Map.of() : Bodies.object(ctx, Set.of("by"));
            tb.lifecycles().proceed(ctx.pathParam("name"), Bodies.actor(ctx, body));
            ctx.json(tb.lifecycles().view(ctx.pathParam("name")));
        }, Access.OPERATOR);
        r.get("/api/v1/targets/{name}/history", ctx -> ctx.json(Map.of("target", ctx.pathParam("name"), "stages", tb.lifecycles().history(ctx.pathParam("name")))), Access.VIEWER);

        // ---- triggers
        r.put("/api/v1/triggers/{name}", ctx -> {
            Triggers.Saved saved = tb.triggers().save(ctx.pathParam("name"), document(ctx));
            Map<String, Object> v = new LinkedHashMap<>(Triggers.view(saved.trigger()));
            if (saved.secret() != null) v.put("secret", saved.secret());
            ctx.json(v);
        }, Access.OPERATOR);
        r.get("/api/v1/triggers", ctx -> ctx.json(Map.of("items", tb.triggers().list().stream().map(Triggers::view).toList())), Access.VIEWER);
        r.get("/api/v1/triggers/{name}", ctx -> ctx.json(Triggers.view(tb.triggers().get(ctx.pathParam("name")))), Access.VIEWER);
        r.delete("/api/v1/triggers/{name}", ctx -> {
            tb.triggers().delete(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);
        r.post("/api/v1/triggers/{name}/pause", ctx -> ctx.json(Triggers.view(tb.triggers().setPaused(ctx.pathParam("name"), true))), Access.OPERATOR);
        r.post("/api/v1/triggers/{name}/resume", ctx -> ctx.json(Triggers.view(tb.triggers().setPaused(ctx.pathParam("name"), false))), Access.OPERATOR);
        r.get("/api/v1/triggers/{name}/firings", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Map.of("items", tb.triggers().firings(ctx.pathParam("name"), limit, offset).stream().map(Triggers::view).toList()));
        }, Access.VIEWER);
        r.post("/api/v1/hooks/{name}", ctx -> {
            // per trigger, counted on this node: a flood is refused before it costs a firing row and an HMAC
            java.util.Optional<java.time.Duration> wait = tb.auth().hooks().tryAcquire(ctx.pathParam("name"));
            if (wait.isPresent()) {
                ctx.header("Retry-After", String.valueOf(Math.max(1, wait.get().toSeconds())));
                throw new ApiException(429, null, "webhook '" + ctx.pathParam("name") + "' was called more than " + io.trailboss.auth.Auth.HOOK_CALLS
                        + " times in a minute; retry in " + wait.get().toSeconds() + " s");
            }
            ctx.status(202).json(Triggers.view(tb.triggers().hook(ctx.pathParam("name"), ctx.bodyAsBytes(), ctx.headerMap())));
        }, Access.PUBLIC);
    }

    /** A run's variables without the job inputs of jobs out of the reader's sight (on targets its grants do not reach). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> visibleJobs(Visibility sight, Map<String, Object> variables) {
        if (sight.all() || !(variables.get("tasks") instanceof Map<?, ?> tasks)) return variables;
        Map<String, Object> out = new LinkedHashMap<>(variables);
        Map<String, Object> kept = new LinkedHashMap<>();
        ((Map<String, Object>) tasks).forEach((task, jobs) -> kept.put(task, ((List<Map<String, Object>>) jobs).stream()
                .filter(j -> sight.seesJob(String.valueOf(j.get("job")))).toList()));
        out.put("tasks", kept);
        return out;
    }

    /** A JSON or YAML (by Content-Type) object body. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> document(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) throw ApiException.badRequest(null, "the request body is empty; expected a JSON or YAML object");
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        Object doc;
        if (type.contains("yaml")) {
            // the reader that workflow definitions go through: its limits, and keys, text and numbers that round-trip
            try {
                doc = YamlReader.read(body, YamlReader.Schema.DOCUMENT).plain();
            } catch (DefinitionException e) {
                DefinitionException.Problem p = e.problems().getFirst();
                throw ApiException.badRequest(p.path() == null || p.path().isEmpty() ? null : p.path(), "the request body is not acceptable YAML: " + e.getMessage());
            }
        } else {
            try {
                doc = Json.read(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(null, "the request body is not JSON: " + e.getMessage());
            }
        }
        if (!(doc instanceof Map<?, ?> m)) throw ApiException.badRequest(null, "the request body must be an object");
        return (Map<String, Object>) m;
    }

    private static boolean flag(Map<String, Object> body, String key) {
        Boolean b = bool(body, key);
        return b != null && b;
    }

    private static Boolean bool(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return null;
        if (!(v instanceof Boolean b)) throw ApiException.badRequest(key, "field '" + key + "' must be true or false");
        return b;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private Map<String, Object> operation(Operation op) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", op.name());
        v.put("kind", op.kind());
        v.put("workflow", op.workflow());
        if (op.description() != null) v.put("description", op.description());
        v.put("fields", op.fields());
        return v;
    }

    /** An operation as a target offers it: its form, and whether "Run" is enabled (nothing open on the target). */
    private Map<String, Object> offered(Operation op, List<TargetRun> open) {
        Map<String, Object> v = operation(op);
        v.remove("fields");
        v.put("form", tb.operations().form(op).stream().map(FieldSpec::view).toList());
        v.put("runnable", open.isEmpty());
        Optional<TargetRun> busy = open.stream().findFirst();
        busy.ifPresent(b -> v.put("busy", Map.of("run", b.id(), "kind", b.kind().name().toLowerCase(), "name", b.name(), "state", b.state().name())));
        return v;
    }

    private Map<String, Object> stage(Stage s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", s.name());
        v.put("workflow", s.workflow());
        if (s.description() != null) v.put("description", s.description());
        return v;
    }

    private Map<String, Object> step(StageStep s) {
        return Map.of("scope", s.scope(), "from", s.from(), "next", s.to(), "on", s.way().name().toLowerCase());
    }
}
