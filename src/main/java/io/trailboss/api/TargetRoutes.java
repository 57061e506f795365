package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.trailboss.app.Trailboss;
import io.trailboss.json.Json;
import io.trailboss.target.EffectiveParam;
import io.trailboss.model.ParamDecl;
import io.trailboss.model.Profile;
import io.trailboss.model.Target;
import io.trailboss.target.TargetException;
import io.trailboss.target.TargetPatch;
import io.trailboss.target.TargetSpec;
import io.trailboss.target.Targets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Targets, profiles and param declarations under /api/v1. Secret values are always masked. */
final class TargetRoutes {
    private static final Set<String> TARGET_FIELDS = Set.of("kind", "name", "parent", "labels", "params", "profiles", "stage");
    private final Trailboss tb;

    TargetRoutes(Trailboss tb) {
        this.tb = tb;
    }

    private Targets targets() {
        return tb.targets();
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/targets", h(ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            Targets.Query q = new Targets.Query(emptyToNull(ctx.queryParam("kind")), labelSelector(ctx.queryParams("label")), emptyToNull(ctx.queryParam("parent")),
                    Visibility.of(ctx).targetScope());
            var items = targets().list(q, limit, offset).stream().map(this::target).toList();
            ctx.json(Bodies.page(items, targets().count(q), limit, offset));
        }), Access.VIEWER);
        r.post("/api/v1/targets", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, TARGET_FIELDS);
            TargetSpec spec = new TargetSpec(Bodies.string(body, "kind", true), Bodies.string(body, "name", true),
                    Bodies.string(body, "parent", false), labels(body), Bodies.map(body, "params"), strings(body, "profiles"),
                    Bodies.string(body, "stage", false));
            mayCreate(ctx, spec);
            Target t = targets().create(spec);
            ctx.status(201).json(target(t));
        }), Access.OPERATOR);
        r.get("/api/v1/targets/{name}", h(ctx -> ctx.json(target(targets().get(ctx.pathParam("name"))))), Access.VIEWER);
        r.patch("/api/v1/targets/{name}", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, TARGET_FIELDS);
            if (body.containsKey("kind") && body.get("kind") == null) throw ApiException.badRequest("kind", "field 'kind' cannot be null");
            if (body.containsKey("name") && body.get("name") == null) throw ApiException.badRequest("name", "field 'name' cannot be null");
            TargetPatch patch = new TargetPatch(Bodies.string(body, "kind", false), Bodies.string(body, "name", false),
                    body.containsKey("parent") ? Optional.ofNullable(Bodies.string(body, "parent", false)) : null,
                    body.containsKey("labels") ? labels(body) : null,
                    body.containsKey("params") ? Bodies.map(body, "params") : null,
                    body.containsKey("profiles") ? strings(body, "profiles") : null,
                    body.containsKey("stage") ? Optional.ofNullable(Bodies.string(body, "stage", false)) : null);
            mayChange(ctx, targets().get(ctx.pathParam("name")), patch);
            ctx.json(target(targets().update(ctx.pathParam("name"), patch)));
        }), Access.OPERATOR);
        r.delete("/api/v1/targets/{name}", h(ctx -> {
            targets().delete(ctx.pathParam("name"));
            ctx.status(204);
        }), Access.OPERATOR);
        r.get("/api/v1/targets/{name}/params", h(ctx -> ctx.json(effective(targets().get(ctx.pathParam("name"))))), Access.VIEWER);
        r.patch("/api/v1/targets/{name}/params", h(ctx -> {
            Map<String, Object> changes = anyObject(ctx);
            ctx.json(effective(targets().setParams(ctx.pathParam("name"), changes)));
        }), Access.OPERATOR);
        r.put("/api/v1/targets/{name}/params/{param}", h(ctx -> {
            if (ctx.body().isBlank()) throw ApiException.badRequest(null, "the request body is empty; expected the param's JSON value");
            Object value;
            try {
                value = Json.read(ctx.body());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(null, "the request body is not JSON: " + e.getMessage());
            }
            if (value == null) throw ApiException.badRequest(null, "a param value cannot be null; DELETE the param to remove it");
            Map<String, Object> change = new LinkedHashMap<>();
            change.put(ctx.pathParam("param"), value);
            ctx.json(effective(targets().setParams(ctx.pathParam("name"), change)));
        }), Access.OPERATOR);
        r.delete("/api/v1/targets/{name}/params/{param}", h(ctx -> {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put(ctx.pathParam("param"), null);
            ctx.json(effective(targets().setParams(ctx.pathParam("name"), change)));
        }), Access.OPERATOR);

        r.get("/api/v1/profiles", h(ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Bodies.page(targets().profiles(limit, offset).stream().map(this::profile).toList(), targets().countProfiles(), limit, offset));
        }), Access.VIEWER);
        r.post("/api/v1/profiles", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("name", "description", "params"));
            ctx.status(201).json(profile(targets().createProfile(Bodies.string(body, "name", true),
                    Bodies.string(body, "description", false), Bodies.map(body, "params"))));
        }), Access.OPERATOR);
        r.get("/api/v1/profiles/{name}", h(ctx -> ctx.json(profile(targets().profile(ctx.pathParam("name"))))), Access.VIEWER);
        r.patch("/api/v1/profiles/{name}", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("description", "params"));
            ctx.json(profile(targets().updateProfile(ctx.pathParam("name"), Bodies.string(body, "description", false),
                    body.containsKey("params") ? Bodies.map(body, "params") : null)));
        }), Access.OPERATOR);
        r.delete("/api/v1/profiles/{name}", h(ctx -> {
            targets().deleteProfile(ctx.pathParam("name"));
            ctx.status(204);
        }), Access.OPERATOR);

        r.get("/api/v1/params", h(ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(Bodies.page(targets().params(limit, offset).stream().map(TargetRoutes::param).toList(), targets().countParams(), limit, offset));
        }), Access.VIEWER);
        r.post("/api/v1/params", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("name", "schema", "default", "secret", "description"));
            ctx.status(201).json(param(targets().declare(Bodies.string(body, "name", true), schema(body), body.containsKey("default"),
                    body.get("default"), bool(body, "secret"), Bodies.string(body, "description", false))));
        }), Access.OPERATOR);
        r.get("/api/v1/params/{name}", h(ctx -> ctx.json(param(targets().param(ctx.pathParam("name"))))), Access.VIEWER);
        r.put("/api/v1/params/{name}", h(ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("name", "schema", "default", "secret", "description"));
            String name = ctx.pathParam("name");
            if (body.get("name") != null && !name.equals(body.get("name"))) {
                throw ApiException.badRequest("name", "field 'name' must match the path ('" + name + "'); a param cannot be renamed");
            }
            ctx.json(param(targets().redeclare(name, schema(body), body.containsKey("default"), body.get("default"),
                    bool(body, "secret"), Bodies.string(body, "description", false))));
        }), Access.OPERATOR);
        r.delete("/api/v1/params/{name}", h(ctx -> {
            targets().undeclare(ctx.pathParam("name"));
            ctx.status(204);
        }), Access.OPERATOR);
    }

    // ---------------------------------------------------------------- scoped operators

    /**
     * A scoped operator creates a target only inside its scope: it needs operator on the new target as it will be
     * (its name, labels and place under its parent) and on the parent. Profiles are shared by every target that
     * uses them, so giving a target profiles needs a global grant.
     */
    private void mayCreate(Context ctx, TargetSpec spec) {
        io.trailboss.auth.TargetFacts parent = spec.parent() == null ? null : Visibility.facts(tb, spec.parent());
        if (spec.parent() != null) Security.requireOperator(ctx, parent, spec.parent(), "create target '" + spec.name() + "' under '" + spec.parent() + "'");
        List<String> lineage = new java.util.ArrayList<>();
        lineage.add(spec.name());
        if (parent != null) lineage.addAll(parent.lineage());
        Security.requireOperator(ctx, new io.trailboss.auth.TargetFacts(spec.name(), spec.labels() == null ? Map.of() : spec.labels(), lineage), spec.name(),
                "create target '" + spec.name() + "'");
        if (spec.profiles() != null && !spec.profiles().isEmpty()) {
            Security.requireGlobalOperator(ctx, "give target '" + spec.name() + "' profiles " + spec.profiles(), "a profile's params reach every target that uses it");
        }
    }

    /**
     * The route's scope check covers the target itself (and so the side of its old parent); a new parent must be in
     * the caller's scope too, else the target's jobs would inherit the params (secrets included) of a target the
     * caller may not touch. Adding profiles needs a global grant, for the same reason.
     */
    private void mayChange(Context ctx, Target current, TargetPatch patch) {
        if (patch.parent() != null && patch.parent().isPresent()) {
            String parent = patch.parent().get();
            Security.requireOperator(ctx, Visibility.facts(tb, parent), parent, "move target '" + current.name() + "' under '" + parent + "'");
        }
        if (patch.profiles() != null) {
            List<String> added = patch.profiles().stream().filter(p -> !current.profiles().contains(p)).toList();
            if (!added.isEmpty()) {
                Security.requireGlobalOperator(ctx, "give target '" + current.name() + "' profiles " + added, "a profile's params reach every target that uses it");
            }
        }
    }

    /** Domain refusals become problem+json answers that name the field. */
    private static Handler h(Handler inner) {
        return ctx -> {
            try {
                inner.handle(ctx);
            } catch (TargetException e) {
                int status = switch (e.kind()) {
                    case INVALID -> 400;
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                };
                throw new ApiException(status, e.field(), e.getMessage());
            }
        };
    }

    // ---------------------------------------------------------------- views

    private Map<String, Object> target(Target t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("kind", t.kind());
        v.put("name", t.name());
        v.put("parent", targets().parentName(t));
        v.put("labels", t.labels());
        v.put("profiles", t.profiles());
        v.put("params", targets().masked(t.params()));
        v.put("stage", t.stage());
        v.put("created_at", Views.time(t.createdAt()));
        v.put("updated_at", Views.time(t.updatedAt()));
        return v;
    }

    private Map<String, Object> effective(Target t) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<String, EffectiveParam> e : targets().effective(t.id()).entrySet()) {
            EffectiveParam p = e.getValue();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("value", p.secret() ? Targets.MASK : p.value());
            one.put("source", p.source());
            if (p.secret()) one.put("secret", true);
            params.put(e.getKey(), one);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("target", t.name());
        v.put("params", params);
        return v;
    }

    private Map<String, Object> profile(Profile p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", p.name());
        v.put("description", p.description());
        v.put("params", targets().masked(p.params()));
        v.put("created_at", Views.time(p.createdAt()));
        v.put("updated_at", Views.time(p.updatedAt()));
        return v;
    }

    private static Map<String, Object> param(ParamDecl d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", d.name());
        v.put("schema", d.schema());
        if (d.hasDefault()) v.put("default", d.secret() ? Targets.MASK : d.defaultValue());
        v.put("secret", d.secret());
        v.put("description", d.description());
        v.put("created_at", Views.time(d.createdAt()));
        v.put("updated_at", Views.time(d.updatedAt()));
        return v;
    }

    // ---------------------------------------------------------------- strict reading

    private static Map<String, Object> anyObject(Context ctx) {
        if (ctx.body().isBlank()) throw ApiException.badRequest(null, "the request body is empty; expected a JSON object of params (null removes one)");
        try {
            return Json.readMap(ctx.body());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, "the request body is not a JSON object: " + e.getMessage());
        }
    }

    private static Map<String, String> labels(Map<String, Object> body) {
        Map<String, String> out = new LinkedHashMap<>();
        Bodies.map(body, "labels").forEach((k, v) -> {
            if (!(v instanceof String s)) throw ApiException.badRequest("labels." + k, "label '" + k + "' must be a string");
            out.put(k, s);
        });
        return out;
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> list)) throw ApiException.badRequest(key, "field '" + key + "' must be a list of strings");
        for (Object o : list) {
            if (!(o instanceof String)) throw ApiException.badRequest(key, "field '" + key + "' must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static boolean bool(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return false;
        if (!(v instanceof Boolean b)) throw ApiException.badRequest(key, "field '" + key + "' must be true or false");
        return b;
    }

    private static Object schema(Map<String, Object> body) {
        Object v = body.get("schema");
        if (v != null && !(v instanceof Map<?, ?>) && !(v instanceof Boolean)) throw ApiException.badRequest("schema", "field 'schema' must be a JSON schema (an object or a boolean)");
        return v;
    }

    private static Map<String, String> labelSelector(List<String> selectors) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String selector : selectors) {
            for (String part : selector.split(",")) {
                if (part.isBlank()) continue;
                int eq = part.indexOf('=');
                if (eq <= 0) throw ApiException.badRequest("label", "a label selector is name=value, not '" + part + "'");
                out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
