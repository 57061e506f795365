package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.action.Action;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.model.Names;
import io.trailboss.model.StoredAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Mistral's actions: the registered ones (is_system true) and the global ad-hoc actions of action-create (is_system
 * false) in one list, the ad-hoc ones written as Mistral takes them (a YAML document of actions as text/plain), and
 * run-action. Writes of ad-hoc actions need a global operator grant: any workflow may call them.
 */
final class MistralActionRoutes {
    private static final String BASE = "/mistral/v2";
    private static final Set<String> RUN_PARAMS = Set.of("run_sync", "save_result", "target");
    private static final Set<String> LIST_PARAMS = Set.of("limit", "marker", "sort_keys", "sort_dirs", "fields", "name", "is_system", "scope", "namespace");
    private static final List<String> SORT_KEYS = List.of("name", "created_at", "updated_at", "id");
    private static final String GLOBAL = "ad-hoc actions are global: any workflow may call one";

    private final Trailboss tb;

    MistralActionRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get(BASE + "/actions", ctx -> ctx.json(Map.of("actions", list(ctx))), Access.VIEWER);
        r.post(BASE + "/actions", ctx -> {
            Security.requireGlobalOperator(ctx, "create an ad-hoc action", GLOBAL);
            MistralRoutes.noNamespace(ctx);
            List<StoredAction> created = tb.globalActions().create(NativeRoutes.definition(ctx), MistralRoutes.scope(ctx));
            ctx.status(201).json(Map.of("actions", written(created)));
        }, Access.OPERATOR);
        r.put(BASE + "/actions", ctx -> update(ctx, null), Access.OPERATOR);
        r.put(BASE + "/actions/{name}", ctx -> update(ctx, ctx.pathParam("name")), Access.OPERATOR);
        r.post(BASE + "/actions/validate", ctx -> ctx.json(MistralRoutes.validation(() -> tb.globalActions().validate(NativeRoutes.definition(ctx)))),
                Access.VIEWER);
        r.get(BASE + "/actions/{name}", ctx -> ctx.json(action(ctx.pathParam("name"))), Access.VIEWER);
        r.delete(BASE + "/actions/{name}", ctx -> delete(ctx, ctx.pathParam("name")), Access.OPERATOR);
        // the client names the namespace after the action (/actions/NAME/NAMESPACE): only the empty one exists here
        r.get(BASE + "/actions/{name}/{namespace}", ctx -> {
            noNamespace(ctx.pathParam("namespace"));
            ctx.json(action(ctx.pathParam("name")));
        }, Access.VIEWER);
        r.delete(BASE + "/actions/{name}/{namespace}", ctx -> {
            noNamespace(ctx.pathParam("namespace"));
            delete(ctx, ctx.pathParam("name"));
        }, Access.OPERATOR);
        r.post(BASE + "/action_executions", this::runAction, Access.OPERATOR);
    }

    private void update(Context ctx, String identifier) {
        Security.requireGlobalOperator(ctx, "change an ad-hoc action", GLOBAL);
        MistralRoutes.noNamespace(ctx);
        ctx.json(Map.of("actions", written(tb.globalActions().update(NativeRoutes.definition(ctx), MistralRoutes.scope(ctx), identifier))));
    }

    private void delete(Context ctx, String name) {
        Security.requireGlobalOperator(ctx, "delete an ad-hoc action", GLOBAL);
        MistralRoutes.noNamespace(ctx);
        tb.globalActions().delete(name);
        ctx.status(204);
    }

    private static void noNamespace(String namespace) {
        if (!namespace.isEmpty()) throw ApiException.badRequest("namespace", "namespaces are not supported: Trailboss has one namespace (leave it empty)");
    }

    /** A registered action by name, else an ad-hoc action by name or id. */
    private Map<String, Object> action(String name) {
        Action builtIn = tb.engine().actions().find(name).orElse(null);
        if (builtIn != null) return builtIn(builtIn);
        StoredAction a = tb.globalActions().find(name).orElseThrow(() -> new NotFoundException("action '" + name + "' does not exist"));
        return stored(a, tb.globalActions().source(a), false);
    }

    /** An action in a list: its answer and what it sorts by. */
    private record Listed(Map<String, Object> view, String name, String id, Long createdAt, Long updatedAt, boolean system, String scope) {}

    /**
     * Both kinds of action, filtered by name, is_system or scope, sorted by sort_keys (name by default; a registered
     * action has no creation time and sorts before the ad-hoc ones by it), a page after the action named by marker.
     * Other filters are refused rather than ignored.
     */
    private List<Map<String, Object>> list(Context ctx) {
        for (String q : ctx.queryParamMap().keySet()) {
            if (!LIST_PARAMS.contains(q)) throw ApiException.badRequest(q, "filter '" + Names.shown(q) + "' is not supported (filter by name, is_system or scope)");
        }
        MistralRoutes.noNamespace(ctx);
        int limit = Bodies.intParam(ctx, "limit", 1000, 1, 1000);
        List<Listed> all = new ArrayList<>();
        for (Action a : tb.engine().actions().all()) all.add(new Listed(builtIn(a), a.name(), a.name(), null, null, true, "public"));
        Map<String, String> sources = new HashMap<>();
        for (StoredAction a : tb.globalActions().list()) {
            String definition = sources.computeIfAbsent(a.sourceSha(), sha -> tb.globalActions().source(a));
            all.add(new Listed(stored(a, definition, false), a.name(), a.id(), a.createdAt(), a.updatedAt(), false, a.scope()));
        }
        String name = ctx.queryParam("name");
        String system = ctx.queryParam("is_system");
        if (system != null && !system.equalsIgnoreCase("true") && !system.equalsIgnoreCase("false")) {
            throw ApiException.badRequest("is_system", "'is_system' must be true or false, not '" + Names.shown(system) + "'");
        }
        String scope = ctx.queryParam("scope");
        List<Listed> chosen = new ArrayList<>(all.stream()
                .filter(a -> name == null || a.name().equals(name))
                .filter(a -> system == null || a.system() == Boolean.parseBoolean(system.toLowerCase(Locale.ROOT)))
                .filter(a -> scope == null || a.scope().equals(scope))
                .toList());
        chosen.sort(order(ctx));
        String marker = ctx.queryParam("marker");
        int from = 0;
        if (marker != null && !marker.isEmpty()) {
            from = -1;
            for (int i = 0; i < chosen.size() && from < 0; i++) if (chosen.get(i).name().equals(marker) || chosen.get(i).id().equals(marker)) from = i + 1;
            if (from < 0) throw ApiException.badRequest("marker", "'marker' names no action of this list: '" + Names.shown(marker) + "'");
        }
        return chosen.subList(from, Math.min(chosen.size(), from + limit)).stream().map(Listed::view).toList();
    }

    private static Comparator<Listed> order(Context ctx) {
        String keys = ctx.queryParam("sort_keys");
        String dirs = ctx.queryParam("sort_dirs");
        List<String> sortKeys = keys == null || keys.isBlank() ? List.of("name") : java.util.Arrays.stream(keys.split(",")).map(String::trim).toList();
        List<String> sortDirs = dirs == null || dirs.isBlank() ? List.of() : java.util.Arrays.stream(dirs.split(",")).map(d -> d.trim().toLowerCase(Locale.ROOT)).toList();
        Comparator<Listed> order = null;
        for (int i = 0; i < sortKeys.size(); i++) {
            String key = sortKeys.get(i);
            String dir = i < sortDirs.size() ? sortDirs.get(i) : "asc";
            if (!dir.equals("asc") && !dir.equals("desc")) throw ApiException.badRequest("sort_dirs", "'sort_dirs' must be asc or desc, not '" + Names.shown(dir) + "'");
            Comparator<Listed> by = switch (key) {
                case "name" -> Comparator.comparing(Listed::name);
                case "id" -> Comparator.comparing(Listed::id);
                // a registered action was never created or updated: it comes first, as Mistral puts a missing value first
                case "created_at" -> Comparator.comparing(Listed::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()));
                case "updated_at" -> Comparator.comparing(Listed::updatedAt, Comparator.nullsFirst(Comparator.naturalOrder()));
                default -> throw ApiException.badRequest("sort_keys", "actions sort by " + String.join(", ", SORT_KEYS) + ", not '" + Names.shown(key) + "'");
            };
            if (dir.equals("desc")) by = by.reversed();
            order = order == null ? by : order.thenComparing(by);
        }
        return order.thenComparing(Listed::name);
    }

    private List<Map<String, Object>> written(List<StoredAction> actions) {
        return actions.stream().map(a -> stored(a, tb.globalActions().source(a), true)).toList();
    }

    /**
     * An ad-hoc action as Mistral shows one. {@code written}: the answer of a create or update, where Mistral gives an
     * action without input a null input (a read gives an empty one).
     */
    private static Map<String, Object> stored(StoredAction a, String definition, boolean written) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("name", a.name());
        v.put("namespace", "");
        v.put("is_system", false);
        v.put("input", written && a.inputSummary().isEmpty() ? null : a.inputSummary());
        v.put("description", a.description());
        v.put("tags", a.tags());
        v.put("definition", definition);
        v.put("scope", a.scope());
        v.put("project_id", "<default-project>");
        v.put("created_at", MistralRoutes.time(a.createdAt()));
        v.put("updated_at", MistralRoutes.time(a.updatedAt()));
        return v;
    }

    private static Map<String, Object> builtIn(Action a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.name());
        v.put("name", a.name());
        v.put("namespace", "");
        v.put("is_system", true);
        v.put("input", String.join(", ", a.parameters().stream().map(p -> p.required() ? p.name() : p.name() + "=" + pythonLiteral(p.defaultValue())).toList()));
        v.put("description", a.description());
        v.put("tags", List.of());
        v.put("definition", "");
        v.put("scope", "public");
        v.put("project_id", "<default-project>");
        v.put("created_at", null);
        v.put("updated_at", null);
        return v;
    }

    /** A default value as Mistral prints an action's input (Python's literals). */
    private static String pythonLiteral(Object value) {
        if (value == null) return "None";
        if (value instanceof Boolean b) return b ? "True" : "False";
        if (value instanceof String s) return '"' + s + '"';
        return value instanceof Number ? value.toString() : Json.write(value);
    }

    private void runAction(Context ctx) {
        Security.requireGlobalOperator(ctx, "run an action directly", "it runs inside the server, outside any target's scope");
        Map<String, Object> body = Bodies.object(ctx, Set.of("name", "input", "params", "workflow_namespace", "description"));
        String name = Bodies.string(body, "name", true);
        Map<String, Object> params = MistralRoutes.jsonObject(body.get("params"), "params");
        for (String k : params.keySet()) {
            if (!RUN_PARAMS.contains(k)) throw ApiException.badRequest("params." + k, "param '" + k + "' is not supported (run_sync and save_result are)");
        }
        if (params.get("target") != null) {
            throw ApiException.badRequest("params.target", "a directly run action runs inside the server; it cannot be sent to an executor");
        }
        if (Boolean.TRUE.equals(params.get("save_result"))) {
            throw ApiException.badRequest("params.save_result", "Trailboss does not keep the result of a directly run action, nor run one asynchronously:"
                    + " run it without --save-result (it runs synchronously) or as a task of a workflow");
        }
        if (params.get("run_sync") != null && !(params.get("run_sync") instanceof Boolean)) throw ApiException.badRequest("params.run_sync", "'run_sync' must be true or false");
        if (tb.engine().actions().find(name).isEmpty() && tb.globalActions().find(name).isPresent()) {
            throw ApiException.badRequest("name", "ad-hoc action '" + name + "' cannot be run directly: Trailboss runs an ad-hoc action as a task of a workflow");
        }
        var outcome = tb.directActions().run(name, io.trailboss.engine.SealedInputs.refuseIn(MistralRoutes.jsonObject(body.get("input"), "input")));
        ctx.status(201).json(actionRun(outcome));
    }

    private static Map<String, Object> actionRun(io.trailboss.engine.DirectActions.Outcome o) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", o.id());
        v.put("name", o.action());
        v.put("workflow_name", null);
        v.put("workflow_namespace", "");
        v.put("task_name", null);
        v.put("task_execution_id", null);
        v.put("state", o.succeeded() ? "SUCCESS" : "ERROR");
        v.put("state_info", o.error());
        v.put("tags", List.of());
        v.put("accepted", true);
        v.put("input", Json.write(o.input()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", o.succeeded() ? o.output() : (o.output() != null ? o.output() : o.error()));
        v.put("output", Json.write(out));
        v.put("params", Json.write(Map.of("run_sync", true, "save_result", false)));
        v.put("description", "");
        v.put("created_at", MistralRoutes.time(o.startedAt()));
        v.put("updated_at", MistralRoutes.time(o.finishedAt()));
        v.put("project_id", "<default-project>");
        return v;
    }
}
