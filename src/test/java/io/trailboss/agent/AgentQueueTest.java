package io.trailboss.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent queue on both databases: competing claims (SKIP LOCKED) never hand one job to two
 * agents, and every job claimed, acknowledged and completed over HTTP finishes its execution.
 */
class AgentQueueTest {
    private static final String WORKFLOW = """
            version: '2.0'
            fleet:
              tasks:
                each:
                  targets: {labels: {fleet: "yes"}}
                  action: shell
                  input:
                    script: echo "{{ target.name }}"
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void competing_claims_take_each_job_once(String kind) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.of(kind))) {
            for (int i = 0; i < 6; i++) {
                assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "f" + i, "labels", Map.of("fleet", "yes"))).status()).isEqualTo(201);
            }
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            List<String> secrets = new ArrayList<>();
            for (String name : List.of("q1", "q2", "q3")) {
                secrets.add((String) server.postJson("/api/v1/agents/tokens", Map.of("name", name, "labels", Map.of("fleet", "yes"))).map().get("token"));
            }
            List<String> executions = new ArrayList<>();
            for (int i = 0; i < 5; i++) executions.add((String) server.postJson("/api/v1/executions", Map.of("workflow", "fleet")).map().get("id"));

            List<String> taken = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> agents = new ArrayList<>();
            for (String secret : secrets) {
                agents.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        while (true) {
                            Map<String, Object> claim = post(server, secret, "/api/v1/agent/claim", Map.of("max", 3, "wait_seconds", 1));
                            List<?> jobs = (List<?>) claim.get("jobs");
                            if (jobs.isEmpty()) return;
                            List<String> ids = jobs.stream().map(j -> (String) ((Map<?, ?>) j).get("id")).toList();
                            taken.addAll(ids);
                            List<?> mine = (List<?>) post(server, secret, "/api/v1/agent/ack", Map.of("jobs", ids)).get("jobs");
                            assertThat(mine).hasSameSizeAs(ids);
                            for (String id : ids) {
                                post(server, secret, "/api/v1/agent/jobs/" + id + "/log", Map.of("text", "ran " + id + "\n"));
                                assertThat(post(server, secret, "/api/v1/agent/jobs/" + id + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of("exit_code", 0))))
                                        .containsEntry("changed", true);
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            go.countDown();
            CompletableFuture.allOf(agents.toArray(CompletableFuture[]::new)).get();
            assertThat(taken).hasSize(30).doesNotHaveDuplicates();
            for (String id : executions) {
                await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + id).map().get("state")));
            }
            assertThat(server.get("/api/v1/jobs/" + taken.get(0) + "/log").body()).isEqualTo("ran " + taken.get(0) + "\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void one_result_post_acknowledges_new_offers_and_has_the_engine_apply_its_results_before_answering(String kind) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.of(kind))) {
            for (int i = 0; i < 2; i++) {
                assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "f" + i, "labels", Map.of("fleet", "yes"))).status()).isEqualTo(201);
            }
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            String secret = (String) server.postJson("/api/v1/agents/tokens", Map.of("name", "both", "labels", Map.of("fleet", "yes"))).map().get("token");
            String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "fleet")).map().get("id");
            String first = claimOne(server, secret);
            assertThat(post(server, secret, "/api/v1/agent/ack", Map.of("jobs", List.of(first))).get("jobs")).isEqualTo(List.of(first));
            String second = claimOne(server, secret);
            // only offered so far: not the agent's yet
            assertThat(send(server, secret, "/api/v1/agent/jobs/" + second + "/log", Map.of("text", "early\n")).statusCode()).isEqualTo(409);

            // the first job's result and the second's acknowledgement in one post
            Map<String, Object> answer = post(server, secret, "/api/v1/agent/complete", Map.of(
                    "results", List.of(Map.of("job_id", first, "state", "SUCCEEDED", "output", Map.of("exit_code", 0))),
                    "ack", List.of(second, "nope")));
            assertThat(answer.get("acked")).isEqualTo(List.of(second));
            assertThat(answer.get("results")).asList().singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("job_id", first).containsEntry("status", 200).containsEntry("changed", true);
            // applied by the engine in the same commit: finished when the post answers, without waiting
            assertThat(server.get("/api/v1/jobs/" + first).map()).containsEntry("state", "SUCCEEDED");
            assertThat(send(server, secret, "/api/v1/agent/jobs/" + second + "/log", Map.of("text", "ran\n")).statusCode()).isEqualTo(202);

            // an acknowledgement alone is answered the same way; a post with neither is refused and changes nothing
            assertThat(post(server, secret, "/api/v1/agent/complete", Map.of("results", List.of(), "ack", List.of(second))).get("acked")).isEqualTo(List.of(second));
            HttpResponse<String> empty = send(server, secret, "/api/v1/agent/complete", Map.of("results", List.of()));
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(empty.body()).contains("'results' must be a list of 1 to 256 results");
            assertThat(send(server, secret, "/api/v1/agent/complete", Map.of("ack", "x")).statusCode()).isEqualTo(400);

            assertThat(post(server, secret, "/api/v1/agent/complete", Map.of("results", List.of(Map.of("job_id", second, "state", "SUCCEEDED", "output", Map.of("exit_code", 0))))).get("results"))
                    .asList().singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", 200);
            assertThat(server.get("/api/v1/executions/" + execution).map()).containsEntry("state", "SUCCESS");
            assertThat(server.get("/api/v1/jobs/" + second + "/log").body()).isEqualTo("ran\n");
        }
    }

    @org.junit.jupiter.api.Test
    void a_result_the_engine_cannot_apply_is_still_stored_and_answered_once() throws Exception {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "f0", "labels", Map.of("fleet", "yes"))).status()).isEqualTo(201);
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            String secret = (String) server.postJson("/api/v1/agents/tokens", Map.of("name", "lone", "labels", Map.of("fleet", "yes"))).map().get("token");
            String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "fleet")).map().get("id");
            String job = claimOne(server, secret);
            assertThat(post(server, secret, "/api/v1/agent/ack", Map.of("jobs", List.of(job))).get("jobs")).isEqualTo(List.of(job));
            // the execution names a workflow its source does not hold: the engine fails on it
            server.tb.database().jdbi().useHandle(h -> h.createUpdate("update execution set workflow_name = 'gone' where id = :id").bind("id", execution).execute());

            Map<String, Object> report = Map.of("job_id", job, "state", "SUCCEEDED", "output", Map.of("exit_code", 0));
            assertThat(post(server, secret, "/api/v1/agent/complete", Map.of("results", List.of(report))).get("results")).asList().singleElement()
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", 200).containsEntry("changed", true);
            // not applied (the job stays RUNNING with its report) but stored with the job all the same:
            // a repeat changes nothing, a different report is a conflict
            assertThat(server.get("/api/v1/jobs/" + job).map()).containsEntry("state", "RUNNING");
            assertThat(post(server, secret, "/api/v1/agent/complete", Map.of("results", List.of(report))).get("results")).asList().singleElement()
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", 200).containsEntry("changed", false);
            assertThat(post(server, secret, "/api/v1/agent/complete", Map.of("results", List.of(Map.of("job_id", job, "state", "FAILED", "error", "x")))).get("results"))
                    .asList().singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", 409);
        }
    }

    private String claimOne(TestServer server, String secret) throws Exception {
        List<?> jobs = (List<?>) post(server, secret, "/api/v1/agent/claim", Map.of("max", 1, "wait_seconds", 5)).get("jobs");
        assertThat(jobs).hasSize(1);
        return (String) ((Map<?, ?>) jobs.get(0)).get("id");
    }

    private HttpResponse<String> send(TestServer server, String token, String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> post(TestServer server, String token, String path, Object body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
        return Json.readMap(r.body());
    }
}
