package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * POST /api/v1/expressions/evaluate: YAQL and Jinja over the data given, or over a task of a real execution as the engine
 * evaluated it there; failures as problems that say what and where.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpressionPlaygroundTest {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private TestServer.Answer evaluate(String language, String expression, Object data) {
        Map<String, Object> body = new HashMap<>();
        body.put("language", language);
        body.put("expression", expression);
        body.put("data", data);
        return server.postJson("/api/v1/expressions/evaluate", body);
    }

    @Test
    void a_yaql_expression_answers_its_result() {
        Map<String, Object> data = Map.of("hosts", List.of(Map.of("name", "a", "up", true), Map.of("name", "b", "up", false)));
        TestServer.Answer a = evaluate("yaql", "$.hosts.where($.up).select($.name)", data);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.map()).isEqualTo(Map.of("result", List.of("a")));
        assertThat(evaluate("yaql", "7 / 2", null).map().get("result")).isEqualTo(3);
        TestServer.Answer nothing = evaluate("yaql", "$.missing?.x", Map.of("missing", new HashMap<>()));
        assertThat(nothing.status()).isEqualTo(422);
        TestServer.Answer none = evaluate("yaql", "$.a", java.util.Collections.singletonMap("a", null));
        assertThat(none.body()).isEqualTo("{\"result\":null}");
    }

    @Test
    void mistral_delimiters_are_accepted_and_positions_count_in_the_text_as_sent() {
        assertThat(evaluate("yaql", "<% $.x + 1 %>", Map.of("x", 1)).map().get("result")).isEqualTo(2);
        TestServer.Answer a = evaluate("yaql", "<% $.x + abc %>", Map.of("x", 1));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.map().get("position")).isEqualTo(7);
    }

    @Test
    void an_expression_that_is_not_yaql_is_a_400_naming_the_token_and_its_position() {
        TestServer.Answer a = evaluate("yaql", "f(, a => 1)", null);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.map()).containsEntry("kind", "YaqlGrammarException").containsEntry("position", 6).containsEntry("field", "expression");
        assertThat((String) a.map().get("detail")).contains("position 6").contains("'=>'");
        TestServer.Answer lexical = evaluate("yaql", "range(1e12)", null);
        assertThat(lexical.status()).isEqualTo(400);
        assertThat(lexical.map()).containsEntry("kind", "YaqlLexicalException").containsEntry("position", 6);
    }

    @Test
    void an_expression_that_fails_is_a_422_naming_the_error_and_the_failing_call() {
        TestServer.Answer a = evaluate("yaql", "$.n + 'x'", Map.of("n", 1));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.map()).containsEntry("kind", "NoMatchingFunctionException").containsEntry("position", 4);
        assertThat((String) a.map().get("detail")).contains("operator +").contains("(int, str)");
        TestServer.Answer key = evaluate("yaql", "$.missing", Map.of("n", 1));
        assertThat(key.map()).containsEntry("kind", "KeyError");
        assertThat(evaluate("yaql", "7 / 0", null).map()).containsEntry("kind", "ZeroDivisionError");
    }

    @Test
    void a_jinja_expression_goes_through_the_jinja_engine() {
        assertThat(evaluate("jinja", "_.a + 1", Map.of("a", 1)).map().get("result")).isEqualTo(2);
        assertThat(evaluate("jinja", "{{ _.a }}-x", Map.of("a", 1)).map().get("result")).isEqualTo("1-x");
        assertThat(evaluate("jinja", "_.items | map(attribute='n') | list", Map.of("items", List.of(Map.of("n", 1), Map.of("n", 2)))).map().get("result"))
                .isEqualTo(List.of(1, 2));
        TestServer.Answer a = evaluate("jinja", "{{ _.a + }}", Map.of("a", 1));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.map()).containsKey("detail");
    }

    @Test
    void a_bad_request_is_a_400_naming_the_field() {
        TestServer.Answer language = evaluate("python", "1", null);
        assertThat(language.status()).isEqualTo(400);
        assertThat(language.map()).containsEntry("field", "language");
        TestServer.Answer missing = server.postJson("/api/v1/expressions/evaluate", Map.of("language", "yaql"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.map()).containsEntry("field", "expression");
        TestServer.Answer unknown = server.postJson("/api/v1/expressions/evaluate", Map.of("language", "yaql", "expression", "1", "context", Map.of()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.map()).containsEntry("field", "context");
        assertThat(server.send("POST", "/api/v1/expressions/evaluate", "application/json", "[1").status()).isEqualTo(400);
    }

    @Test
    void runaway_expressions_fail_within_the_limits_and_the_server_keeps_serving() {
        Map<String, String> expected = Map.of(
                "range(0, 1000000000000)", "CollectionTooLargeException",
                "len(list(sequence()))", "CollectionTooLargeException",
                "'a' * 1000000000", "MemoryQuotaExceededException",
                "[1] * 1000000000", "MemoryQuotaExceededException",
                "def(f, f($)) -> f(1)", "RecursionError",
                "def(f, [f($), f($)]) -> f(1)", "RecursionError",
                "('a' * 10000).replace('', 'bbbbbbbbbbbbbbbbbbbb')", "MemoryQuotaExceededException");
        expected.forEach((expression, kind) -> {
            long start = System.nanoTime();
            TestServer.Answer a = evaluate("yaql", expression, null);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(expression).isLessThan(Duration.ofSeconds(5));
            assertThat(a.status()).as(expression + " " + a.body()).isEqualTo(422);
            assertThat(a.map()).as(expression).containsEntry("kind", kind);
        });
        assertThat(evaluate("yaql", "range(10).sum()", null).map().get("result")).isEqualTo(45);
        assertThat(server.get("/api/v1/health").status()).isEqualTo(200);
    }

    @Test
    void the_route_is_in_the_openapi_document_with_its_request_schema() {
        Map<?, ?> paths = (Map<?, ?>) server.get("/api/openapi.json").map().get("paths");
        Map<?, ?> post = (Map<?, ?>) ((Map<?, ?>) paths.get("/api/v1/expressions/evaluate")).get("post");
        assertThat(post.get("requestBody").toString()).contains("language").contains("expression").contains("data").contains("execution").contains("task");
    }

    // ------------------------------------------------------------------ over a task of a real execution

    private static final String WORKFLOWS = """
            version: '2.0'
            greet:
              input:
                - name
              vars:
                greeting: Hello
              tasks:
                hello:
                  action: std.echo output="<% $.greeting %>, <% $.name %>"
                  publish:
                    message: <% task().result %>
                  on-success: [count]
                count:
                  action: std.echo
                  input:
                    output: [1, 2, 3]
                  publish:
                    total: <% task().result.sum() %>
            greet_broken:
              input:
                - name
              tasks:
                hello:
                  action: std.echo output="Hi <% $.name %>"
                  publish:
                    message: <% task().result %>
                  on-success: [count]
                count:
                  action: std.echo
                  input:
                    output: [1, 2, 3]
                  publish:
                    big: <% task().result.where($ > 5).first() %>
            """;

    private String finished(String workflow, String state) {
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", workflow, "input", Map.of("name", "Ada"), "env", Map.of("site", "shop")))
                .map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> state.equals(server.get("/api/v1/executions/" + id).map().get("state")));
        return id;
    }

    private TestServer.Answer over(String language, String expression, String execution, String task) {
        Map<String, Object> body = new HashMap<>();
        body.put("language", language);
        body.put("expression", expression);
        body.put("execution", execution);
        if (task != null) body.put("task", task);
        return server.postJson("/api/v1/expressions/evaluate", body);
    }

    private Object result(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.map().get("result");
    }

    @Test
    void an_expression_over_a_task_sees_its_data_context_and_the_functions_of_its_execution() {
        String id = finished("greet", "SUCCESS");
        // what the task's publish saw (input, vars, the branch's publishes) with what it published
        assertThat(result(over("yaql", "<% [$.greeting, $.name, $.message, $.total] %>", id, "count"))).isEqualTo(List.of("Hello", "Ada", "Hello, Ada", 6));
        assertThat(result(over("yaql", "$.get(total)", id, "hello"))).isNull();
        assertThat(result(over("yaql", "task().result", id, "count"))).isEqualTo(List.of(1, 2, 3));
        assertThat(result(over("yaql", "task(hello).published.message", id, "count"))).isEqualTo("Hello, Ada");
        assertThat(result(over("yaql", "tasks().select([$.name, $.state])", id, "count"))).isEqualTo(List.of(List.of("hello", "SUCCESS"), List.of("count", "SUCCESS")));
        assertThat(result(over("yaql", "[execution().id, execution().input.name, env().site, global(greeting), $.get('__execution').id]", id, "hello")))
                .isEqualTo(List.of(id, "Ada", "shop", "Hello", id));
        assertThat(result(over("jinja", "{{ task('hello').published.message }} / {{ _.total }} / {{ execution().input.name }}", id, "count")))
                .isEqualTo("Hello, Ada / 6 / Ada");
        // without a task: the execution's final context, what its output is evaluated over
        assertThat(result(over("yaql", "<% [$.message, $.total] %>", id, null))).isEqualTo(List.of("Hello, Ada", 6));
        assertThat(result(over("jinja", "_.total * 2", id, null))).isEqualTo(12);
    }

    @Test
    void a_publish_that_failed_in_the_engine_fails_the_same_way_in_the_playground() {
        String id = finished("greet_broken", "ERROR");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items");
        Map<String, Object> count = tasks.stream().filter(t -> t.get("name").equals("count")).findFirst().orElseThrow();
        assertThat((String) count.get("state_info")).contains("Failed to handle action completion").contains("the collection is empty");
        TestServer.Answer again = over("yaql", "<% task().result.where($ > 5).first() %>", id, "count");
        assertThat(again.status()).as(again.body()).isEqualTo(422);
        assertThat(again.map()).containsEntry("kind", "StopIteration").containsEntry("field", "expression");
        assertThat((String) again.map().get("detail")).contains("the collection is empty");
        // what the failed publish could see, to find what it should have said
        assertThat(result(over("yaql", "[task().state, task().result, $.message]", id, "count"))).isEqualTo(List.of("ERROR", List.of(1, 2, 3), "Hi Ada"));
        assertThat(result(over("yaql", "task().result.where($ > 2).first()", id, "count"))).isEqualTo(3);
    }

    @Test
    void an_expression_over_an_execution_has_the_engine_limits_and_says_what_and_where_it_fails() {
        String id = finished("greet", "SUCCESS");
        long start = System.nanoTime();
        TestServer.Answer endless = over("yaql", "range(0, 1000000000000).sum()", id, "count");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        assertThat(endless.status()).as(endless.body()).isEqualTo(422);
        // whichever of the engine's limits comes first on this machine: its time or the values its calls build
        assertThat(endless.map().get("kind")).isIn("TimeoutError", "MemoryQuotaExceededException");
        TestServer.Answer syntax = over("yaql", "<% $.total + %>", id, "count");
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.map()).containsKey("position").containsEntry("field", "expression");
        TestServer.Answer jinja = over("jinja", "{{ _.total + }}", id, "count");
        assertThat(jinja.status()).isEqualTo(422);
        assertThat(server.get("/api/v1/health").status()).isEqualTo(200);
    }

    @Test
    void an_unknown_execution_or_task_is_a_404_naming_it_and_data_goes_without_an_execution() {
        String id = finished("greet", "SUCCESS");
        TestServer.Answer noExecution = over("yaql", "$", "no-such-execution", null);
        assertThat(noExecution.status()).isEqualTo(404);
        assertThat((String) noExecution.map().get("detail")).contains("execution 'no-such-execution' does not exist");
        TestServer.Answer noTask = over("yaql", "$", id, "wave");
        assertThat(noTask.status()).isEqualTo(404);
        assertThat((String) noTask.map().get("detail")).contains("task 'wave'").contains(id);
        TestServer.Answer both = server.postJson("/api/v1/expressions/evaluate", Map.of("language", "yaql", "expression", "$", "execution", id, "data", Map.of()));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.map()).containsEntry("field", "data");
        TestServer.Answer taskAlone = server.postJson("/api/v1/expressions/evaluate", Map.of("language", "yaql", "expression", "$", "task", "count"));
        assertThat(taskAlone.status()).isEqualTo(400);
        assertThat(taskAlone.map()).containsEntry("field", "task");
        TestServer.Answer blank = server.postJson("/api/v1/expressions/evaluate", Map.of("language", "yaql", "expression", "$", "execution", " "));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.map()).containsEntry("field", "execution");
    }
}
