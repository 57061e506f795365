package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    private static final String GREET = """
            version: '2.0'
            api_greet:
              input:
                - name
                - greeting: Hello
              tasks:
                say:
                  action: std.echo output="{{ _.greeting }}, {{ _.name }}"
                  publish:
                    message: "{{ task().result }}"
            """;
    private static final String ASYNC = """
            version: '2.0'
            api_async:
              tasks:
                wait:
                  action: std.async_noop
                  publish:
                    answer: "{{ task().result.answer }}"
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("POST", "/api/v1/workflows", "text/yaml", GREET).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/workflows", Map.of("definition", ASYNC)).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Map<String, Object> awaitFinal(String id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> List.of("SUCCESS", "ERROR", "CANCELLED").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        return server.get("/api/v1/executions/" + id).map();
    }

    @Test
    void starts_an_execution_and_serves_its_output_and_tasks() {
        var started = server.postJson("/api/v1/executions", Map.of("workflow", "api_greet", "input", Map.of("name", "Ada")));
        assertThat(started.status()).isEqualTo(201);
        String id = (String) started.map().get("id");
        var done = awaitFinal(id);
        assertThat(done.get("state")).isEqualTo("SUCCESS");
        // as Mistral 15 gives it: what the tasks published, not the input
        assertThat(done.get("output")).isEqualTo(Map.of("message", "Hello, Ada"));
        @SuppressWarnings("unchecked")
        var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items");
        assertThat(tasks).singleElement().satisfies(t -> {
            assertThat(t.get("name")).isEqualTo("say");
            assertThat(t.get("result")).isEqualTo("Hello, Ada");
            assertThat(t.get("published")).isEqualTo(Map.of("message", "Hello, Ada"));
        });
        var jobs = server.get("/api/v1/tasks/" + tasks.get(0).get("id") + "/jobs").map();
        assertThat((List<?>) jobs.get("items")).hasSize(1);
    }

    @Test
    void lists_executions_filtered_by_workflow_and_state_with_paging() {
        for (int i = 0; i < 3; i++) {
            String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "api_greet", "input", Map.of("name", "n" + i))).map().get("id");
            awaitFinal(id);
        }
        var page = server.get("/api/v1/executions?workflow=api_greet&state=SUCCESS&limit=2").map();
        assertThat((List<?>) page.get("items")).hasSize(2);
        assertThat(((Number) page.get("total")).intValue()).isGreaterThanOrEqualTo(3);
        var none = server.get("/api/v1/executions?workflow=api_greet&created_before=2000-01-01T00:00:00Z").map();
        assertThat((List<?>) none.get("items")).isEmpty();
    }

    @Test
    void rejects_a_definition_with_errors_naming_line_and_column_and_stores_nothing() {
        var answer = server.send("POST", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                broken:
                  tasks:
                    a:
                      action: std.echo
                      bogus: 1
                """);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        @SuppressWarnings("unchecked")
        var errors = (List<Map<String, Object>>) answer.map().get("errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("line")).isEqualTo(6);
            assertThat(e.get("column")).isEqualTo(7);
            assertThat((String) e.get("message")).contains("unknown key 'bogus'");
        });
        assertThat(server.get("/api/v1/workflows/broken").status()).isEqualTo(404);
    }

    @Test
    void rejects_malformed_yaml_with_its_position() {
        var answer = server.send("POST", "/api/v1/workflows/validate", "text/yaml", "version: '2.0'\nx:\n  tasks: [a\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat((String) answer.map().get("detail")).contains("malformed YAML").contains("line ");
    }

    @Test
    void refuses_a_second_create_of_the_same_name_with_409() {
        assertThat(server.send("POST", "/api/v1/workflows", "text/yaml", GREET).status()).isEqualTo(409);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", GREET).status()).isEqualTo(200);
    }

    @Test
    void answers_bad_requests_with_4xx_naming_the_problem() {
        var unknownField = server.postJson("/api/v1/executions", Map.of("workflow", "api_greet", "inputs", Map.of()));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.map().get("field")).isEqualTo("inputs");
        var missingInput = server.postJson("/api/v1/executions", Map.of("workflow", "api_greet"));
        assertThat(missingInput.status()).isEqualTo(400);
        assertThat(missingInput.map().get("field")).isEqualTo("name");
        var wrongType = server.postJson("/api/v1/executions", Map.of("workflow", "api_greet", "input", List.of(1)));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.map().get("field")).isEqualTo("input");
        assertThat(server.postJson("/api/v1/executions", "{not json").status()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/executions", Map.of("workflow", "nope")).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/executions/nope").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/executions?limit=abc").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/executions?state=SLEEPY").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/executions?created_after=yesterday").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/no/such/route").status()).isEqualTo(404);
        String huge = "x".repeat((int) ApiServer.MAX_BODY + 10);
        assertThat(server.send("POST", "/api/v1/workflows", "text/yaml", huge).status()).isEqualTo(413);
    }

    @Test
    void completes_an_async_job_once_and_treats_a_repeat_as_unchanged() {
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "api_async")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> asyncJob(id) != null);
        String jobId = asyncJob(id);
        var first = server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "SUCCESS", "output", Map.of("answer", 42)));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.map().get("changed")).isEqualTo(true);
        var again = server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "SUCCESS", "output", Map.of("answer", 42)));
        assertThat(again.map().get("changed")).isEqualTo(false);
        assertThat(server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "ERROR")).status()).isEqualTo(409);
        assertThat(server.postJson("/api/v1/jobs/nope/complete", Map.of("state", "SUCCESS")).status()).isEqualTo(404);
        var done = awaitFinal(id);
        assertThat(done.get("state")).isEqualTo("SUCCESS");
        assertThat(((Map<?, ?>) done.get("output")).get("answer")).isEqualTo(42);
    }

    @Test
    void a_second_completion_with_another_output_or_error_is_a_conflict_and_changes_nothing() {
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "api_async")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> asyncJob(id) != null);
        String jobId = asyncJob(id);
        Map<String, Object> output = new java.util.LinkedHashMap<>();
        output.put("answer", 42);
        output.put("by", Map.of("x", 1, "y", List.of(1, 2)));
        assertThat(server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "SUCCESS", "output", output)).map().get("changed")).isEqualTo(true);
        // the same result again, its keys in another order: harmless
        String reordered = "{\"output\": {\"by\": {\"y\": [1, 2], \"x\": 1}, \"answer\": 42}, \"state\": \"SUCCESS\"}";
        var again = server.send("POST", "/api/v1/jobs/" + jobId + "/complete", "application/json", reordered);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.map().get("changed")).isEqualTo(false);
        // the same state with another output: refused, not dropped silently
        var other = server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "SUCCESS", "output", Map.of("answer", 43)));
        assertThat(other.status()).as(other.body()).isEqualTo(409);
        assertThat(other.body()).contains("already completed with another result").contains("\\\"answer\\\":42");
        assertThat(server.postJson("/api/v1/jobs/" + jobId + "/complete", Map.of("state", "SUCCESS")).status()).isEqualTo(409);
        // Mistral's callback: the same answers
        var mistralOther = server.send("PUT", "/mistral/v2/action_executions/" + jobId, "application/json", "{\"state\": \"SUCCESS\", \"output\": \"{\\\"answer\\\": 44}\"}");
        assertThat(mistralOther.status()).as(mistralOther.body()).isEqualTo(409);
        var mistralSame = server.send("PUT", "/mistral/v2/action_executions/" + jobId, "application/json", Json.write(Map.of("state", "SUCCESS", "output", Json.write(output))));
        assertThat(mistralSame.status()).as(mistralSame.body()).isEqualTo(200);
        var done = awaitFinal(id);
        assertThat(((Map<?, ?>) done.get("output")).get("answer")).isEqualTo(42);

        String failing = (String) server.postJson("/api/v1/executions", Map.of("workflow", "api_async")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> asyncJob(failing) != null);
        String failed = asyncJob(failing);
        assertThat(server.postJson("/api/v1/jobs/" + failed + "/complete", Map.of("state", "ERROR", "error", "disk full")).status()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/jobs/" + failed + "/complete", Map.of("state", "ERROR", "error", "disk full")).map().get("changed")).isEqualTo(false);
        assertThat(server.postJson("/api/v1/jobs/" + failed + "/complete", Map.of("state", "ERROR", "error", "network down")).status()).isEqualTo(409);
    }

    @SuppressWarnings("unchecked")
    private String asyncJob(String executionId) {
        var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        if (tasks.isEmpty()) return null;
        var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.get(0).get("id") + "/jobs").map().get("items");
        return jobs.isEmpty() || !Boolean.TRUE.equals(jobs.get(0).get("async")) ? null : (String) jobs.get(0).get("id");
    }

    @Test
    void pauses_resumes_and_cancels_and_refuses_invalid_transitions() {
        server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                api_slow:
                  tasks:
                    a:
                      action: std.async_noop
                """);
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "api_slow")).map().get("id");
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"PAUSED\"}").map().get("state")).isEqualTo("PAUSED");
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"PAUSED\"}").status()).isEqualTo(409);
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"RUNNING\"}").map().get("state")).isEqualTo("RUNNING");
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"CANCELLED\"}").map().get("state")).isEqualTo("CANCELLED");
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"CANCELLED\"}").status()).isEqualTo(409);
        assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\":\"DONE\"}").status()).isEqualTo(400);
    }

    @Test
    void serves_an_openapi_document_listing_the_routes() {
        var doc = server.get("/api/openapi.json").map();
        assertThat(doc.get("openapi")).isEqualTo("3.0.3");
        assertThat(((Map<?, ?>) doc.get("paths")).keySet().stream().map(String::valueOf).toList()).contains("/api/v1/workflows", "/api/v1/executions", "/api/v1/jobs/{id}/complete", "/mistral/v2/executions",
                "/api/v1/targets/{name}/operations/{operation}/runs", "/api/v1/runs/{id}/variables", "/api/v1/targets/{name}/stage",
                "/api/v1/stage-maps/{scope}", "/api/v1/targets/{name}/lifecycle/continue", "/api/v1/triggers/{name}", "/api/v1/hooks/{name}",
                "/login", "/logout", "/api/v1/me", "/api/v1/users", "/api/v1/tokens", "/api/v1/tokens/{id}", "/api/v1/audit", "/api/v1/expressions/evaluate");
    }
}
