package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests that {@link WriteRouteFuzzTest} found answered with a 5xx, with no reason, or with a reason a client
 * cannot read: each is a 4xx problem that says what is wrong, and a refusal that closes the connection says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusedInputTest {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                refused:
                  input:
                    - note: ''
                  tasks:
                    t:
                      action: std.noop
                """));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
    }

    private static void isProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat((String) Json.readMap(r.body()).get("detail")).contains(detail);
    }

    @Test
    void a_path_that_cannot_be_decoded_is_refused_with_a_problem_that_says_the_connection_closes() {
        for (String path : List.of("/api/v1/targets/%00", "/api/v1/targets/%FF", "/api/v1/targets/%ED%A0%80")) {
            for (String method : List.of("GET", "PATCH", "DELETE")) {
                HttpResponse<String> r = server.raw(method, path, Map.of("Content-Type", "application/json"), method.equals("PATCH") ? "{}" : null);
                isProblem(r, 400, "malformed request");
                assertThat(r.headers().firstValue("Connection")).as(method + " " + path).hasValue("close");
            }
        }
    }

    @Test
    void a_broken_multipart_form_is_a_400_that_says_the_connection_closes() {
        HttpResponse<String> truncated = server.raw("POST", "/login", Map.of("Content-Type", "multipart/form-data; boundary=zz"),
                "--zz\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nx\r\n--z");
        isProblem(truncated, 400, "the request cannot be read");
        assertThat(truncated.headers().firstValue("Connection")).hasValue("close");
        HttpResponse<String> noBoundary = server.raw("POST", "/ui/workflows/refused/validate", Map.of("Content-Type", "multipart/form-data"), "definition=x");
        isProblem(noBoundary, 400, "the request cannot be read");
        assertThat(server.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void a_problem_detail_is_utf8_whatever_its_characters() throws Exception {
        HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.base + "/api/v1/targets/%C3%A9t%C3%A9%E2%80%AE")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("target 'été\u202e' does not exist");
    }

    @Test
    void operation_choices_must_be_strings_numbers_or_booleans() {
        for (String choices : List.of("[null]", "[1, \"a\", {}, [], true, null]")) {
            TestServer.Answer a = server.send("PUT", "/api/v1/operations/refused", "application/json",
                    "{\"kind\": \"machine\", \"workflow\": \"refused\", \"fields\": {\"note\": {\"type\": \"choice\", \"choices\": " + choices + "}}}");
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.body()).contains("fields.note.choices", "must be a non-empty list of strings, numbers or booleans");
        }
        ok(server.send("PUT", "/api/v1/operations/refused", "application/json",
                "{\"kind\": \"machine\", \"workflow\": \"refused\", \"fields\": {\"note\": {\"type\": \"choice\", \"choices\": [\"a\", 2, true]}}}"));
    }

    @Test
    void a_label_selector_of_more_than_32_labels_is_refused_before_it_becomes_a_query() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) many.put("k" + i, "v");
        TestServer.Answer issue = server.postJson("/api/v1/agents/tokens", Map.of("name", "many-labels", "labels", many));
        assertThat(issue.status()).as(issue.body()).isEqualTo(400);
        assertThat(issue.body()).contains("at most 32 labels, not 33");

        TestServer.Answer agent = server.postJson("/api/v1/agents/tokens", Map.of("name", "few-labels", "labels", Map.of("zone", "a")));
        ok(agent);
        HttpResponse<String> claim = server.raw("POST", "/api/v1/agent/claim", Map.of("Authorization", "Bearer " + agent.map().get("token"),
                "Content-Type", "application/json"), Json.write(Map.of("max", 1, "wait_seconds", 0, "labels", many)));
        isProblem(claim, 400, "at most 32 labels, not 33");

        StringBuilder query = new StringBuilder("/api/v1/targets?limit=10");
        many.forEach((k, v) -> query.append("&label=").append(k).append("%3D").append(v));
        TestServer.Answer list = server.get(query.toString());
        assertThat(list.status()).as(list.body()).isEqualTo(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_webhook_whose_body_is_json_null_starts_its_workflow() {
        TestServer.Answer trigger = server.send("PUT", "/api/v1/triggers/refused-hook", "application/json",
                "{\"workflow\": \"refused\", \"webhook\": {\"auth\": \"token\"}, \"input\": {\"note\": \"{{ body.note }}\"}}");
        ok(trigger);
        HttpResponse<String> fired = server.raw("POST", "/api/v1/hooks/refused-hook", Map.of("X-Trailboss-Token", (String) trigger.map().get("secret"),
                "Content-Type", "application/json"), "null");
        assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
        assertThat(Json.readMap(fired.body())).containsEntry("outcome", "STARTED");
    }
}
