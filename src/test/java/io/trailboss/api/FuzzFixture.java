package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real object behind every parameter of every write route, each route with its own where using one would spoil
 * another's (a job completed, a prompt answered, a manual step decided): workflows, running executions with async,
 * manual, shell (prompting) and agent jobs, a finished execution, targets, a profile, a param, an operation, stages,
 * triggers, a user, API and agent tokens, and one recorded object of each ARA kind. Also the valid body of each route,
 * from which the hostile ones are made; {@code @N@} in a body becomes a number new for each request, so that a body
 * that creates something creates something new.
 */
final class FuzzFixture {
    static final String PASSWORD = "fz-password-" + UUID.randomUUID();
    static final List<String> ARA_KINDS = List.of("labels", "records", "results", "hosts", "tasks", "plays", "files", "playbooks");
    static final String WORKFLOWS = """
            version: '2.0'
            fz-async:
              tasks:
                a:
                  action: std.async_noop
                b:
                  action: std.async_noop
            fz-done:
              input:
                - note: ''
              tasks:
                t:
                  action: std.noop
            fz-manual:
              tasks:
                ask:
                  action: manual
                  input:
                    instructions: Check, then answer.
                    form:
                      - {name: note, required: false, max_length: 20}
                      - {name: count, type: number, required: false, min: 1, max: 10}
                      - {name: go, type: boolean, required: false}
            fz-shell:
              tasks:
                ask:
                  action: shell
                  input:
                    script: |
                      echo "::prompt::Go on?"
                      while read line; do :; done
                feed:
                  action: shell
                  input:
                    script: |
                      while read line; do :; done
            fz-remote:
              tasks:
                r1:
                  action: std.noop
                  targets: fz-remote
                r2:
                  action: std.noop
                  targets: fz-remote
                r3:
                  action: std.noop
                  targets: fz-remote
            fz-spare:
              tasks:
                t:
                  action: std.noop
            fz-spare2:
              tasks:
                t:
                  action: std.noop
            """;
    static final String NEW_WORKFLOW = """
            version: '2.0'
            fz-w-@N@:
              description: made by a request
              input:
                - note: hello
              tasks:
                first:
                  action: std.echo
                  input:
                    output: "{{ _.note }}"
                  publish:
                    said: "{{ task().result }}"
                  on-success:
                    - second
                second:
                  action: std.noop
            """;

    /** A workbook whose two workflows call each other's sibling and its own ad-hoc action by their short names. */
    static final String WORKBOOK = """
            version: '2.0'
            name: %s
            description: made by a request
            tags: [fz]
            actions:
              shout:
                base: std.echo
                base-input:
                  output: "{{ _.text }}!"
                input:
                  - text
            workflows:
              main:
                tasks:
                  call:
                    workflow: inner
              inner:
                tasks:
                  say:
                    action: shout text=hello
            """;

    /** A document of one global ad-hoc action. */
    static final String ACTION = """
            version: '2.0'
            %s:
              description: made by a request
              tags: [fz]
              base: std.echo
              base-input:
                output: "{{ _.text }}!"
              input:
                - text
                - times: 1
            """;

    private final TestServer server;
    final String agentToken;
    final String jobToken;
    final String hookSecret;
    private final Map<String, Map<String, String>> values = new LinkedHashMap<>();
    private final Map<String, Long> araIds = new LinkedHashMap<>();
    private final List<String> shellExecutions;
    /** A finished execution (its task {@code t}), for expressions evaluated over it. */
    private final String execDone;
    private final Map<String, String> remoteJobs = new LinkedHashMap<>();

    FuzzFixture(TestServer server) {
        this.server = server;
        ok("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS);
        for (String wb : List.of("fz-wb", "fz-wb-spare")) ok("POST", "/mistral/v2/workbooks", "text/plain", WORKBOOK.formatted(wb));
        for (String a : List.of("fz-act", "fz-act-spare")) ok("POST", "/mistral/v2/actions", "text/plain", ACTION.formatted(a));
        for (String t : List.of("fz", "fz-remote", "fz-patch", "fz-stage-target")) ok("POST", "/api/v1/targets", Map.of("kind", "machine", "name", t));
        ok("POST", "/api/v1/profiles", Map.of("name", "fz-profile", "params", Map.of("a", 1)));
        ok("POST", "/api/v1/params", Map.of("name", "fz-param", "schema", Map.of("type", "string")));
        agentToken = (String) ok("POST", "/api/v1/agents/tokens", Map.of("name", "fz-agent", "targets", List.of("fz-remote"))).get("token");
        String spareAgent = (String) ok("POST", "/api/v1/agents/tokens", Map.of("name", "fz-agent-spare", "targets", List.of("nowhere"))).get("id");
        ok("PUT", "/api/v1/operations/fz-op", Map.of("kind", "machine", "workflow", "fz-done", "fields", Map.of("note", Map.of("type", "string"))));
        ok("PUT", "/api/v1/operations/fz-op2", Map.of("kind", "machine", "workflow", "fz-done"));
        ok("PUT", "/api/v1/stages/fz-stage", Map.of("workflow", "fz-done"));
        ok("PUT", "/api/v1/stages/fz-stage2", Map.of("workflow", "fz-done"));
        ok("PUT", "/api/v1/targets/fz-stage-target/stage", Map.of("stage", "fz-stage"));
        hookSecret = (String) ok("PUT", "/api/v1/triggers/fz-hook", Map.of("workflow", "fz-done", "webhook", Map.of("auth", "token"),
                "input", Map.of("note", "{{ body.note }}"))).get("secret");
        ok("PUT", "/api/v1/triggers/fz-cron", Map.of("workflow", "fz-done", "cron", "0 0 1 1 *"));
        ok("POST", "/api/v1/users", Map.of("username", "fz-user", "password", PASSWORD, "roles", List.of("viewer")));
        String tokenId = (String) ok("POST", "/api/v1/tokens", Map.of("name", "fz-token", "kind", "service", "roles", List.of("viewer"))).get("id");
        recordings();

        String execAsync = start("fz-async");
        String execCtl = start("fz-async");
        String execPut = start("fz-async");
        String execMistral = start("fz-async");
        execDone = start("fz-done");
        List<String> manual = List.of(start("fz-manual"), start("fz-manual"), start("fz-manual"), start("fz-manual"));
        shellExecutions = List.of(start("fz-shell"), start("fz-shell"));
        String execRemote = start("fz-remote");

        Map<String, String> asyncJobs = runningJobs(execAsync, 2);
        for (String e : List.of(execCtl, execPut, execMistral)) runningJobs(e, 2);
        List<String> manualJobs = manual.stream().map(e -> runningJobs(e, 1).get("ask")).toList();
        List<Map<String, String>> shellJobs = shellExecutions.stream().map(e -> runningJobs(e, 2)).toList();
        List<String> prompts = shellExecutions.stream().map(this::prompt).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/api/v1/executions/" + execDone).map().get("state").equals("SUCCESS"));
        jobToken = claimRemoteJobs(execRemote);

        String r1 = remoteJobs.get("r1");
        route("/api/v1/users/{name}/roles", "name", "fz-user");
        route("/api/v1/users/{name}/password", "name", "fz-user");
        route("/api/v1/users/{name}/disable", "name", "fz-user");
        route("/api/v1/tokens/{id}", "id", tokenId);
        route("/api/v1/workflows/{name}", "name", "fz-spare");
        route("/api/v1/executions/{id}", "id", execPut);
        route("/api/v1/executions/{id}/controls", "id", execCtl);
        route("/api/v1/executions/{id}/rerun", "id", execDone);
        route("/api/v1/jobs/{id}/complete", "id", asyncJobs.get("a"));
        route("/api/v1/agents/tokens/{id}", "id", spareAgent);
        route("/api/v1/agent/jobs/{id}/log", "id", r1);
        route("/api/v1/agent/jobs/{id}/complete", "id", remoteJobs.get("r2"));
        route("/api/v1/jobs/{id}/input", "id", shellJobs.get(0).get("feed"));
        route("/api/v1/jobs/{id}/target/params", "id", r1);
        route("/api/v1/jobs/{id}/hosts/{name}/params", "id", r1, "name", "fz-remote");
        route("/api/v1/targets/{name}", "name", "fz-patch");
        route("/api/v1/targets/{name}/params", "name", "fz");
        route("/api/v1/targets/{name}/params/{param}", "name", "fz", "param", "fz-param");
        route("/api/v1/profiles/{name}", "name", "fz-profile");
        route("/api/v1/params/{name}", "name", "fz-param");
        route("/api/v1/manual/{job}/complete", "job", manualJobs.get(0));
        route("/api/v1/manual/{job}/fail", "job", manualJobs.get(1));
        route("/api/v1/prompts/{id}/answer", "id", prompts.get(0));
        route("/api/v1/operations/{name}", "name", "fz-op2");
        route("/api/v1/targets/{name}/operations/{operation}/runs", "name", "fz", "operation", "fz-op");
        route("/api/v1/stages/{name}", "name", "fz-stage");
        route("/api/v1/stage-maps/{scope}", "scope", "kind:machine");
        route("/api/v1/targets/{name}/stage", "name", "fz-stage-target");
        route("/api/v1/targets/{name}/lifecycle", "name", "fz-stage-target");
        route("/api/v1/targets/{name}/lifecycle/continue", "name", "fz-stage-target");
        route("/api/v1/triggers/{name}", "name", "fz-cron");
        route("/api/v1/triggers/{name}/pause", "name", "fz-cron");
        route("/api/v1/triggers/{name}/resume", "name", "fz-cron");
        route("/api/v1/hooks/{name}", "name", "fz-hook");
        route("/mistral/v2/workflows/{id}", "id", "fz-spare2");
        route("/mistral/v2/workbooks/{name}", "name", "fz-wb-spare");
        route("/mistral/v2/executions/{id}", "id", execMistral);
        route("/mistral/v2/actions/{name}", "name", "fz-act-spare");
        route("/mistral/v2/actions/{name}/{namespace}", "name", "fz-act", "namespace", "fz-ns");
        route("/mistral/v2/action_executions/{id}", "id", asyncJobs.get("b"));
        route("/ui/executions/{id}/control", "id", execCtl);
        route("/ui/executions/{id}/preview", "id", execCtl);
        route("/ui/executions/{id}/evaluate", "id", execDone);
        route("/ui/manual/{job}/complete", "job", manualJobs.get(2));
        route("/ui/manual/{job}/fail", "job", manualJobs.get(3));
        route("/ui/prompts/{id}/answer", "id", prompts.get(1));
        route("/ui/targets/{name}/operations/{op}", "name", "fz", "op", "fz-op");
        route("/ui/workflows/{name}/save", "name", "fz-done");
        route("/ui/workflows/{name}/start", "name", "fz-done");
        route("/ui/workflows/{name}/validate", "name", "fz-done");
    }

    private void route(String template, String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        values.put(template, m);
    }

    /** The real object behind each parameter of a route template ({@code resource}: the ARA kind, for /ara routes). */
    Map<String, String> pathValues(String template, String resource) {
        if (template.startsWith("/ara/")) return Map.of("resource", resource, "id", String.valueOf(araIds.get(resource)));
        return values.getOrDefault(template, Map.of());
    }

    private long lastHeartbeat = System.nanoTime();

    /** The agent's heartbeat, every few seconds, so that its jobs outlive their lease (15 s) while the fuzz runs. */
    void keepAlive() {
        if (System.nanoTime() - lastHeartbeat < 3_000_000_000L) return;
        lastHeartbeat = System.nanoTime();
        server.raw("POST", "/api/v1/agent/heartbeat", Map.of("Authorization", "Bearer " + agentToken, "Content-Type", "application/json"),
                Json.write(Map.of("jobs", List.copyOf(remoteJobs.values()))));
    }

    /** Stops what the fixture left running (shell jobs wait on their standard input). */
    void close() {
        for (String e : shellExecutions) server.send("PUT", "/api/v1/executions/" + e, "application/json", "{\"state\": \"CANCELLED\"}");
    }

    // ------------------------------------------------------------------ valid bodies

    /** The valid JSON body of a route (null: none here, the schema makes one). */
    Object json(String key, String resource) {
        String r1 = remoteJobs.get("r1");
        return switch (key) {
            case "POST /login" -> Map.of("username", "fz-user", "password", PASSWORD);
            case "POST /api/v1/users" -> Map.of("username", "fz-u-@N@", "password", "correct horse battery staple", "roles", List.of("viewer"));
            case "PUT /api/v1/users/{name}/roles" -> Map.of("roles", List.of("viewer", "operator@group:fz"));
            case "PUT /api/v1/users/{name}/password" -> Map.of("password", PASSWORD);
            case "POST /api/v1/tokens" -> Map.of("name", "fz-tk-@N@", "kind", "service", "roles", List.of("viewer"), "expires_in_days", 1);
            case "POST /api/v1/workflows", "PUT /api/v1/workflows", "POST /mistral/v2/workflows", "PUT /mistral/v2/workflows" -> Map.of("definition", NEW_WORKFLOW);
            case "POST /api/v1/workflows/validate" -> Map.of("definition", NEW_WORKFLOW);
            case "POST /api/v1/expressions/evaluate" -> Map.of("language", "yaql", "expression", "<% [$.note, task().state] %>", "execution", execDone, "task", "t");
            case "POST /mistral/v2/workbooks", "POST /mistral/v2/workbooks/validate" -> Map.of("definition", WORKBOOK.formatted("fz-wb-@N@"));
            case "PUT /mistral/v2/workbooks" -> Map.of("definition", WORKBOOK.formatted("fz-wb"));
            case "POST /mistral/v2/actions", "POST /mistral/v2/actions/validate" -> Map.of("definition", ACTION.formatted("fz-act-@N@"));
            case "PUT /mistral/v2/actions" -> Map.of("definition", ACTION.formatted("fz-act"));
            case "PUT /mistral/v2/actions/{name}" -> Map.of("definition", ACTION.formatted("fz-act-spare"));
            case "POST /api/v1/executions" -> Map.of("workflow", "fz-done", "input", Map.of("note", "x"), "env", Map.of("k", "v"), "description", "fz");
            case "PUT /api/v1/executions/{id}" -> Map.of("state", "PAUSED", "by", "fz");
            case "POST /api/v1/executions/{id}/controls" -> Map.of("action", "set-pause-on-fail", "tasks", List.of("a"), "dry_run", true, "by", "fz");
            case "POST /api/v1/executions/{id}/rerun" -> Map.of("task", "t", "input", Map.of("note", "again"), "env", Map.of("k", "v"), "dry_run", true, "by", "fz");
            case "POST /api/v1/jobs/{id}/complete" -> Map.of("state", "SUCCESS", "output", Map.of("answer", 42));
            case "POST /api/v1/agents/tokens" -> Map.of("name", "fz-ag-@N@", "targets", List.of("nowhere-@N@"), "labels", Map.of("zone", "nowhere"));
            case "POST /api/v1/agent/claim" -> Map.of("max", 1, "wait_seconds", 0, "targets", List.of("fz-remote"), "labels", Map.of());
            case "POST /api/v1/agent/ack" -> Map.of("jobs", List.of(r1));
            case "POST /api/v1/agent/heartbeat" -> Map.of("jobs", List.copyOf(remoteJobs.values()));
            case "POST /api/v1/agent/inputs" -> Map.of("wait_seconds", 0);
            case "POST /api/v1/agent/jobs/{id}/log" -> Map.of("text", "a line of output\n");
            case "POST /api/v1/agent/jobs/{id}/complete" -> Map.of("state", "SUCCEEDED", "output", Map.of("ok", true), "error", "");
            case "POST /api/v1/agent/complete" -> Map.of("results", List.of(Map.of("job_id", remoteJobs.get("r3"), "state", "SUCCEEDED", "output", Map.of("ok", true))), "ack", List.of());
            case "POST /api/v1/jobs/{id}/input" -> Map.of("text", "a line for stdin");
            case "PATCH /api/v1/jobs/{id}/target/params", "PATCH /api/v1/jobs/{id}/hosts/{name}/params" -> Map.of("params", Map.of("fz-written", "v", "fz-gone", "x"));
            case "POST /api/v1/recordings/prune" -> Map.of("older_than_days", 36500);
            case "POST /api/v1/targets" -> Map.of("kind", "machine", "name", "fz-t-@N@", "parent", "fz", "labels", Map.of("role", "web"),
                    "params", Map.of("port", 8080), "profiles", List.of("fz-profile"), "stage", "fz-stage");
            case "PATCH /api/v1/targets/{name}" -> Map.of("labels", Map.of("role", "db"), "params", Map.of("port", 5432), "profiles", List.of("fz-profile"));
            case "PATCH /api/v1/targets/{name}/params" -> Map.of("port", 22, "fz-param", "text");
            case "PUT /api/v1/targets/{name}/params/{param}" -> "a value";
            case "POST /api/v1/profiles" -> Map.of("name", "fz-pr-@N@", "description", "a profile", "params", Map.of("a", 2));
            case "PATCH /api/v1/profiles/{name}" -> Map.of("description", "changed", "params", Map.of("b", 3));
            case "POST /api/v1/params" -> Map.of("name", "fz-pa-@N@", "schema", Map.of("type", "string", "maxLength", 10), "default", "x", "secret", false, "description", "a param");
            case "PUT /api/v1/params/{name}" -> Map.of("schema", Map.of("type", "string"), "default", "y", "secret", false, "description", "a param");
            case "POST /api/v1/manual/{job}/complete" -> Map.of("values", Map.of("note", "fine", "count", 3, "go", true), "by", "fz");
            case "POST /api/v1/manual/{job}/fail" -> Map.of("reason", "not today", "by", "fz");
            case "POST /api/v1/prompts/{id}/answer" -> Map.of("text", "yes", "by", "fz");
            case "PUT /api/v1/operations" -> Map.of("operations", Map.of("fz-op-@N@", Map.of("kind", "machine", "workflow", "fz-done", "description", "d",
                    "fields", Map.of("note", Map.of("type", "string", "description", "a note", "pattern", "^[a-z]*$")))));
            case "PUT /api/v1/operations/{name}" -> Map.of("kind", "machine", "workflow", "fz-done", "description", "an operation",
                    "fields", Map.of("note", Map.of("type", "choice", "choices", List.of("a", "b"))));
            case "POST /api/v1/targets/{name}/operations/{operation}/runs" -> Map.of("input", Map.of("note", "x"), "queue", true, "by", "fz");
            case "PUT /api/v1/stages/{name}" -> Map.of("workflow", "fz-done", "description", "a stage");
            case "PUT /api/v1/stage-maps/{scope}" -> Map.of("fz-stage", Map.of("next", "fz-stage2", "on", "stop"));
            case "PUT /api/v1/targets/{name}/stage" -> Map.of("stage", "fz-stage", "queue", true, "by", "fz", "runnable", true, "single_step", false);
            case "PATCH /api/v1/targets/{name}/lifecycle" -> Map.of("runnable", true, "single_step", false);
            case "POST /api/v1/targets/{name}/lifecycle/continue" -> Map.of("by", "fz");
            case "PUT /api/v1/triggers/{name}" -> Map.of("cron", "0 0 1 1 *", "time_zone", "Europe/Paris", "overlap", "skip", "workflow", "fz-done",
                    "input", Map.of("note", "{{ 'cron' }}"), "paused", false);
            case "POST /api/v1/hooks/{name}" -> Map.of("note", "from a hook", "ref", Map.of("branch", "main"));
            case "POST /mistral/v2/executions" -> Map.of("workflow_name", "fz-done", "input", "{\"note\": \"x\"}", "params", "{\"env\": {\"k\": \"v\"}}", "description", "fz");
            case "PUT /mistral/v2/executions/{id}" -> Map.of("state", "PAUSED", "state_info", "by fz");
            case "PUT /mistral/v2/action_executions/{id}" -> Map.of("state", "SUCCESS", "output", "{\"answer\": 42}");
            case "POST /ara/api/v1/{resource}" -> araCreate(resource);
            case "PATCH /ara/api/v1/{resource}/{id}", "PUT /ara/api/v1/{resource}/{id}" -> araChange(resource);
            default -> null;
        };
    }

    /** The valid YAML (or plain text) body of a route, null: none here (its JSON body, as YAML, stands in). */
    String text(String key) {
        return switch (key) {
            case "POST /api/v1/workflows", "PUT /api/v1/workflows", "POST /api/v1/workflows/validate", "POST /mistral/v2/workflows", "PUT /mistral/v2/workflows" -> NEW_WORKFLOW;
            case "POST /mistral/v2/workbooks", "POST /mistral/v2/workbooks/validate" -> WORKBOOK.formatted("fz-wb-@N@");
            case "PUT /mistral/v2/workbooks" -> WORKBOOK.formatted("fz-wb");
            case "POST /mistral/v2/actions", "POST /mistral/v2/actions/validate" -> ACTION.formatted("fz-act-@N@");
            case "PUT /mistral/v2/actions" -> ACTION.formatted("fz-act");
            case "PUT /mistral/v2/actions/{name}" -> ACTION.formatted("fz-act-spare");
            case "PUT /api/v1/operations" -> """
                    operations:
                      fz-op-@N@:
                        kind: machine
                        workflow: fz-done
                        description: from YAML
                        fields:
                          note: {type: string, pattern: "^[a-z]*$"}
                    """;
            case "PUT /api/v1/operations/{name}" -> """
                    kind: machine
                    workflow: fz-done
                    description: from YAML
                    fields:
                      note:
                        type: text
                        description: a note
                    """;
            case "PUT /api/v1/stage-maps/{scope}" -> """
                    fz-stage:
                      next: fz-stage2
                      on: stop
                    """;
            case "PUT /api/v1/triggers/{name}" -> """
                    cron: "0 0 1 1 *"
                    time_zone: UTC
                    overlap: queue
                    workflow: fz-done
                    input:
                      note: "{{ 'yaml' }}"
                    """;
            default -> null;
        };
    }

    /** The valid form of a route. */
    Map<String, String> form(String key) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (key) {
            case "POST /login" -> {
                m.put("username", "fz-user");
                m.put("password", PASSWORD);
                m.put("next", "/ui");
            }
            case "POST /ui/executions/{id}/control", "POST /ui/executions/{id}/preview" -> {
                m.put("control", "pause");
                m.put("task", "a");
            }
            case "POST /ui/manual/{job}/complete" -> {
                m.put("note", "fine");
                m.put("count", "3");
                m.put("go", "true");
            }
            case "POST /ui/executions/{id}/evaluate" -> {
                m.put("expression", "<% [$.note, task().state] %>");
                m.put("language", "yaql");
                m.put("task", "t");
            }
            case "POST /ui/manual/{job}/fail" -> m.put("reason", "not today");
            case "POST /ui/prompts/{id}/answer" -> m.put("text", "yes");
            case "POST /ui/targets/{name}/operations/{op}", "POST /ui/workflows/{name}/start" -> m.put("note", "x");
            case "POST /ui/workflows/{name}/save", "POST /ui/workflows/{name}/validate" -> m.put("definition", NEW_WORKFLOW);
            default -> { }
        }
        return m;
    }

    private Object araCreate(String kind) {
        long playbook = araIds.get("playbooks");
        return switch (kind) {
            case "labels" -> Map.of("name", "fz-l-@N@");
            case "playbooks" -> Map.of("path", "/fz-@N@.yml", "ansible_version", "2.14.0", "status", "running", "arguments", Map.of("check", false),
                    "labels", List.of("fz"), "controller", "ctl", "user", "me", "python_version", "3.11.2", "started", "2026-01-01T00:00:00Z");
            case "plays" -> Map.of("uuid", UUID.randomUUID().toString(), "playbook", playbook, "name", "a play", "status", "running");
            case "tasks" -> Map.of("action", "debug", "lineno", 3, "handler", false, "play", araIds.get("plays"), "file", araIds.get("files"),
                    "playbook", playbook, "name", "a task", "tags", List.of("t"), "status", "running");
            case "hosts" -> Map.of("name", "host-@N@", "playbook", playbook, "facts", Map.of("os", "debian"), "ok", 1);
            case "results" -> Map.of("host", araIds.get("hosts"), "task", araIds.get("tasks"), "play", araIds.get("plays"), "playbook", playbook,
                    "status", "ok", "changed", true, "content", Map.of("msg", "hi"), "delegated_to", List.of());
            case "files" -> Map.of("path", "/fz-@N@.yml", "playbook", playbook, "content", "- hosts: all\n");
            case "records" -> Map.of("key", "k-@N@", "value", Map.of("v", 1), "type", "json", "playbook", playbook);
            default -> Map.of();
        };
    }

    private static Object araChange(String kind) {
        return switch (kind) {
            case "labels" -> Map.of("name", "fz-l2-@N@");
            case "playbooks" -> Map.of("status", "completed", "ended", "2026-01-01T00:01:00Z", "name", "renamed");
            case "plays", "tasks" -> Map.of("status", "completed", "ended", "2026-01-01T00:01:00Z");
            case "hosts" -> Map.of("changed", 1, "failed", 0, "ok", 2, "skipped", 0, "unreachable", 0);
            case "results" -> Map.of("status", "failed", "ignore_errors", true);
            case "files" -> Map.of("content", "- hosts: web\n");
            case "records" -> Map.of("value", "changed", "type", "text");
            default -> Map.of();
        };
    }

    // ------------------------------------------------------------------ making the objects

    private void recordings() {
        araIds.put("playbooks", araId(ok("POST", "/ara/api/v1/playbooks", Map.of("path", "/fz.yml", "ansible_version", "2.14.0", "status", "running"))));
        araIds.put("files", araId(ok("POST", "/ara/api/v1/files", Map.of("path", "/fz.yml", "playbook", araIds.get("playbooks"), "content", "- hosts: all\n"))));
        araIds.put("plays", araId(ok("POST", "/ara/api/v1/plays", Map.of("uuid", UUID.randomUUID().toString(), "playbook", araIds.get("playbooks"), "name", "p"))));
        araIds.put("tasks", araId(ok("POST", "/ara/api/v1/tasks", Map.of("action", "debug", "lineno", 1, "handler", false, "play", araIds.get("plays"),
                "file", araIds.get("files"), "playbook", araIds.get("playbooks"), "name", "t"))));
        araIds.put("hosts", araId(ok("POST", "/ara/api/v1/hosts", Map.of("name", "h1", "playbook", araIds.get("playbooks")))));
        araIds.put("results", araId(ok("POST", "/ara/api/v1/results", Map.of("host", araIds.get("hosts"), "task", araIds.get("tasks"), "play", araIds.get("plays"),
                "playbook", araIds.get("playbooks"), "status", "ok", "content", Map.of()))));
        araIds.put("records", araId(ok("POST", "/ara/api/v1/records", Map.of("key", "k", "value", "v", "type", "text", "playbook", araIds.get("playbooks")))));
        araIds.put("labels", araId(ok("POST", "/ara/api/v1/labels", Map.of("name", "fz"))));
    }

    private static long araId(Map<String, Object> created) {
        return ((Number) created.get("id")).longValue();
    }

    private String start(String workflow) {
        return (String) ok("POST", "/api/v1/executions", Map.of("workflow", workflow)).get("id");
    }

    /** Task name to job id, once {@code count} tasks of the execution each have a running job. */
    @SuppressWarnings("unchecked")
    private Map<String, String> runningJobs(String execution, int count) {
        Map<String, String> jobs = new LinkedHashMap<>();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                jobs.clear();
                for (Map<String, Object> t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")) {
                    for (Map<String, Object> j : (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items")) {
                        if ("RUNNING".equals(j.get("state"))) jobs.put((String) t.get("name"), (String) j.get("id"));
                    }
                }
                return jobs.size() == count;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + count + " running jobs in " + server.get("/api/v1/executions/" + execution).body() + ": "
                    + server.get("/api/v1/executions/" + execution + "/tasks").body(), e);
        }
        return Map.copyOf(jobs);
    }

    @SuppressWarnings("unchecked")
    private String prompt(String execution) {
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Map<String, Object> item : (List<Map<String, Object>>) server.get("/api/v1/inbox?limit=1000").map().get("items")) {
                if ("prompt".equals(item.get("kind")) && execution.equals(item.get("execution_id"))) id[0] = (String) item.get("id");
            }
            return id[0] != null;
        });
        return id[0];
    }

    /** The agent claims and acknowledges the three jobs of the remote execution; answers the first one's job token. */
    @SuppressWarnings("unchecked")
    private String claimRemoteJobs(String execution) {
        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, String> byId = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TestServer.Answer a = asAgent("/api/v1/agent/claim", Map.of("max", 3, "wait_seconds", 1));
            for (Map<String, Object> j : (List<Map<String, Object>>) a.map().get("jobs")) {
                tokens.put((String) j.get("id"), (String) j.get("token"));
                asAgent("/api/v1/agent/ack", Map.of("jobs", List.of(j.get("id"))));
            }
            return tokens.size() == 3;
        });
        for (Map<String, Object> t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")) {
            for (Map<String, Object> j : (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items")) {
                byId.put((String) t.get("name"), (String) j.get("id"));
            }
        }
        remoteJobs.putAll(new java.util.TreeMap<>(byId));
        return tokens.get(byId.get("r1"));
    }

    private TestServer.Answer asAgent(String path, Object body) {
        var r = server.raw("POST", path, Map.of("Authorization", "Bearer " + agentToken, "Content-Type", "application/json"), Json.write(body));
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return new TestServer.Answer(r.statusCode(), r.body(), "application/json");
    }

    private Map<String, Object> ok(String method, String path, Object body) {
        return ok(method, path, "application/json", body instanceof String s ? s : Json.write(body));
    }

    private Map<String, Object> ok(String method, String path, String type, String body) {
        TestServer.Answer a = server.send(method, path, type, body);
        assertThat(a.status()).as(method + " " + path + ": " + a.body()).isBetween(200, 299);
        return a.body().isEmpty() ? Map.of() : a.map();
    }
}
