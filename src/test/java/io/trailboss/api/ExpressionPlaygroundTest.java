package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

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

/** POST /api/v1/expressions/evaluate: YAQL and Jinja over the data given, failures as problems that say what and where. */
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
        assertThat(post.get("requestBody").toString()).contains("language").contains("expression").contains("data");
    }
}
