package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.auth.Auth;
import io.trailboss.cli.CliRun;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/v1/executions} with an Idempotency-Key: a retry of the same request by the same caller within
 * 24 h answers the execution the first one started; another request with the key is a 422; concurrent retries
 * start one execution; the keys live in the database, so another node (a second server on the same database)
 * answers a retry the same way.
 */
class IdempotencyKeyTest {
    private static final String WORKFLOW = "version: '2.0'\nwait_here:\n  input: [n]\n  tasks:\n    t:\n      action: std.async_noop\n";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    private static HttpResponse<String> start(TestServer server, String token, String key, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (token != null) headers.put("Authorization", "Bearer " + token);
        if (key != null) headers.put("Idempotency-Key", key);
        return server.raw("POST", "/api/v1/executions", headers, body);
    }

    private static String id(HttpResponse<String> r) {
        return (String) Json.readMap(r.body()).get("id");
    }

    private static long executions(TestServer server) {
        return server.tb.database().jdbi().withHandle(h -> h.createQuery("select count(*) from execution").mapTo(Long.class).one());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_retry_with_the_same_key_answers_the_first_execution_and_another_body_is_refused(String kind) {
        try (TestServer server = new TestServer(TestDatabases.of(kind), clock, Auth.Mode.REQUIRED)) {
            String token = server.adminToken;
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            String body = "{\"workflow\": \"wait_here\", \"input\": {\"n\": 1}}";
            HttpResponse<String> first = start(server, token, "order-4711", body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
            // the answer was lost: the client sends it again, its keys in another order
            HttpResponse<String> retry = start(server, token, "order-4711", "{\"input\": {\"n\": 1}, \"workflow\": \"wait_here\"}");
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(id(retry)).isEqualTo(id(first));
            assertThat(executions(server)).isEqualTo(1);
            // the same key with another request: refused, nothing started
            HttpResponse<String> other = start(server, token, "order-4711", "{\"workflow\": \"wait_here\", \"input\": {\"n\": 2}}");
            assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
            assertThat(Json.readMap(other.body()).get("detail").toString()).contains("Idempotency-Key 'order-4711' was used").contains(id(first));
            assertThat(executions(server)).isEqualTo(1);
            // another caller's key of the same name is their own
            String other2 = (String) server.postJson("/api/v1/tokens", Map.of("name", "second", "kind", "service", "roles", List.of("operator"))).map().get("token");
            HttpResponse<String> theirs = start(server, other2, "order-4711", body);
            assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(201);
            assertThat(id(theirs)).isNotEqualTo(id(first));
            // without a key every request starts an execution, as before
            assertThat(start(server, token, null, body).statusCode()).isEqualTo(201);
            assertThat(executions(server)).isEqualTo(3);
            // a key is kept 24 h: after that the same key starts anew
            clock.advance(Duration.ofHours(24).plusMinutes(1));
            HttpResponse<String> later = start(server, token, "order-4711", body);
            assertThat(later.statusCode()).as(later.body()).isEqualTo(201);
            assertThat(id(later)).isNotEqualTo(id(first));
            // a key that is not 1 to 255 printable ASCII characters
            assertThat(start(server, token, "x".repeat(256), body).statusCode()).isEqualTo(400);
            assertThat(start(server, token, "", body).statusCode()).isEqualTo(400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void concurrent_retries_with_one_key_start_one_execution_and_another_node_answers_a_retry(String kind) throws Exception {
        String url = kind.equals("postgres") ? TestDatabases.freshPostgresUrl() : null;
        Database db = url == null ? TestDatabases.h2() : Database.connect(url, null, null);
        try (TestServer server = new TestServer(db, clock, Auth.Mode.REQUIRED)) {
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            String body = "{\"workflow\": \"wait_here\", \"input\": {\"n\": 7}}";
            int clients = 8;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < clients; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return start(server, server.adminToken, "retry-me", body);
                    }));
                }
                go.countDown();
                Set<String> ids = new HashSet<>();
                int created = 0;
                for (Future<HttpResponse<String>> f : answers) {
                    HttpResponse<String> r = f.get();
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
                    if (r.statusCode() == 201) created++;
                    ids.add(id(r));
                }
                assertThat(ids).hasSize(1);
                assertThat(created).isEqualTo(1);
                assertThat(executions(server)).isEqualTo(1);

                if (url != null) {
                    // a second server on the same database (another node) knows the key
                    try (TestServer second = new TestServer(Database.connect(url, null, null), clock, Auth.Mode.REQUIRED)) {
                        HttpResponse<String> elsewhere = start(second, server.adminToken, "retry-me", body);
                        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
                        assertThat(id(elsewhere)).isEqualTo(ids.iterator().next());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void the_cli_sends_the_key_and_the_openapi_document_describes_it(String kind) {
        try (TestServer server = new TestServer(TestDatabases.of(kind), clock)) {
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            String s = "--server=" + server.base;
            CliRun.Result first = CliRun.run("executions", "start", s, "wait_here", "-i", "n=3", "--idempotency-key", "cli-1");
            assertThat(first.exit()).as(first.err()).isZero();
            CliRun.Result again = CliRun.run("executions", "start", s, "wait_here", "-i", "n=3", "--idempotency-key", "cli-1");
            assertThat(again.exit()).as(again.err()).isZero();
            String idOf = "(?s).*?\"id\" : \"([^\"]+)\".*";
            assertThat(again.out().replaceAll(idOf, "$1")).isEqualTo(first.out().replaceAll(idOf, "$1"));
            CliRun.Result other = CliRun.run("executions", "start", s, "wait_here", "-i", "n=4", "--idempotency-key", "cli-1");
            assertThat(other.exit()).isNotZero();
            assertThat(other.err()).contains("error 422").contains("Idempotency-Key 'cli-1'");
            assertThat(executions(server)).isEqualTo(1);

            String doc = server.get("/api/openapi.json").body();
            @SuppressWarnings("unchecked")
            Map<String, Object> post = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) Json.readMap(doc).get("paths"))
                    .get("/api/v1/executions")).get("post");
            assertThat(post.get("parameters").toString()).contains("name=Idempotency-Key").contains("in=header");
            assertThat(((Map<?, ?>) post.get("responses")).keySet().stream().map(String::valueOf).toList()).contains("200", "201", "422");
        }
    }
}
