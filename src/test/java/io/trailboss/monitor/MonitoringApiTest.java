package io.trailboss.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MonitoringApiTest {
    private static final String SHELL = """
            version: '2.0'
            metered:
              tasks:
                first:
                  action: shell
                  input:
                    script: echo one
                  on-success: [second]
                second:
                  action: std.echo output=two
            """;

    private static final String REMOTE = """
            version: '2.0'
            remote:
              tasks:
                there:
                  targets: far
                  action: shell
                  input:
                    script: echo far
            """;

    @Test
    void metrics_parse_as_prometheus_text_and_move_after_a_workflow_runs() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", SHELL).status()).isEqualTo(200);
            Map<String, Double> before = scrape(server);

            var started = server.postJson("/api/v1/executions", Map.of("workflow", "metered"));
            assertThat(started.status()).isEqualTo(201);
            String id = (String) started.map().get("id");
            await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + id).map().get("state")));

            // listeners are told after commit, so the counters may trail the state an API read sees
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Double> after = scrape(server);
                assertThat(delta(before, after, "trailboss_executions_finished_total{state=\"SUCCESS\"}")).isEqualTo(1.0);
                assertThat(delta(before, after, "trailboss_executions_started_total{workflow_kind=\"top\"}")).isEqualTo(1.0);
                assertThat(delta(before, after, "trailboss_task_state_changes_total{state=\"SUCCESS\"}")).isEqualTo(2.0);
                // one job per task, both run by the server's local runner
                assertThat(delta(before, after, "trailboss_jobs{runner=\"local\",state=\"SUCCEEDED\"}")).isEqualTo(2.0);
                assertThat(delta(before, after, "trailboss_execution_duration_seconds_count{state=\"SUCCESS\"}")).isEqualTo(1.0);
                assertThat(delta(before, after, "trailboss_task_duration_seconds_count{state=\"SUCCESS\"}")).isEqualTo(2.0);
                assertThat(delta(before, after, "trailboss_job_queue_wait_seconds_count{runner=\"local\"}")).isEqualTo(2.0);
            });
            Map<String, Double> now = scrape(server);
            assertThat(now).containsKey("hikaricp_connections_max{pool=\"trailboss\"}");
            assertThat(now).containsKey("hikaricp_connections_active{pool=\"trailboss\"}");
            assertThat(now).containsKey("trailboss_engine_outcomes_waiting");
            assertThat(now).containsKey("trailboss_engine_starts_waiting");
            assertThat(now).containsKey("trailboss_local_jobs_running");
            assertThat(now.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
            // requests are timed by route template, never by raw path
            assertThat(now.keySet()).anyMatch(k -> k.startsWith("trailboss_http_server_requests_seconds_count{")
                    && k.contains("route=\"/api/v1/executions/{id}\"") && k.contains("status=\"200\""));
            assertThat(now.keySet()).noneMatch(k -> k.contains(id));
        }
    }

    @Test
    void metrics_still_answer_while_the_database_is_gone() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            server.tb.database().close();
            var answer = server.get("/metrics");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(parse(answer.body())).containsKey("trailboss_engine_outcomes_waiting");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void ready_is_200_normally_and_503_naming_the_database_once_it_is_gone(String kind) {
        try (TestServer server = new TestServer(TestDatabases.of(kind))) {
            var ready = server.get("/health/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.map().get("status")).isEqualTo("ready");
            assertThat(ready.map().get("checks")).isEqualTo(Map.of(
                    "database", Map.of("ok", true, "detail", "reachable"),
                    "migrations", Map.of("ok", true, "detail", "schema at version " + server.tb.database().schemaVersion()),
                    "engine", Map.of("ok", true, "detail", "workers running")));
            assertThat(server.get("/health/live").status()).isEqualTo(200);

            server.tb.database().close();

            var gone = server.get("/health/ready");
            assertThat(gone.status()).isEqualTo(503);
            assertThat(gone.contentType()).startsWith("application/json");
            assertThat(gone.map().get("status")).isEqualTo("not ready");
            @SuppressWarnings("unchecked")
            var checks = (Map<String, Map<String, Object>>) gone.map().get("checks");
            assertThat(checks.get("database").get("ok")).isEqualTo(false);
            assertThat((String) checks.get("database").get("detail")).startsWith("unreachable: ");
            assertThat(checks.get("migrations").get("ok")).isEqualTo(false);
            assertThat(checks.get("engine").get("ok")).isEqualTo(true);
            // the process itself is still alive: only readiness says no
            assertThat(server.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void ready_is_503_naming_the_engine_once_its_workers_stop() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            server.tb.engine().close();
            var answer = server.get("/health/ready");
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.map().get("checks")).isEqualTo(Map.of(
                    "database", Map.of("ok", true, "detail", "reachable"),
                    "migrations", Map.of("ok", true, "detail", "schema at version " + server.tb.database().schemaVersion()),
                    "engine", Map.of("ok", false, "detail", "engine workers stopped")));
        }
    }

    @Test
    void node_self_shows_identity_uptime_and_load_and_health_includes_it() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            var self = server.get("/api/v1/nodes/self");
            assertThat(self.status()).isEqualTo(200);
            Map<String, Object> node = self.map();
            assertThat(node).containsKeys("id", "hostname", "port", "version", "started_at", "uptime_seconds", "load");
            assertThat(node.get("port")).isEqualTo(server.api.port());
            assertThat(java.time.Instant.parse((String) node.get("started_at"))).isBeforeOrEqualTo(java.time.Instant.now());
            @SuppressWarnings("unchecked")
            Map<String, Object> load = (Map<String, Object>) node.get("load");
            assertThat(load).containsKeys("local_jobs_running", "outcomes_waiting", "starts_waiting", "heap_used_bytes",
                    "heap_max_bytes", "system_load_average", "processors");
            assertThat(((Number) load.get("heap_used_bytes")).longValue()).isPositive();
            // one id for the life of the process, shown wherever the node is described
            assertThat(server.get("/api/v1/nodes/self").map().get("id")).isEqualTo(node.get("id"));
            assertThat(((Map<?, ?>) server.get("/api/v1/health").map().get("node")).get("id")).isEqualTo(node.get("id"));
            assertThat(((Map<?, ?>) server.get("/health/ready").map().get("node")).get("id")).isEqualTo(node.get("id"));
            assertThat(server.get("/health/live").map().get("node")).isEqualTo(node.get("id"));
            try (TestServer other = new TestServer(TestDatabases.h2())) {
                assertThat(other.get("/api/v1/nodes/self").map().get("id")).isNotEqualTo(node.get("id"));
            }
        }
    }

    @Test
    void jobs_waiting_for_an_agent_are_counted_and_its_claim_times_their_wait() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "far", "labels", Map.of("remote", "yes"))).status())
                    .isEqualTo(201);
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", REMOTE).status()).isEqualTo(200);
            String secret = (String) server.postJson("/api/v1/agents/tokens", Map.of("name", "a1", "labels", Map.of("remote", "yes")))
                    .map().get("token");
            Map<String, Double> before = scrape(server);
            String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "remote")).map().get("id");

            // nobody has taken the job yet: it waits in the queue for an agent
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(scrape(server).get("trailboss_jobs{runner=\"none\",state=\"QUEUED\"}")).isEqualTo(1.0));

            var claim = agentPost(server, secret, "/api/v1/agent/claim", Map.of("max", 1, "wait_seconds", 5));
            assertThat(claim.status()).isEqualTo(200);
            List<?> jobs = (List<?>) claim.map().get("jobs");
            assertThat(jobs).hasSize(1);
            String job = (String) ((Map<?, ?>) jobs.get(0)).get("id");
            Map<String, Double> claimed = scrape(server);
            assertThat(delta(before, claimed, "trailboss_job_queue_wait_seconds_count{runner=\"agent\"}")).isEqualTo(1.0);
            assertThat(claimed.get("trailboss_jobs{runner=\"agent\",state=\"RUNNING\"}")).isEqualTo(1.0);
            assertThat(claimed.get("trailboss_jobs{runner=\"none\",state=\"QUEUED\"}")).isEqualTo(0.0);

            assertThat(agentPost(server, secret, "/api/v1/agent/ack", Map.of("jobs", List.of(job))).status()).isEqualTo(200);
            assertThat(agentPost(server, secret, "/api/v1/agent/jobs/" + job + "/complete",
                    Map.of("state", "SUCCEEDED", "output", Map.of("exit_code", 0))).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + id).map().get("state")));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Double> after = scrape(server);
                assertThat(after.get("trailboss_jobs{runner=\"agent\",state=\"SUCCEEDED\"}")).isEqualTo(1.0);
                assertThat(delta(before, after, "trailboss_executions_finished_total{state=\"SUCCESS\"}")).isEqualTo(1.0);
            });
        }
    }

    private static TestServer.Answer agentPost(TestServer server, String token, String path, Object body) {
        try {
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(io.trailboss.json.Json.write(body))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new TestServer.Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series %s in the scrape", series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    private static Map<String, Double> scrape(TestServer server) {
        var answer = server.get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("text/plain; version=0.0.4");
        return parse(answer.body());
    }

    // Prometheus text format 0.0.4: HELP and TYPE comments, then samples `name{label="value",...} number`
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (" + NAME + ")( .*)?");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Parses the exposition strictly (a line that is not valid fails the test) into series → value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                Matcher c = COMMENT.matcher(line);
                assertThat(c.matches()).as("comment line: %s", line).isTrue();
                if (c.group(1).equals("TYPE")) {
                    assertThat(TYPES).as("type in: %s", line).contains(c.group(3).trim());
                    assertThat(types.put(c.group(2), c.group(3).trim())).as("one TYPE per family: %s", line).isNull();
                }
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            assertThat(s.matches()).as("sample line: %s", line).isTrue();
            String labels = s.group(3) == null ? "" : s.group(3);
            Matcher l = LABEL.matcher(labels);
            int end = 0;
            while (l.find() && l.start() == end) end = l.end();
            assertThat(end).as("labels of: %s", line).isEqualTo(labels.length());
            String value = s.group(4);
            double v = switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            };
            String key = s.group(2) == null ? s.group(1) : s.group(1) + "{" + labels.replaceAll(",$", "") + "}";
            assertThat(series.put(key, v)).as("series once: %s", line).isNull();
        }
        assertThat(series).isNotEmpty();
        return series;
    }
}
