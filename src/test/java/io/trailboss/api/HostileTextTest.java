package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strings a database cannot hold or would give back changed (a NUL, a lone surrogate, bytes that are not
 * UTF-8), numbers JSON does not have (NaN, Infinity) and keys given twice are refused with a 400 naming the
 * field, wherever they are in the request (JSON, JSON inside a string, form, query, path), and change nothing.
 * PostgreSQL's text cannot hold a NUL at all: there a NUL that got through was a 500.
 */
class HostileTextTest {
    private static final String ECHO = """
            version: '2.0'
            ht_echo:
              input:
                - x: 1
              tasks:
                t:
                  action: std.echo output="{{ _.x }}"
            """;

    private static TestServer server(String db) {
        TestServer s = new TestServer(TestDatabases.of(db));
        assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", ECHO).status()).isEqualTo(200);
        return s;
    }

    private static void refused(TestServer.Answer a, String field, String says) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        if (field != null) assertThat(a.map()).as(a.body()).containsEntry("field", field);
        assertThat((String) a.map().get("detail")).contains(says);
    }

    private static HttpResponse<String> bytes(TestServer s, String method, String path, String type, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base + path)).timeout(Duration.ofSeconds(30)).header("Content-Type", type);
        if (s.authorization() != null) b.header("Authorization", s.authorization());
        b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long executions(TestServer s) {
        return ((Number) s.get("/api/v1/executions?limit=1").map().get("total")).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_nul_in_any_string_of_a_request_is_refused_naming_the_field_and_changes_nothing(String db) {
        try (TestServer s = server(db)) {
            refused(s.postJson("/api/v1/targets", "{\"kind\": \"machine\", \"name\": \"ht-1\", \"labels\": {\"role\": \"a\\u0000b\"}}"), "labels.role", "NUL");
            assertThat(s.get("/api/v1/targets/ht-1").status()).isEqualTo(404);
            refused(s.postJson("/api/v1/targets", "{\"kind\": \"machine\", \"name\": \"ht-1\", \"params\": {\"a\\u0000\": 1}}"), "params.a\u0000", "NUL");
            assertThat(s.get("/api/v1/targets/ht-1").status()).isEqualTo(404);
            refused(s.postJson("/api/v1/executions", "{\"workflow\": \"ht_echo\", \"description\": \"\\u0000\"}"), "description", "NUL");
            refused(s.postJson("/login", "{\"username\": \"a\\u0000b\", \"password\": \"x\"}"), "username", "NUL");
            refused(s.send("POST", "/login", "application/x-www-form-urlencoded", "username=a%00b&password=x"), "username", "NUL");
            refused(s.get("/api/v1/executions?workflow=ht%00echo"), "workflow", "NUL");
            // JSON inside a JSON string, as Mistral's API takes input: the body's check sees only the outer string
            refused(s.postJson("/mistral/v2/executions", Map.of("workflow_name", "ht_echo", "input", "{\"x\": \"a\\u0000b\"}")), "input.x", "NUL");
            refused(s.send("PUT", "/api/v1/workflows", "text/yaml", ECHO.replace("ht_echo", "ht_echo2").replace("- x: 1", "- x: \"\\0\"")), null, "NUL");
            assertThat(s.get("/api/v1/workflows/ht_echo2").status()).isEqualTo(404);
            assertThat(executions(s)).isZero();
            // Jetty refuses an encoded NUL in the path itself, before any route (a 400 of its own, not problem+json),
            // and closes the connection: the last call here
            assertThat(s.get("/api/v1/targets/ht%001").status()).isEqualTo(400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_job_whose_output_holds_a_nul_ends_and_its_log_shows_a_replacement_character(String db) {
        try (TestServer s = server(db)) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    ht_nul_out:
                      tasks:
                        t:
                          action: shell
                          input:
                            script: |
                              printf 'a\\000b\\n'
                    """).status()).isEqualTo(200);
            String id = (String) s.postJson("/api/v1/executions", Map.of("workflow", "ht_nul_out")).map().get("id");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> java.util.List.of("SUCCESS", "ERROR").contains(s.get("/api/v1/executions/" + id).map().get("state")));
            assertThat(s.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("SUCCESS");
            Map<String, Object> task = (Map<String, Object>) ((java.util.List<Object>) s.get("/api/v1/executions/" + id + "/tasks").map().get("items")).getFirst();
            Map<String, Object> job = (Map<String, Object>) ((java.util.List<Object>) s.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items")).getFirst();
            assertThat(s.get("/api/v1/jobs/" + job.get("id") + "/log").body()).contains("a\uFFFDb").doesNotContain("\u0000");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void lone_surrogates_and_bytes_that_are_not_utf8_are_refused_instead_of_stored_changed(String db) throws Exception {
        try (TestServer s = server(db)) {
            refused(s.postJson("/api/v1/targets", "{\"kind\": \"machine\", \"name\": \"ht-2\", \"labels\": {\"role\": \"\\ud800\"}}"), "labels.role", "lone surrogate");
            refused(s.postJson("/api/v1/profiles", "{\"name\": \"ht-p\", \"description\": \"x\\udc00y\"}"), "description", "lone surrogate");
            byte[] latin = "{\"kind\": \"machine\", \"name\": \"ht-2\", \"labels\": {\"role\": \"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
            HttpResponse<String> notUtf8 = bytes(s, "POST", "/api/v1/targets", "application/json", latin);
            assertThat(notUtf8.statusCode()).as(notUtf8.body()).isEqualTo(400);
            assertThat(notUtf8.body()).contains("not valid UTF-8").contains("at byte 59");
            HttpResponse<String> form = bytes(s, "POST", "/login", "application/x-www-form-urlencoded", "username=caf%E9&password=x".getBytes(StandardCharsets.US_ASCII));
            assertThat(form.statusCode()).as(form.body()).isEqualTo(400);
            assertThat(form.body()).contains("not UTF-8");
            refused(s.get("/api/v1/executions?workflow=caf%E9"), null, "not UTF-8");
            assertThat(s.get("/api/v1/targets/ht-2").status()).isEqualTo(404);
            assertThat(s.get("/api/v1/profiles/ht-p").status()).isEqualTo(404);
            // a pair of surrogates is one character, and is kept
            TestServer.Answer pair = s.postJson("/api/v1/targets", "{\"kind\": \"machine\", \"name\": \"ht-3\", \"labels\": {\"role\": \"\\ud83d\\ude80\"}}");
            assertThat(pair.status()).as(pair.body()).isEqualTo(201);
            assertThat(s.get("/api/v1/targets/ht-3").map().get("labels")).isEqualTo(Map.of("role", "\ud83d\ude80"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void nan_and_infinity_are_refused_where_they_would_be_stored_but_ara_keeps_taking_them(String db) {
        try (TestServer s = server(db)) {
            refused(s.postJson("/api/v1/executions", "{\"workflow\": \"ht_echo\", \"input\": {\"x\": NaN}}"), "input.x", "not a finite number");
            refused(s.postJson("/api/v1/executions", "{\"workflow\": \"ht_echo\", \"input\": {\"x\": [1, -Infinity]}}"), "input.x[1]", "not a finite number");
            assertThat(s.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "ht-4")).status()).isEqualTo(201);
            refused(s.send("PATCH", "/api/v1/targets/ht-4/params", "application/json", "{\"ratio\": Infinity}"), "ratio", "not a finite number");
            refused(s.postJson("/mistral/v2/executions", Map.of("workflow_name", "ht_echo", "input", "{\"x\": NaN}")), "input", "NaN");
            assertThat(s.get("/api/v1/targets/ht-4/params").map().toString()).doesNotContain("ratio");
            assertThat(executions(s)).isZero();
            TestServer.Answer playbook = s.postJson("/ara/api/v1/playbooks", Map.of("ansible_version", "2.14", "path", "/ht.yml"));
            assertThat(playbook.status()).as(playbook.body()).isEqualTo(201);
            TestServer.Answer host = s.postJson("/ara/api/v1/hosts", Map.of("name", "h", "playbook", playbook.map().get("id")));
            assertThat(host.status()).as(host.body()).isEqualTo(201);
            TestServer.Answer facts = s.send("PATCH", "/ara/api/v1/hosts/" + host.map().get("id"), "application/json", "{\"facts\": {\"load\": NaN}}");
            assertThat(facts.status()).as(facts.body()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_key_given_twice_in_json_is_refused_naming_the_key_and_nothing_is_stored(String db) {
        try (TestServer s = server(db)) {
            refused(s.postJson("/api/v1/targets", "{\"kind\": \"machine\", \"name\": \"ht-5\", \"name\": \"ht-6\"}"), "name", "duplicate key 'name'");
            assertThat(s.get("/api/v1/targets/ht-5").status()).isEqualTo(404);
            assertThat(s.get("/api/v1/targets/ht-6").status()).isEqualTo(404);
            refused(s.postJson("/api/v1/executions", "{\"workflow\": \"ht_echo\", \"input\": {\"x\": 1, \"x\": 2}}"), "input.x", "duplicate key 'input.x'");
            refused(s.send("PUT", "/api/v1/operations", "application/json",
                    "{\"operations\": {\"ht-op\": {\"kind\": \"site\", \"workflow\": \"ht_echo\"}, \"ht-op\": {\"kind\": \"machine\", \"workflow\": \"ht_echo\"}}}"),
                    "operations.ht-op", "duplicate key");
            assertThat(s.get("/api/v1/operations/ht-op").status()).isEqualTo(404);
            refused(s.postJson("/mistral/v2/executions", Map.of("workflow_name", "ht_echo", "input", "{\"x\": 1, \"x\": 2}")), "input", "Duplicate field 'x'");
            refused(s.postJson("/api/v1/workflows", "{\"definition\": \"version: '2.0'\", \"definition\": \"x\"}"), "definition", "duplicate key 'definition'");
            // curl -d sends JSON as a form: it is checked, and read, as the JSON it is
            refused(s.send("POST", "/api/v1/targets", "application/x-www-form-urlencoded", "{\"kind\": \"machine\", \"name\": \"ht-7\", \"name\": \"ht-8\"}"),
                    "name", "duplicate key 'name'");
            TestServer.Answer curlStyle = s.send("POST", "/api/v1/targets", "application/x-www-form-urlencoded",
                    "{\"kind\": \"machine\", \"name\": \"ht-9\", \"labels\": {\"load\": \"100%\"}}");
            assertThat(curlStyle.status()).as(curlStyle.body()).isEqualTo(201);
            assertThat(executions(s)).isZero();
        }
    }
}
