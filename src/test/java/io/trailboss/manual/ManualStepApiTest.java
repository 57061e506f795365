package io.trailboss.manual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.SseRecorder;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manual steps, the inbox and prompts of running jobs, over HTTP on H2 and PostgreSQL. */
class ManualStepApiTest {
    static final String CHANGE = """
            version: '2.0'
            change:
              input: [host]
              tasks:
                approve:
                  action: manual
                  input:
                    instructions: |
                      # Change on {{ _.host }}
                      Check the dashboard, then answer.
                    form:
                      - {name: replicas, type: number, min: 1, max: 10, label: "How many replicas?"}
                      - {name: go, type: boolean}
                      - {name: env, type: choice, choices: [prod, staging], default: staging}
                      - {name: password, type: secret, required: false}
                      - {name: note, required: false, max_length: 20}
                  publish:
                    replicas: "{{ task().result.replicas }}"
                    go: "{{ task().result.go }}"
                  publish-on-error:
                    why: "{{ task().result._decision.reason }}"
                  on-success: apply
                  on-error: rollback
                apply:
                  action: std.echo
                  input:
                    output: "{{ _.replicas * 2 }}"
                rollback:
                  action: std.echo
                  input:
                    output: "rolled back: {{ _.why }}"
            """;

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> inbox(TestServer server, String query) {
        return (List<Map<String, Object>>) server.get("/api/v1/inbox" + query).map().get("items");
    }

    /** Starts {@code workflow} and waits until its first item is in the inbox; returns the item. */
    static Map<String, Object> startAndWait(TestServer server, String workflow, Map<String, Object> input) {
        TestServer.Answer started = server.postJson("/api/v1/executions", Map.of("workflow", workflow, "input", input));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> inbox(server, "").stream().anyMatch(i -> id.equals(i.get("execution_id"))));
        return inbox(server, "").stream().filter(i -> id.equals(i.get("execution_id"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> task(TestServer server, String executionId, String name) {
        var items = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        return items.stream().filter(t -> name.equals(t.get("name"))).findFirst().orElse(null);
    }

    static void awaitExecution(TestServer server, String id, String state) {
        await().atMost(Duration.ofSeconds(15)).until(() -> state.equals(server.get("/api/v1/executions/" + id).map().get("state")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void a_bad_form_is_refused_with_its_line_and_column_and_nothing_is_stored(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            TestServer.Answer refused = server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    bad:
                      tasks:
                        ask:
                          action: manual
                          input:
                            instructions: Do it
                            form:
                              - name: size
                                type: integer
                              - {name: env, type: choice}
                              - {name: n, type: number, default: many, colour: red}
                    """);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) refused.map().get("errors");
            assertThat(errors).extracting(e -> e.get("path") + " @" + e.get("line") + ":" + e.get("column") + " " + e.get("message")).containsExactly(
                    "bad.tasks.ask.input.form[0].type @10:19 form[0] (size): unknown type 'integer' (one of string, number, boolean, choice, secret)",
                    "bad.tasks.ask.input.form[1].choices @11:13 form[1] (env): a choice field needs 'choices'",
                    "bad.tasks.ask.input.form[2].colour @12:60 unknown key 'colour' (allowed: choices, default, description, label, max, max_length, min, min_length, name, pattern, required, type)");
            assertThat(server.get("/api/v1/workflows/bad").status()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void answers_that_do_not_fit_the_form_get_a_400_naming_each_field_and_change_nothing(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", CHANGE);
            Map<String, Object> item = startAndWait(server, "change", Map.of("host", "db1"));
            String job = (String) item.get("job_id");
            TestServer.Answer bad = server.postJson("/api/v1/manual/" + job + "/complete",
                    Map.of("values", Map.of("replicas", 40, "go", "perhaps", "env", "dev", "note", "far too long for this field", "size", 1)));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) bad.map().get("errors");
            assertThat(errors).extracting(e -> e.get("field") + ": " + e.get("message")).containsExactlyInAnyOrder(
                    "size: the form has no field 'size' (fields: replicas, go, env, password, note)",
                    "replicas: must be at most 10",
                    "go: must be true or false, not 'perhaps'",
                    "env: 'dev' is not one of the choices [prod, staging]",
                    "note: must be at most 20 characters long");
            // the generic async completions would skip the form: they refuse a manual step
            TestServer.Answer generic = server.postJson("/api/v1/jobs/" + job + "/complete", Map.of("state", "SUCCESS", "output", Map.of("replicas", 99)));
            assertThat(generic.status()).isEqualTo(409);
            assertThat((String) generic.map().get("detail")).contains("is a manual step: complete it with POST /api/v1/manual/" + job + "/complete");
            assertThat(server.send("PUT", "/mistral/v2/action_executions/" + job, "application/json", "{\"state\": \"SUCCESS\", \"output\": \"{}\"}").status()).isEqualTo(409);
            TestServer.Answer missing = server.postJson("/api/v1/manual/" + job + "/complete", Map.of("values", Map.of()));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.body()).contains("\"field\":\"replicas\"", "\"field\":\"go\"").doesNotContain("\"field\":\"env\"");
            // nothing changed: the step still waits and the execution still runs
            assertThat(server.get("/api/v1/manual/" + job).map()).containsEntry("state", "RUNNING").containsEntry("waiting", true);
            assertThat(inbox(server, "")).extracting(i -> i.get("job_id")).containsExactly(job);
            assertThat(server.get("/api/v1/executions/" + item.get("execution_id")).map()).containsEntry("state", "RUNNING");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void completed_answers_are_typed_and_reach_the_task_result_and_a_successor_through_publish(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", CHANGE);
            Map<String, Object> item = startAndWait(server, "change", Map.of("host", "db1"));
            assertThat(item).containsEntry("kind", "manual").containsEntry("workflow", "change").containsEntry("task", "approve");
            assertThat((String) item.get("instructions")).startsWith("# Change on db1\nCheck the dashboard");
            assertThat((List<Map<String, Object>>) item.get("form")).extracting(f -> f.get("name") + ":" + f.get("type") + ":" + f.get("required"))
                    .containsExactly("replicas:number:true", "go:boolean:true", "env:choice:false", "password:secret:false", "note:string:false");
            String job = (String) item.get("job_id");
            String execution = (String) item.get("execution_id");
            // the CLI sends text; the server reads it as the field's type
            TestServer.Answer done = server.send("POST", "/api/v1/manual/" + job + "/complete", "application/json",
                    "{\"values\": {\"replicas\": \"3\", \"go\": true, \"password\": \"s3cret-pw\"}}");
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            assertThat(done.body()).doesNotContain("s3cret-pw");
            awaitExecution(server, execution, "SUCCESS");
            Map<String, Object> result = (Map<String, Object>) task(server, execution, "approve").get("result");
            assertThat(result).containsEntry("replicas", 3).containsEntry("go", true).containsEntry("env", "staging").containsEntry("note", null);
            assertThat(result.get("password")).isInstanceOf(Map.class).asString().contains("$encrypted").doesNotContain("s3cret-pw");
            assertThat((Map<String, Object>) result.get("_decision")).containsEntry("decision", "completed").containsEntry("by", server.actor("anonymous")).containsKey("at");
            assertThat(task(server, execution, "apply").get("result")).isEqualTo(6);
            assertThat(task(server, execution, "rollback")).isNull();
            Object sealed = result.get("password");
            assertThat(server.tb.inbox().openSecret(job, "password", sealed)).isEqualTo("s3cret-pw");
            Map<String, Object> shown = server.get("/api/v1/manual/" + job).map();
            assertThat(shown).containsEntry("state", "SUCCEEDED").containsEntry("waiting", false);
            assertThat((Map<String, Object>) shown.get("result")).containsEntry("password", "********");
            assertThat(inbox(server, "")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_failed_step_follows_on_error_and_a_second_decision_is_a_conflict_that_says_the_state(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", CHANGE);
            Map<String, Object> item = startAndWait(server, "change", Map.of("host", "db2"));
            String job = (String) item.get("job_id");
            String execution = (String) item.get("execution_id");
            TestServer.Answer failed = server.send("POST", "/api/v1/manual/" + job + "/fail", "application/json", "{\"reason\": 5}");
            assertThat(failed.status()).isEqualTo(400);
            assertThat(failed.map()).containsEntry("field", "reason");
            TestServer.Answer noReason = server.postJson("/api/v1/manual/" + job + "/fail", Map.of("by", "ada"));
            assertThat(noReason.status()).isEqualTo(400);
            assertThat(noReason.map()).containsEntry("field", "reason");
            failed = server.send("POST", "/api/v1/manual/" + job + "/fail", "application/json", "{\"reason\": \"dashboard is red\", \"by\": \"ada\"}");
            assertThat(failed.status()).as(failed.body()).isEqualTo(200);
            assertThat(failed.map()).containsEntry("state", "FAILED").containsEntry("error", "dashboard is red");
            awaitExecution(server, execution, "SUCCESS");
            assertThat(task(server, execution, "approve")).containsEntry("state", "ERROR");
            assertThat(task(server, execution, "rollback").get("result")).isEqualTo("rolled back: dashboard is red");
            Map<String, Object> decision = (Map<String, Object>) ((Map<String, Object>) server.get("/api/v1/manual/" + job).map().get("result")).get("_decision");
            assertThat(decision).containsEntry("decision", "failed").containsEntry("by", server.actor("ada")).containsEntry("reason", "dashboard is red");

            TestServer.Answer again = server.postJson("/api/v1/manual/" + job + "/complete", Map.of("values", Map.of("replicas", 1, "go", true)));
            assertThat(again.status()).isEqualTo(409);
            assertThat((String) again.map().get("detail")).contains("job '" + job + "' is FAILED (failed by " + server.actor("ada") + " at ").contains("no longer waiting");
            assertThat(server.postJson("/api/v1/manual/nope/fail", Map.of("reason", "x")).status()).isEqualTo(404);
            assertThat(server.postJson("/api/v1/manual/" + job + "/complete", Map.of("values", Map.of(), "who", "x")).status()).isEqualTo(400);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void the_inbox_lists_steps_of_two_executions_oldest_first_in_pages(String db) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", CHANGE);
            Map<String, Object> first = startAndWait(server, "change", Map.of("host", "a"));
            Thread.sleep(5);
            Map<String, Object> second = startAndWait(server, "change", Map.of("host", "b"));
            assertThat(first.get("execution_id")).isNotEqualTo(second.get("execution_id"));
            assertThat(inbox(server, "")).extracting(i -> i.get("job_id")).containsExactly(first.get("job_id"), second.get("job_id"));
            assertThat(server.get("/api/v1/inbox?limit=1&offset=1").map()).containsEntry("total", 2).containsEntry("limit", 1);
            assertThat(inbox(server, "?limit=1&offset=1")).extracting(i -> i.get("job_id")).containsExactly(second.get("job_id"));
            assertThat(server.get("/api/v1/inbox?limit=0").status()).isEqualTo(400);
            // the task-controls' skip needs the execution and the task's name: both are on the item
            assertThat(first).containsKeys("execution_id", "task", "task_execution_id", "since", "target");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void a_prompt_from_a_shell_job_is_answered_through_the_inbox_and_reaches_its_stdin(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    ask:
                      tasks:
                        question:
                          action: shell
                          input:
                            script: |
                              echo "::prompt::Continue?"
                              read answer
                              echo "answer was $answer"
                    """);
            Map<String, Object> item = startAndWait(server, "ask", Map.of());
            assertThat(item).containsEntry("kind", "prompt").containsEntry("question", "Continue?").containsEntry("task", "question");
            String prompt = (String) item.get("id");
            String execution = (String) item.get("execution_id");
            TestServer.Answer answered = server.send("POST", "/api/v1/prompts/" + prompt + "/answer", "application/json", "{\"text\": \"yes please\"}");
            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            assertThat(answered.map()).containsEntry("state", "ANSWERED").containsEntry("answered_by", server.actor("anonymous"));
            awaitExecution(server, execution, "SUCCESS");
            assertThat(server.get("/api/v1/jobs/" + item.get("job_id") + "/log").body()).contains("::prompt::Continue?\n", "answer was yes please\n");
            assertThat(inbox(server, "")).isEmpty();
            TestServer.Answer twice = server.postJson("/api/v1/prompts/" + prompt + "/answer", Map.of("text", "again"));
            assertThat(twice.status()).isEqualTo(409);
            assertThat((String) twice.map().get("detail")).contains("is ANSWERED (by " + server.actor("anonymous") + ")");
            assertThat(server.postJson("/api/v1/prompts/nope/answer", Map.of("text", "x")).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2"})
    void a_prompt_left_unanswered_is_closed_when_its_job_ends_and_the_event_stream_says_so(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    ask:
                      tasks:
                        question:
                          action: shell
                          input:
                            script: |
                              echo "::prompt::Reboot now?"
                              sleep 2
                    """);
            Map<String, Object> item = startAndWait(server, "ask", Map.of());
            String execution = (String) item.get("execution_id");
            try (SseRecorder events = new SseRecorder(server.base + "/api/v1/executions/" + execution + "/events")) {
                // nobody answers: the script ends anyway, and its question with it
                await().atMost(Duration.ofSeconds(15)).until(() -> "CLOSED".equals(server.get("/api/v1/prompts/" + item.get("id")).map().get("state")));
                await().atMost(Duration.ofSeconds(5)).until(() -> events.events.stream()
                        .anyMatch(e -> "inbox".equals(e.event()) && "prompt-closed".equals(e.data().get("action"))));
            }
            assertThat(inbox(server, "")).isEmpty();
            assertThat(server.postJson("/api/v1/prompts/" + item.get("id") + "/answer", Map.of("text", "y")).status()).isEqualTo(409);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2"})
    void the_documented_example_runs_from_manual_check_to_answered_prompt(String db) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            String yaml = java.nio.file.Files.readString(java.nio.file.Path.of("docs/examples/manual-step.yaml"));
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", yaml).status()).isEqualTo(200);
            try (SseRecorder events = new SseRecorder(server.base + "/api/v1/events")) {
                Map<String, Object> step = startAndWait(server, "failover", Map.of("cluster", "pg-main"));
                assertThat((String) step.get("instructions")).startsWith("## Check the replica of pg-main");
                String execution = (String) step.get("execution_id");
                TestServer.Answer done = server.send("POST", "/api/v1/manual/" + step.get("job_id") + "/complete", "application/json",
                        "{\"values\": {\"lag_ok\": \"yes\", \"ticket\": \"CHG-42\"}}");
                assertThat(done.status()).as(done.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).until(() -> inbox(server, "").stream().anyMatch(i -> "prompt".equals(i.get("kind"))));
                Map<String, Object> prompt = inbox(server, "").getFirst();
                assertThat(prompt).containsEntry("question", "Type 'go' to promote the replica").containsEntry("task", "switch");
                assertThat(server.postJson("/api/v1/prompts/" + prompt.get("id") + "/answer", Map.of("text", "go")).status()).isEqualTo(200);
                awaitExecution(server, execution, "SUCCESS");
                assertThat(server.get("/api/v1/jobs/" + prompt.get("job_id") + "/log").body()).contains("draining 50 connections on pg-main", "promoted");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.events.stream().filter(e -> "inbox".equals(e.event()))
                        .map(e -> (String) e.data().get("action")).toList()
                        .containsAll(List.of("manual-waiting", "manual-completed", "prompt-open", "prompt-answered")));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2"})
    void a_manual_step_on_a_target_an_agent_covers_still_waits_on_the_server(String db) {
        try (TestServer server = new TestServer(TestDatabases.of(db))) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "web1")).status()).isEqualTo(201);
            assertThat(server.postJson("/api/v1/agents/tokens", Map.of("name", "rack", "targets", List.of("web1"))).status()).isEqualTo(201);
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    onweb:
                      tasks:
                        look:
                          targets: web1
                          action: manual
                          input:
                            instructions: "Look at {{ target.name }}"
                    """);
            Map<String, Object> item = startAndWait(server, "onweb", Map.of());
            assertThat(item).containsEntry("target", "web1").containsEntry("instructions", "Look at web1");
            TestServer.Answer noForm = server.postJson("/api/v1/manual/" + item.get("job_id") + "/complete", Map.of("values", Map.of("x", 1)));
            assertThat(noForm.status()).isEqualTo(400);
            assertThat(noForm.body()).contains("the step has no form, so it takes no answers");
            assertThat(server.postJson("/api/v1/manual/" + item.get("job_id") + "/complete", Map.of("values", Map.of())).status()).isEqualTo(200);
            awaitExecution(server, (String) item.get("execution_id"), "SUCCESS");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void a_waiting_step_survives_a_restart_and_a_job_run_again_asks_afresh(String db) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("trailboss-restart-");
        String pg = db.equals("postgres") ? TestDatabases.freshPostgresUrl() : null;
        java.util.function.Supplier<io.trailboss.store.Database> open = () -> pg == null
                ? io.trailboss.store.Database.embedded(dir) : io.trailboss.store.Database.connect(pg, null, null);
        Map<String, Object> step;
        Map<String, Object> oldPrompt;
        try (TestServer first = new TestServer(open.get())) {
            first.send("PUT", "/api/v1/workflows", "text/yaml", CHANGE);
            first.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    ask:
                      tasks:
                        question:
                          action: shell
                          input:
                            script: |
                              echo "::prompt::Proceed?"
                              answer=$(timeout 20 head -n 1)
                              echo "got $answer"
                    """);
            step = startAndWait(first, "change", Map.of("host", "db9"));
            oldPrompt = startAndWait(first, "ask", Map.of());
        }
        try (TestServer second = new TestServer(open.get())) {
            // the job's process died with the first server: its question is closed, the job runs again and asks anew
            await().atMost(Duration.ofSeconds(15)).until(() -> inbox(second, "").size() == 2
                    && inbox(second, "").stream().noneMatch(i -> oldPrompt.get("id").equals(i.get("id"))));
            assertThat(second.get("/api/v1/prompts/" + oldPrompt.get("id")).map()).containsEntry("state", "CLOSED");
            List<Map<String, Object>> items = inbox(second, "");
            assertThat(items).extracting(i -> i.get("kind")).containsExactly("manual", "prompt");
            assertThat(items.get(0)).containsEntry("job_id", step.get("job_id"));
            assertThat(items.get(1)).containsEntry("job_id", oldPrompt.get("job_id")).containsEntry("question", "Proceed?");
            assertThat(second.postJson("/api/v1/manual/" + step.get("job_id") + "/complete", Map.of("values", Map.of("replicas", 2, "go", true))).status()).isEqualTo(200);
            assertThat(second.postJson("/api/v1/prompts/" + items.get(1).get("id") + "/answer", Map.of("text", "sure")).status()).isEqualTo(200);
            awaitExecution(second, (String) step.get("execution_id"), "SUCCESS");
            awaitExecution(second, (String) oldPrompt.get("execution_id"), "SUCCESS");
            assertThat(task(second, (String) step.get("execution_id"), "apply").get("result")).isEqualTo(4);
            assertThat(second.get("/api/v1/jobs/" + oldPrompt.get("job_id") + "/log").body()).contains("got sure");
        }
    }
}
