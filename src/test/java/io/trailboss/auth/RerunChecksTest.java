package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rerun's new input goes through the checks of the start that made the execution: an operation's form for a
 * run of an operation, none at all for a stage's run, the workflow's declared inputs always; the env of a run is
 * the server's. Refused reruns change nothing; the audit shows what a rerun was asked to change, secrets masked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RerunChecksTest {
    private TestServer server;
    private String bob;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                label_site:
                  input:
                    - label
                    - password: ''
                  tasks:
                    write:
                      action: shell
                      input:
                        script: |
                          echo "labelled {{ target.name }} as {{ vars.label }}"
                free:
                  input: [name]
                  tasks:
                    say:
                      action: std.echo output="hello {{ _.name }}"
                provision:
                  input:
                    - size: small
                  tasks:
                    go:
                      action: std.noop
                """));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop")));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-web", "parent", "shop")));
        Probes.ok(server.send("PUT", "/api/v1/operations", "text/yaml", """
                operations:
                  label_site:
                    kind: site
                    workflow: label_site
                    fields:
                      label: {type: string, pattern: "[a-z0-9-]+"}
                      password: {type: secret}
                """));
        Probes.ok(server.send("PUT", "/api/v1/stages/provision", "application/json", "{\"workflow\": \"provision\"}"));
        Probes.ok(server.postJson("/api/v1/users", Map.of("username", "bob", "password", "bob's long password", "roles", List.of("operator@group:shop"))));
        bob = (String) Probes.ok(server.postJson("/api/v1/tokens", Map.of("name", "bob-cli", "user", "bob"))).get("token");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> asBob(String method, String path, Object body) {
        return as(server, bob, method, path, body == null ? null : "application/json", body == null ? null : Json.write(body));
    }

    private void awaitFinal(String execution) {
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + execution).map().get("state")));
    }

    @SuppressWarnings("unchecked")
    private String log(String execution) {
        StringBuilder out = new StringBuilder();
        for (Object t : (List<Object>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")) {
            for (Object j : (List<Object>) server.get("/api/v1/tasks/" + ((Map<String, Object>) t).get("id") + "/jobs").map().get("items")) {
                out.append(server.get("/api/v1/jobs/" + ((Map<String, Object>) j).get("id") + "/log").body());
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> errors(HttpResponse<String> r) {
        return (List<Map<String, Object>>) SecuredServer.json(r).get("errors");
    }

    @Test
    @SuppressWarnings("unchecked")
    void refuses_rerun_input_that_the_operation_form_refuses_and_audits_what_was_asked_with_secrets_masked() throws Exception {
        HttpResponse<String> run = asBob("POST", "/api/v1/targets/shop-web/operations/label_site/runs", Map.of("input", Map.of("label", "first")));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        String execution = (String) SecuredServer.json(run).get("execution_id");
        awaitFinal(execution);
        Path pwned = dir.resolve("pwned");
        var before = SecuredServer.snapshot(server);

        HttpResponse<String> injected = asBob("POST", "/api/v1/executions/" + execution + "/rerun",
                Map.of("task", "write", "input", Map.of("label", "$(touch " + pwned + ")", "colour", "red")));
        assertThat(injected.statusCode()).as(injected.body()).isEqualTo(400);
        assertThat(errors(injected)).extracting(e -> e.get("field")).containsExactlyInAnyOrder("label", "colour");
        HttpResponse<String> dry = asBob("POST", "/api/v1/executions/" + execution + "/rerun",
                Map.of("task", "write", "dry_run", true, "input", Map.of("label", "$(touch " + pwned + ")")));
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(400);
        HttpResponse<String> env = asBob("POST", "/api/v1/executions/" + execution + "/rerun",
                Map.of("task", "write", "env", Map.of("vars", Map.of("label", "$(touch " + pwned + ")"))));
        assertThat(env.statusCode()).as(env.body()).isEqualTo(400);
        assertThat(errors(env)).extracting(e -> e.get("field")).containsExactly("env");
        // the CLI's rerun is the same request: refused, with every bad field said
        io.trailboss.cli.CliRun.Result cli = io.trailboss.cli.CliRun.run("executions", "rerun", execution, "--task", "write",
                "-i", "label=$(touch " + pwned + ")", "-i", "colour=red", "--server", server.base, "--token", bob);
        assertThat(cli.exit()).as(cli.out() + cli.err()).isEqualTo(1);
        assertThat(cli.err()).contains("error 400", "label:", "does not match the pattern", "colour:");
        assertThat(SecuredServer.snapshot(server)).as("a refused rerun changes nothing").isEqualTo(before);

        HttpResponse<String> fine = asBob("POST", "/api/v1/executions/" + execution + "/rerun",
                Map.of("task", "write", "input", Map.of("label", "second", "password", "s3cret-pass-word")));
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        awaitFinal(execution);
        assertThat(log(execution)).contains("labelled shop-web as second");
        assertThat(Files.exists(pwned)).as("the refused input never ran").isFalse();
        Map<String, Object> now = server.get("/api/v1/executions/" + execution).map();
        assertThat((Map<String, Object>) now.get("input")).containsEntry("label", "second").containsEntry("password", "********");

        String controls = server.get("/api/v1/executions/" + execution + "/controls").body();
        assertThat(controls).contains("second", "********").doesNotContain("s3cret-pass-word");
        List<Map<String, Object>> audit = (List<Map<String, Object>>) server.get("/api/v1/audit?actor=bob&action="
                + java.net.URLEncoder.encode("POST /api/v1/executions/{id}/rerun", java.nio.charset.StandardCharsets.UTF_8) + "&limit=100").map().get("items");
        assertThat(audit).anySatisfy(e -> assertThat(e).containsEntry("status", 400).containsEntry("execution", execution)
                .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("$(touch", "colour")));
        assertThat(audit).anySatisfy(e -> assertThat(e).containsEntry("status", 200)
                .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("\"label\":\"second\"", "\"password\":\"********\"")));
        assertThat(String.valueOf(audit)).doesNotContain("s3cret-pass-word");
    }

    @Test
    void a_rerun_of_a_free_execution_may_change_only_inputs_its_workflow_declares() {
        String execution = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "free", "input", Map.of("name", "ada")))).get("id");
        awaitFinal(execution);
        TestServer.Answer refused = server.postJson("/api/v1/executions/" + execution + "/rerun", Map.of("task", "say", "input", Map.of("nmae", "x", "other", 1)));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"nmae\"", "\"field\":\"other\"");
        TestServer.Answer changed = server.postJson("/api/v1/executions/" + execution + "/rerun",
                Map.of("task", "say", "input", Map.of("name", "grace"), "env", Map.of("stage", "test")));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        awaitFinal(execution);
        assertThat(server.get("/api/v1/executions/" + execution).body()).contains("grace");
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_stage_run_takes_no_input_and_neither_does_its_rerun() {
        HttpResponse<String> moved = asBob("PUT", "/api/v1/targets/shop/stage", Map.of("stage", "provision"));
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        String[] execution = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Map<String, Object>> runs = (List<Map<String, Object>>) server.get("/api/v1/targets/shop/runs").map().get("items");
            return runs.stream().filter(r -> "stage".equals(r.get("kind")) && "SUCCESS".equals(r.get("state")))
                    .map(r -> execution[0] = (String) r.get("execution_id")).findFirst().isPresent();
        });
        HttpResponse<String> refused = asBob("POST", "/api/v1/executions/" + execution[0] + "/rerun", Map.of("task", "go", "input", Map.of("size", "huge")));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(errors(refused)).extracting(e -> e.get("field")).containsExactly("size");
        assertThat(asBob("POST", "/api/v1/executions/" + execution[0] + "/rerun", Map.of("task", "go")).statusCode()).isEqualTo(200);
    }
}
