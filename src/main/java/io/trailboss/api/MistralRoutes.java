package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.StartRequest;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.Names;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Workflow;
import io.trailboss.store.ExecutionStore;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of Mistral's REST API v2 that python-mistralclient uses for workflows, executions,
 * tasks and action executions, with Mistral's field names, states and JSON-in-string fields.
 */
final class MistralRoutes {
    private static final String BASE = "/mistral/v2";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Trailboss tb;

    MistralRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/mistral", ctx -> ctx.json(Map.of("versions", List.of(Map.of("id", "v2.0", "status", "CURRENT", "links", List.of(Map.of("href", ctx.url() + "/v2", "rel", "self")))))), Access.VIEWER);
        r.get(BASE, ctx -> ctx.json(Map.of("uri", ctx.url())), Access.VIEWER);
        r.post(BASE + "/workflows", ctx -> ctx.status(201).json(Map.of("workflows", tb.catalog().create(NativeRoutes.definition(ctx)).stream().map(this::workflow).toList())), Access.OPERATOR);
        r.put(BASE + "/workflows", ctx -> ctx.json(Map.of("workflows", tb.catalog().createOrUpdate(NativeRoutes.definition(ctx)).stream().map(this::workflow).toList())), Access.OPERATOR);
        r.post(BASE + "/workflows/validate", ctx -> ctx.json(validation(() -> tb.catalog().validate(NativeRoutes.definition(ctx)))), Access.VIEWER);
        r.get(BASE + "/workflows", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            ctx.json(Map.of("workflows", tb.catalog().list(limit, 0).stream().map(this::workflow).toList()));
        }, Access.VIEWER);
        r.get(BASE + "/workflows/{id}", ctx -> ctx.json(workflow(tb.catalog().find(ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundException("workflow '" + ctx.pathParam("id") + "' does not exist")))), Access.VIEWER);
        r.delete(BASE + "/workflows/{id}", ctx -> {
            tb.catalog().delete(ctx.pathParam("id"));
            ctx.status(204);
        }, Access.OPERATOR);

        registerWorkbooks(r);
        registerEnvironments(r);
        new MistralActionRoutes(tb).register(r);
        registerTriggers(r);

        r.post(BASE + "/executions", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("workflow_name", "workflow_id", "workflow_namespace", "input", "params", "description", "id", "source_execution_id"));
            String wf = body.get("workflow_id") instanceof String id ? id : Bodies.string(body, "workflow_name", true);
            Map<String, Object> params = jsonObject(body.get("params"), "params");
            Object env = params.get("env");
            Object taskName = params.get("task_name");
            Map<String, Object> envMap = envOf(env);
            Execution e = tb.engine().start(new StartRequest(wf, io.trailboss.engine.SealedInputs.refuseIn(jsonObject(body.get("input"), "input")), envMap,
                    Bodies.string(body, "description", false), taskName instanceof String t ? t : null));
            ctx.status(201).json(execution(e));
        }, Access.OPERATOR);
        r.get(BASE + "/executions", ctx -> ctx.json(Map.of("executions", executions(ctx).stream().map(this::execution).toList())), Access.VIEWER);
        r.get(BASE + "/executions/{id}/report", ctx -> ctx.json(report(execution(ctx.pathParam("id")),
                "true".equalsIgnoreCase(ctx.queryParam("errors_only")), "true".equalsIgnoreCase(ctx.queryParam("statistics_only")),
                Bodies.intParam(ctx, "max_depth", -1, -1, 100))), Access.VIEWER);
        r.get(BASE + "/executions/{id}", ctx -> ctx.json(execution(execution(ctx.pathParam("id")))), Access.VIEWER);
        r.put(BASE + "/executions/{id}", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("state", "state_info", "description", "params", "env", "id"));
            String id = ctx.pathParam("id");
            String state = Bodies.string(body, "state", false);
            String description = Bodies.string(body, "description", false);
            if (body.get("params") != null || body.get("env") != null) {
                throw ApiException.badRequest("params", "the env of a started execution cannot be changed in Trailboss: rerun it with a new env (task-rerun --env)");
            }
            if (state == null && description == null) throw ApiException.badRequest("state", "give 'state' or 'description' to change");
            if (state != null && (state.equals("SUCCESS") || state.equals("ERROR"))) {
                throw ApiException.badRequest("state", "Trailboss does not force an execution to " + state + ": use PAUSED, RUNNING or CANCELLED");
            }
            Execution e = description != null ? tb.engine().describe(id, description) : execution(id);
            if (state != null && !state.equals(e.state().name())) e = NativeRoutes.control(tb.engine(), id, state, Bodies.headerActor(ctx));
            ctx.json(execution(e));
        }, Access.OPERATOR);
        r.delete(BASE + "/executions/{id}", ctx -> {
            Execution e = execution(ctx.pathParam("id"));
            boolean force = force(ctx);
            if (!e.state().isFinal() && !force) {
                // Mistral 15 answers 403 here, and its client prints the reason
                throw new ApiException(403, "force", "execution " + e.id() + " is " + e.state() + ": only a finished execution can be deleted"
                        + " (--force cancels it first, then deletes it)");
            }
            tb.executionDeletion().delete(e.id(), force, Bodies.headerActor(ctx));
            ctx.status(204);
        }, Access.OPERATOR);
        r.get(BASE + "/executions/{id}/tasks", ctx -> {
            Execution e = execution(ctx.pathParam("id"));
            ctx.json(Map.of("tasks", tb.queries().tasks(e.id()).stream().map(t -> task(t, e)).toList()));
        }, Access.VIEWER);
        r.get(BASE + "/tasks", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            String of = ctx.queryParam("workflow_execution_id");
            Visibility visibility = Visibility.of(ctx);
            // a scoped reader's page leaves out what it does not see, so it may hold fewer than the limit
            List<TaskExecution> tasks = of != null ? tb.queries().tasks(visibility.execution(of).id())
                    : tb.queries().allTasks(limit, 0).stream().filter(t -> visibility.seesExecution(t.executionId())).toList();
            Map<String, Execution> seen = new java.util.HashMap<>();
            ctx.json(Map.of("tasks", tasks.stream().limit(limit).map(t -> task(t, seen.computeIfAbsent(t.executionId(), this::execution))).toList()));
        }, Access.VIEWER);
        r.put(BASE + "/tasks/{id}", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("id", "state", "reset", "env", "name", "workflow_name", "workflow_execution_id"));
            TaskExecution t = taskExecution(ctx.pathParam("id"));
            String state = Bodies.string(body, "state", true);
            if (!state.equals("RUNNING")) throw ApiException.badRequest("state", "a task can only be set RUNNING (a rerun), not " + state);
            Map<String, Object> env = body.get("env") == null ? null : jsonObject(body.get("env"), "env");
            Execution e = execution(t.executionId());
            String actor = Bodies.headerActor(ctx);
            // a finished execution runs again from this task; a live one reruns the task in place
            if (e.state().isFinal()) {
                tb.engine().rerun(e.id(), new io.trailboss.engine.Engine.RerunRequest(t.name(), Map.of(), env, false, actor));
            } else {
                if (env != null) throw ApiException.badRequest("env", "the env of a running execution cannot be changed: rerun the task without --env");
                tb.engine().control(e.id(), new io.trailboss.engine.ControlRequest(io.trailboss.engine.TaskControl.RERUN, List.of(t.name()), null, null, 0,
                        io.trailboss.engine.ControlRequest.DEFAULT_GRACE_MILLIS, false, actor));
            }
            TaskExecution now = tb.queries().tasks(e.id()).stream().filter(x -> x.name().equals(t.name())).reduce((a, b) -> b).orElse(t);
            ctx.json(task(now, execution(e.id())));
        }, Access.OPERATOR);
        r.get(BASE + "/tasks/{id}", ctx -> {
            TaskExecution t = taskExecution(ctx.pathParam("id"));
            ctx.json(task(t, execution(t.executionId())));
        }, Access.VIEWER);
        r.get(BASE + "/tasks/{id}/action_executions", ctx -> {
            TaskExecution t = taskExecution(ctx.pathParam("id"));
            Execution e = execution(t.executionId());
            ctx.json(Map.of("action_executions", Visibility.of(ctx).jobs(tb.queries().jobs(t.id())).stream().map(j -> action(j, t, e)).toList()));
        }, Access.VIEWER);
        r.get(BASE + "/action_executions", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            Map<String, TaskExecution> tasks = new java.util.HashMap<>();
            Map<String, Execution> executions = new java.util.HashMap<>();
            Visibility visibility = Visibility.of(ctx);
            ctx.json(Map.of("action_executions", visibility.jobs(tb.queries().allJobs(limit, 0)).stream().map(j -> {
                TaskExecution t = tasks.computeIfAbsent(j.taskExecutionId(), this::taskExecution);
                return action(j, t, executions.computeIfAbsent(t.executionId(), this::execution));
            }).toList()));
        }, Access.VIEWER);
        r.get(BASE + "/action_executions/{id}", ctx -> {
            Job j = job(ctx.pathParam("id"));
            TaskExecution t = taskExecution(j.taskExecutionId());
            ctx.json(action(j, t, execution(t.executionId())));
        }, Access.VIEWER);
        r.put(BASE + "/action_executions/{id}", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("state", "output", "id", "state_info"));
            String state = Bodies.string(body, "state", true);
            if (!state.equals("SUCCESS") && !state.equals("ERROR")) throw ApiException.badRequest("state", "'state' must be SUCCESS or ERROR");
            Object output = body.get("output");
            if (output instanceof String s) {
                try {
                    output = Json.read(s);
                } catch (IllegalArgumentException notJson) {
                    // a plain string output stays a string
                }
                Bodies.refuseFlaws(output, "output");
            }
            String info = body.get("state_info") instanceof String s ? s : null;
            InboxRoutes.refuseManual(tb, ctx.pathParam("id"));
            var c = tb.engine().completeAsync(ctx.pathParam("id"), state.equals("SUCCESS"), output, state.equals("ERROR") ? (info != null ? info : String.valueOf(output)) : null);
            TaskExecution t = taskExecution(c.job().taskExecutionId());
            ctx.json(action(c.job(), t, execution(t.executionId())));
        }, Access.OPERATOR);
    }

    private static final Set<String> WORKBOOK_LIST_PARAMS = Set.of("limit", "marker", "sort_keys", "sort_dirs", "fields", "name", "namespace");

    /**
     * Workbooks as Mistral serves them: the YAML as text/plain, the Workbook resource back. Writes need the roles
     * that writing workflows needs, since a workbook writes workflows.
     */
    private void registerWorkbooks(RoutesConfig r) {
        r.post(BASE + "/workbooks", ctx -> {
            noNamespace(ctx);
            ctx.status(201).json(workbook(tb.workbooks().create(NativeRoutes.definition(ctx), scope(ctx))));
        }, Access.OPERATOR);
        r.put(BASE + "/workbooks", ctx -> {
            noNamespace(ctx);
            ctx.json(workbook(tb.workbooks().update(NativeRoutes.definition(ctx), scope(ctx))));
        }, Access.OPERATOR);
        r.post(BASE + "/workbooks/validate", ctx -> ctx.json(validation(() -> tb.workbooks().validate(NativeRoutes.definition(ctx)))), Access.VIEWER);
        r.get(BASE + "/workbooks", ctx -> {
            for (String q : ctx.queryParamMap().keySet()) {
                if (!WORKBOOK_LIST_PARAMS.contains(q)) throw ApiException.badRequest(q, "filter '" + q + "' is not supported (filter by name)");
            }
            noNamespace(ctx);
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            String keys = ctx.queryParam("sort_keys");
            List<String> sortKeys = keys == null || keys.isBlank() ? List.of("created_at") : java.util.Arrays.stream(keys.split(",")).map(String::trim).toList();
            io.trailboss.store.WorkbookStore.Order order = io.trailboss.store.WorkbookStore.Order.of(sortKeys.get(0))
                    .orElseThrow(() -> ApiException.badRequest("sort_keys", "workbooks sort by created_at, updated_at, name or id, not '" + Names.shown(sortKeys.get(0)) + "'"));
            for (String k : sortKeys.subList(1, sortKeys.size())) {
                // ties are broken by id already: a further key could only be id
                if (!k.equals("id")) throw ApiException.badRequest("sort_keys", "workbooks sort by one key (then id), not also by '" + Names.shown(k) + "'");
            }
            String dirs = ctx.queryParam("sort_dirs");
            String dir = dirs == null || dirs.isBlank() ? "asc" : dirs.split(",")[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!dir.equals("asc") && !dir.equals("desc")) throw ApiException.badRequest("sort_dirs", "'sort_dirs' must be asc or desc, not '" + Names.shown(dir) + "'");
            String marker = ctx.queryParam("marker");
            String name = ctx.queryParam("name");
            ctx.json(Map.of("workbooks", tb.workbooks().list(order, dir.equals("desc"), marker == null || marker.isBlank() ? null : marker,
                    name == null || name.isBlank() ? null : name, limit).stream().map(w -> workbook(w)).toList()));
        }, Access.VIEWER);
        r.get(BASE + "/workbooks/{name}", ctx -> {
            noNamespace(ctx);
            ctx.json(workbook(tb.workbooks().get(ctx.pathParam("name"))));
        }, Access.VIEWER);
        r.delete(BASE + "/workbooks/{name}", ctx -> {
            noNamespace(ctx);
            tb.workbooks().delete(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);
    }

    /** Mistral's answer to a validation: {"valid": true}, or {"valid": false, "error": why}, never a 4xx. */
    static Map<String, Object> validation(Runnable check) {
        Map<String, Object> v = new LinkedHashMap<>();
        try {
            check.run();
            v.put("valid", true);
        } catch (io.trailboss.definition.DefinitionException e) {
            v.put("valid", false);
            v.put("error", e.getMessage());
        }
        return v;
    }

    /** Namespaces have no counterpart in Trailboss: one that is given is refused, never ignored. */
    static void noNamespace(Context ctx) {
        String ns = ctx.queryParam("namespace");
        if (ns != null && !ns.isEmpty()) throw ApiException.badRequest("namespace", "namespaces are not supported: Trailboss has one namespace (leave 'namespace' empty)");
    }

    static String scope(Context ctx) {
        String scope = ctx.queryParam("scope");
        if (scope == null || scope.isEmpty()) return "private";
        if (!io.trailboss.engine.Workbooks.SCOPES.contains(scope)) throw ApiException.badRequest("scope", "'scope' must be private or public, not '" + Names.shown(scope) + "'");
        return scope;
    }

    private Map<String, Object> workbook(io.trailboss.model.Workbook w) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", w.id());
        v.put("name", w.name());
        v.put("namespace", "");
        v.put("definition", tb.workbooks().source(w));
        v.put("tags", w.tags());
        v.put("scope", w.scope());
        v.put("project_id", "<default-project>");
        v.put("created_at", time(w.createdAt()));
        v.put("updated_at", time(w.updatedAt()));
        return v;
    }

    private static final Set<String> ENVIRONMENT_FIELDS = Set.of("name", "description", "variables", "scope");

    private void registerEnvironments(RoutesConfig r) {
        r.post(BASE + "/environments", ctx -> {
            Security.requireGlobalOperator(ctx, "create an environment", "environments are global: any execution may be started with one");
            Map<String, Object> body = Bodies.object(ctx, ENVIRONMENT_FIELDS);
            ctx.status(201).json(environment(tb.environments().create(Bodies.string(body, "name", true), Bodies.string(body, "description", false),
                    jsonObject(body.get("variables"), "variables"), Bodies.string(body, "scope", false))));
        }, Access.OPERATOR);
        r.put(BASE + "/environments", ctx -> {
            Security.requireGlobalOperator(ctx, "change an environment", "environments are global: any execution may be started with one");
            Map<String, Object> body = Bodies.object(ctx, ENVIRONMENT_FIELDS);
            ctx.json(environment(tb.environments().update(Bodies.string(body, "name", true), Bodies.string(body, "description", false),
                    body.get("variables") == null ? null : jsonObject(body.get("variables"), "variables"), Bodies.string(body, "scope", false))));
        }, Access.OPERATOR);
        r.get(BASE + "/environments", ctx -> ctx.json(Map.of("environments",
                tb.environments().list(Bodies.intParam(ctx, "limit", 100, 1, 1000)).stream().map(MistralRoutes::environment).toList())), Access.VIEWER);
        r.get(BASE + "/environments/{name}", ctx -> ctx.json(environment(tb.environments().get(ctx.pathParam("name")))), Access.VIEWER);
        r.delete(BASE + "/environments/{name}", ctx -> {
            Security.requireGlobalOperator(ctx, "delete an environment", "environments are global: any execution may be started with one");
            tb.environments().delete(ctx.pathParam("name"));
            ctx.status(204);
        }, Access.OPERATOR);
    }

    private static Map<String, Object> environment(io.trailboss.environment.Environment e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("name", e.name());
        v.put("description", e.description());
        v.put("variables", Json.write(e.variables()));
        v.put("scope", e.scope());
        v.put("project_id", "<default-project>");
        v.put("created_at", time(e.createdAt()));
        v.put("updated_at", time(e.updatedAt()));
        return v;
    }

    /**
     * The env of a new execution: a JSON object (or its text), or, as Mistral allows, the name of a stored
     * environment, whose variables it then gets (a copy: a later change of the environment does not reach it).
     */
    private Map<String, Object> envOf(Object env) {
        if (env == null) return Map.of();
        if (env instanceof String name && !name.isBlank() && !name.trim().startsWith("{")) {
            return tb.environments().find(name).orElseThrow(() -> ApiException.badRequest("params.env", "environment '" + name + "' does not exist")).variables();
        }
        return jsonObject(env, "params.env");
    }

    private static final Set<String> CRON_TRIGGER_FIELDS = Set.of("name", "pattern", "workflow_name", "workflow_id", "workflow_namespace", "workflow_input",
            "workflow_params", "first_execution_time", "remaining_executions");

    /**
     * Cron triggers are Trailboss's cron triggers of a workflow, their runs allowed to overlap as Mistral's do.
     * A first time and a count have no counterpart: they are refused, never dropped.
     */
    private void registerTriggers(RoutesConfig r) {
        r.post(BASE + "/cron_triggers", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, CRON_TRIGGER_FIELDS);
            String name = Bodies.string(body, "name", true);
            if (body.get("first_execution_time") != null) {
                throw ApiException.badRequest("first_execution_time", "a first execution time is not supported: Trailboss's cron triggers fire on their pattern only");
            }
            if (body.get("remaining_executions") != null) {
                throw ApiException.badRequest("remaining_executions", "a count of executions is not supported: Trailboss's cron triggers fire until deleted or paused");
            }
            if (!jsonObject(body.get("workflow_params"), "workflow_params").isEmpty()) {
                throw ApiException.badRequest("workflow_params", "workflow params (env) are not supported on cron triggers: give the workflow input only");
            }
            String pattern = Bodies.string(body, "pattern", true);
            String wf = body.get("workflow_id") instanceof String id ? tb.catalog().find(id).map(Workflow::name)
                    .orElseThrow(() -> ApiException.badRequest("workflow_id", "workflow '" + id + "' does not exist")) : Bodies.string(body, "workflow_name", true);
            if (tb.triggers().list().stream().anyMatch(t -> t.name().equals(name))) throw new io.trailboss.engine.ConflictException("trigger '" + name + "' already exists");
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("cron", pattern);
            spec.put("workflow", wf);
            spec.put("overlap", "allow");
            spec.put("input", jsonObject(body.get("workflow_input"), "workflow_input"));
            ctx.status(201).json(cronTrigger(tb.triggers().save(name, spec).trigger()));
        }, Access.OPERATOR);
        r.get(BASE + "/cron_triggers", ctx -> ctx.json(Map.of("cron_triggers", tb.triggers().list().stream()
                .filter(t -> t.kind() == io.trailboss.trigger.Trigger.Kind.CRON && t.workflow() != null).map(this::cronTrigger).toList())), Access.VIEWER);
        r.get(BASE + "/cron_triggers/{name}", ctx -> ctx.json(cronTrigger(cronTrigger(ctx.pathParam("name")))), Access.VIEWER);
        r.delete(BASE + "/cron_triggers/{name}", ctx -> {
            tb.triggers().delete(cronTrigger(ctx.pathParam("name")).name());
            ctx.status(204);
        }, Access.OPERATOR);
        // reads say why there are none; writes are not routes at all (404 naming the endpoint), as no write here can succeed
        for (String path : List.of(BASE + "/event_triggers", BASE + "/event_triggers/{id}")) {
            r.get(path, ctx -> {
                throw new ApiException(501, null, "event triggers are not supported: Trailboss starts workflows on events through webhook triggers (/api/v1/triggers)");
            }, Access.VIEWER);
        }
    }

    private io.trailboss.trigger.Trigger cronTrigger(String name) {
        io.trailboss.trigger.Trigger t = tb.triggers().get(name);
        if (t.kind() != io.trailboss.trigger.Trigger.Kind.CRON || t.workflow() == null) {
            throw new NotFoundException("trigger '" + name + "' is not a cron trigger of a workflow: manage it with /api/v1/triggers");
        }
        return t;
    }

    private Map<String, Object> cronTrigger(io.trailboss.trigger.Trigger t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.name());
        v.put("name", t.name());
        v.put("pattern", t.cron());
        v.put("workflow_name", t.workflow());
        v.put("workflow_id", tb.catalog().find(t.workflow()).map(Workflow::id).orElse(null));
        v.put("workflow_input", Json.write(t.input()));
        v.put("workflow_params", "{}");
        v.put("scope", "private");
        v.put("first_execution_time", null);
        v.put("next_execution_time", t.paused() ? null : time(t.nextFireAt()));
        v.put("remaining_executions", null);
        v.put("project_id", "<default-project>");
        v.put("created_at", time(t.createdAt()));
        v.put("updated_at", time(t.updatedAt()));
        return v;
    }

    private static final Set<String> LIST_PARAMS = Set.of("limit", "marker", "sort_keys", "sort_dirs", "fields", "workflow_name", "state", "nulls");

    /**
     * Executions as Mistral lists them: filtered by workflow name or state, ordered by creation time
     * (ascending unless asked otherwise), a page after {@code marker}. Other filters and sort keys
     * are refused rather than ignored, so a list is never silently wider than asked.
     */
    private List<Execution> executions(Context ctx) {
        for (String q : ctx.queryParamMap().keySet()) {
            if (!LIST_PARAMS.contains(q)) throw ApiException.badRequest(q, "filter '" + q + "' is not supported (filter by workflow_name or state)");
        }
        int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
        String keys = ctx.queryParam("sort_keys");
        for (String k : keys == null || keys.isBlank() ? new String[0] : keys.split(",")) {
            if (!k.trim().equals("created_at") && !k.trim().equals("id")) throw ApiException.badRequest("sort_keys", "executions sort by created_at only, not '" + k.trim() + "'");
        }
        String dirs = ctx.queryParam("sort_dirs");
        String dir = dirs == null || dirs.isBlank() ? "asc" : dirs.split(",")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!dir.equals("asc") && !dir.equals("desc")) throw ApiException.badRequest("sort_dirs", "'sort_dirs' must be asc or desc, not '" + dir + "'");
        boolean desc = dir.equals("desc");
        io.trailboss.model.ExecutionState state = null;
        if (ctx.queryParam("state") != null) {
            try {
                state = io.trailboss.model.ExecutionState.valueOf(ctx.queryParam("state").trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("state", "unknown state '" + ctx.queryParam("state") + "'");
            }
        }
        String name = ctx.queryParam("workflow_name");
        String markerId = ctx.queryParam("marker");
        if (markerId == null || markerId.isBlank()) {
            return tb.queries().executions(Visibility.of(ctx).executions(new ExecutionStore.Filter(name, state, null, null, null)), limit, 0, desc);
        }
        Execution marker = Visibility.of(ctx).execution(markerId);
        // the page after the marker: from its creation time on, skipping what shares that time and sorts up to it (by id)
        ExecutionStore.Filter from = Visibility.of(ctx).executions(desc ? new ExecutionStore.Filter(name, state, null, marker.createdAt() + 1, null)
                : new ExecutionStore.Filter(name, state, marker.createdAt(), null, null));
        List<Execution> page = new java.util.ArrayList<>();
        for (int offset = 0; page.size() < limit; ) {
            List<Execution> batch = tb.queries().executions(from, limit, offset, desc);
            for (Execution e : batch) {
                boolean upToMarker = e.createdAt() == marker.createdAt() && e.id().compareTo(marker.id()) <= 0;
                if (!upToMarker && page.size() < limit) page.add(e);
            }
            if (batch.size() < limit) break;
            offset += batch.size();
        }
        return page;
    }

    /** Mistral's execution report: the tree of the execution, its tasks, their actions and sub-workflows, and task counts by state. */
    private Map<String, Object> report(Execution root, boolean errorsOnly, boolean statisticsOnly, int maxDepth) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String k : List.of("total_tasks_count", "running_tasks_count", "success_tasks_count", "error_tasks_count", "idle_tasks_count", "paused_tasks_count")) counts.put(k, 0);
        Map<String, Object> tree = reportOf(root, counts, errorsOnly, maxDepth, 0);
        Map<String, Object> v = new LinkedHashMap<>();
        if (!statisticsOnly) v.put("root_workflow_execution", tree);
        v.put("statistics", counts);
        return v;
    }

    private Map<String, Object> reportOf(Execution e, Map<String, Integer> counts, boolean errorsOnly, int maxDepth, int depth) {
        Map<String, Object> wf = new LinkedHashMap<>();
        wf.put("id", e.id());
        wf.put("name", e.workflowName());
        wf.put("state", e.state().name());
        wf.put("state_info", e.stateInfo());
        List<Map<String, Object>> tasks = new java.util.ArrayList<>();
        for (TaskExecution t : tb.queries().tasks(e.id())) {
            counts.merge("total_tasks_count", 1, Integer::sum);
            String key = switch (t.state()) {
                case SUCCESS, SKIPPED -> "success_tasks_count";
                case ERROR, CANCELLED -> "error_tasks_count";
                case PAUSED, BLOCKED, INTERRUPTED -> "paused_tasks_count";
                case IDLE -> "idle_tasks_count";
                default -> "running_tasks_count";
            };
            counts.merge(key, 1, Integer::sum);
            List<Map<String, Object>> actions = new java.util.ArrayList<>();
            List<Map<String, Object>> subs = new java.util.ArrayList<>();
            for (Job j : tb.queries().jobs(t.id())) {
                List<Execution> children = tb.queries().executions(new ExecutionStore.Filter(null, null, null, null, j.id()), 1000, 0, false);
                if (children.isEmpty()) {
                    Map<String, Object> a = actionPlain(j, t, e);
                    Map<String, Object> entry = new LinkedHashMap<>();
                    for (String k : List.of("id", "name", "state", "state_info")) entry.put(k, a.get(k));
                    actions.add(entry);
                } else if (maxDepth < 0 || depth < maxDepth) {
                    for (Execution child : children) subs.add(reportOf(child, counts, errorsOnly, maxDepth, depth + 1));
                }
            }
            if (errorsOnly && t.state() != io.trailboss.model.ExecutionState.ERROR && subs.isEmpty()) continue;
            Map<String, Object> te = new LinkedHashMap<>();
            te.put("id", t.id());
            te.put("name", t.name());
            te.put("type", subs.isEmpty() ? "ACTION" : "WORKFLOW");
            te.put("state", t.state().name());
            te.put("state_info", t.stateInfo());
            if (t.attempt() > 0) te.put("retry_count", t.attempt());
            te.put("action_executions", errorsOnly ? actions.stream().filter(a -> "ERROR".equals(a.get("state"))).toList() : actions);
            te.put("workflow_executions", subs);
            tasks.add(te);
        }
        wf.put("task_executions", tasks);
        return wf;
    }

    private Map<String, Object> workflow(Workflow w) {
        Map<String, Object> v = new LinkedHashMap<>();
        WorkflowSpec spec = tb.catalog().spec(w);
        v.put("id", w.id());
        v.put("name", w.name());
        v.put("namespace", "");
        v.put("input", w.inputSummary());
        v.put("interface", Json.write(Map.of("input", spec.input().stream().map(p -> p.required() ? (Object) p.name() : Map.of(p.name(), p.defaultValue() == null ? "" : p.defaultValue())).toList(),
                "output", List.of())));
        v.put("definition", tb.catalog().source(w));
        v.put("tags", w.tags());
        v.put("scope", "private");
        v.put("project_id", "<default-project>");
        v.put("created_at", time(w.createdAt()));
        v.put("updated_at", time(w.updatedAt()));
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> execution(Execution e) {
        Map<String, Object> v = executionPlain(e);
        List<String> given = tb.engine().inputSecretsOf(e.id());
        return given.isEmpty() ? v : (Map<String, Object>) io.trailboss.engine.Secrets.mask(v, given);
    }

    private Map<String, Object> executionPlain(Execution e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("workflow_id", e.workflowId());
        v.put("workflow_name", e.workflowName());
        v.put("workflow_namespace", "");
        v.put("description", e.description() == null ? "" : e.description());
        v.put("tags", List.of());
        v.put("params", Json.write(e.params()));
        v.put("state", e.state().name());
        v.put("state_info", e.stateInfo());
        v.put("input", Json.write(io.trailboss.engine.SealedInputs.masked(e.input())));
        v.put("output", Json.write(e.output() == null ? Map.of() : io.trailboss.engine.SealedInputs.masked(e.output())));
        v.put("created_at", time(e.createdAt()));
        v.put("updated_at", time(e.updatedAt()));
        v.put("project_id", "<default-project>");
        v.put("root_execution_id", e.rootExecutionId().equals(e.id()) ? null : e.rootExecutionId());
        v.put("task_execution_id", null);
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> task(TaskExecution t, Execution e) {
        Map<String, Object> v = taskPlain(t, e);
        List<String> given = tb.engine().inputSecretsOf(e.id());
        return given.isEmpty() ? v : (Map<String, Object>) io.trailboss.engine.Secrets.mask(v, given);
    }

    private Map<String, Object> taskPlain(TaskExecution t, Execution e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("name", t.name());
        v.put("type", "ACTION");
        v.put("workflow_name", e.workflowName());
        v.put("workflow_namespace", "");
        v.put("workflow_id", e.workflowId());
        v.put("workflow_execution_id", e.id());
        v.put("state", t.state().name());
        v.put("state_info", t.stateInfo());
        v.put("result", Json.write(t.result()));
        v.put("published", Json.write(t.published() == null ? Map.of() : t.published()));
        v.put("runtime_context", Json.write(Map.of("retry_task_policy", Map.of("retry_no", t.attempt()))));
        v.put("processed", t.state().isFinal());
        v.put("reset", false);
        v.put("created_at", time(t.createdAt()));
        v.put("updated_at", time(t.updatedAt()));
        v.put("started_at", time(t.startedAt()));
        v.put("finished_at", time(t.finishedAt()));
        v.put("project_id", "<default-project>");
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> action(Job j, TaskExecution t, Execution e) {
        Map<String, Object> v = actionPlain(j, t, e);
        List<String> given = tb.engine().secretsOf(j);
        return given.isEmpty() ? v : (Map<String, Object>) io.trailboss.engine.Secrets.mask(v, given);
    }

    private Map<String, Object> actionPlain(Job j, TaskExecution t, Execution e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", j.id());
        v.put("name", j.action());
        v.put("workflow_name", e.workflowName());
        v.put("workflow_namespace", "");
        v.put("task_name", t.name());
        v.put("task_execution_id", t.id());
        v.put("state", switch (j.state()) {
            case QUEUED, RUNNING -> "RUNNING";
            case SUCCEEDED -> "SUCCESS";
            case FAILED, LOST, INCOMPLETE -> "ERROR";
            case CANCELLED -> "CANCELLED";
        });
        v.put("state_info", j.error());
        v.put("tags", List.of());
        v.put("accepted", j.state().isFinal());
        v.put("input", Json.write(j.input()));
        v.put("output", Json.write(j.state() == JobState.FAILED ? Map.of("result", String.valueOf(j.error())) : Map.of("result", j.output() == null ? "" : j.output())));
        v.put("params", "{}");
        v.put("description", "");
        v.put("created_at", time(j.createdAt()));
        v.put("updated_at", time(j.updatedAt()));
        v.put("project_id", "<default-project>");
        return v;
    }

    /** The {@code force} query parameter of a delete: true or false as Python's client writes them (True, False). */
    static boolean force(Context ctx) {
        String force = ctx.queryParam("force");
        if (force == null || force.isEmpty() || force.equalsIgnoreCase("false")) return false;
        if (force.equalsIgnoreCase("true")) return true;
        throw ApiException.badRequest("force", "'force' must be true or false, not '" + Names.shown(force) + "'");
    }

    static Map<String, Object> jsonObject(Object value, String field) {
        if (value == null) return Map.of();
        if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return map;
        }
        if (value instanceof String s) {
            if (s.isBlank()) return Map.of();
            Map<String, Object> map;
            try {
                map = Json.readMap(s);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(field, "'" + field + "' must be a JSON object: " + e.getMessage());
            }
            // JSON inside a string: the check of the body saw only the outer string
            Bodies.refuseFlaws(map, field);
            return map;
        }
        throw ApiException.badRequest(field, "'" + field + "' must be a JSON object");
    }

    static String time(Long millis) {
        return millis == null ? null : TIME.format(Instant.ofEpochMilli(millis));
    }

    private Execution execution(String id) {
        return tb.queries().execution(id).orElseThrow(() -> new NotFoundException("execution '" + id + "' does not exist"));
    }

    private TaskExecution taskExecution(String id) {
        return tb.queries().task(id).orElseThrow(() -> new NotFoundException("task execution '" + id + "' does not exist"));
    }

    private Job job(String id) {
        return tb.queries().job(id).orElseThrow(() -> new NotFoundException("action execution '" + id + "' does not exist"));
    }
}
