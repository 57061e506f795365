package io.trailboss.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Triggers over HTTP: a cron schedule fires when the (test) clock reaches it; webhooks need the right signature or token. */
class TriggersApiTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            nightly:
              tasks:
                report:
                  action: std.echo output="report"
            hold:
              tasks:
                wait:
                  action: std.async_noop
            deploy:
              input:
                - ref
                - body: {}
              output:
                ref: "{{ _.ref }}"
                pusher: "{{ _.body.pusher }}"
              tasks:
                go:
                  action: std.noop
            """;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> firings(TestServer s, String trigger) {
        return (List<Map<String, Object>>) s.get("/api/v1/triggers/" + trigger + "/firings").map().get("items");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_cron_trigger_fires_in_its_time_zone_when_the_clock_reaches_it_and_not_while_paused(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:30:00Z"));
        try (TestServer s = new TestServer(TestDatabases.of(db), clock)) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
            TestServer.Answer saved = s.send("PUT", "/api/v1/triggers/noon-paris", "application/json",
                    "{\"cron\": \"0 12 * * *\", \"time_zone\": \"Europe/Paris\", \"workflow\": \"nightly\", \"overlap\": \"skip\"}");
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            // noon in Paris is 11:00 UTC in November
            assertThat(saved.map()).containsEntry("next_fire_at", "2026-11-23T11:00:00Z");
            assertThat(firings(s, "noon-paris")).isEmpty();

            clock.set(Instant.parse("2026-11-23T11:00:01Z"));
            // recorded PENDING first, then with what came of it
            await().atMost(Duration.ofSeconds(15)).until(() -> firings(s, "noon-paris").size() == 1
                    && !"PENDING".equals(firings(s, "noon-paris").getFirst().get("outcome")));
            Map<String, Object> firing = firings(s, "noon-paris").getFirst();
            assertThat(firing).containsEntry("outcome", "STARTED").containsEntry("due_at", "2026-11-23T11:00:00Z");
            String execution = (String) firing.get("execution_id");
            await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCESS".equals(s.get("/api/v1/executions/" + execution).map().get("state")));
            assertThat(s.get("/api/v1/triggers/noon-paris").map()).containsEntry("next_fire_at", "2026-11-24T11:00:00Z");

            assertThat(s.postJson("/api/v1/triggers/noon-paris/pause", Map.of()).status()).isEqualTo(200);
            clock.set(Instant.parse("2026-11-24T11:00:01Z"));
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(firings(s, "noon-paris")).hasSize(1);
            assertThat(s.postJson("/api/v1/triggers/noon-paris/resume", Map.of()).map()).containsEntry("next_fire_at", "2026-11-25T11:00:00Z");

            TestServer.Answer bad = s.send("PUT", "/api/v1/triggers/bad", "application/json",
                    "{\"cron\": \"61 * * *\", \"time_zone\": \"Mars/Olympus\", \"workflow\": \"nope\", \"overlap\": \"sometimes\"}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("cron", "time_zone", "workflow", "overlap");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_webhook_with_a_wrong_signature_is_refused_and_a_right_one_starts_a_run_with_the_body_as_input(String db) throws Exception {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
            TestServer.Answer saved = s.send("PUT", "/api/v1/triggers/on-push", "text/yaml", """
                    webhook: {auth: hmac}
                    workflow: deploy
                    overlap: allow
                    input:
                      ref: "{{ body.ref }}"
                    """);
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            String secret = (String) saved.map().get("secret");
            assertThat(secret).hasSizeGreaterThan(20);
            assertThat(s.get("/api/v1/triggers/on-push").body()).doesNotContain(secret);

            String body = "{\"ref\": \"refs/heads/main\", \"pusher\": \"grace\"}";
            HttpResponse<String> wrong = post(s, "/api/v1/hooks/on-push", body, Map.of(Triggers.SIGNATURE_HEADER, "sha256=" + Triggers.hmac("not-the-secret", body.getBytes(StandardCharsets.UTF_8))));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong signature");
            assertThat(post(s, "/api/v1/hooks/on-push", body, Map.of()).statusCode()).isEqualTo(401);

            HttpResponse<String> right = post(s, "/api/v1/hooks/on-push", body, Map.of(Triggers.SIGNATURE_HEADER, "sha256=" + Triggers.hmac(secret, body.getBytes(StandardCharsets.UTF_8))));
            assertThat(right.statusCode()).as(right.body()).isEqualTo(202);
            Map<String, Object> fired = (Map<String, Object>) io.trailboss.json.Json.read(right.body());
            assertThat(fired).containsEntry("outcome", "STARTED");
            String execution = (String) fired.get("execution_id");
            await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCESS".equals(s.get("/api/v1/executions/" + execution).map().get("state")));
            assertThat((Map<String, Object>) s.get("/api/v1/executions/" + execution).map().get("output"))
                    .containsEntry("ref", "refs/heads/main").containsEntry("pusher", "grace");

            assertThat(firings(s, "on-push")).extracting(f -> f.get("outcome")).containsExactly("STARTED", "REFUSED", "REFUSED");

            // a token webhook, paused: refused and recorded
            TestServer.Answer token = s.send("PUT", "/api/v1/triggers/by-token", "application/json", "{\"webhook\": {\"auth\": \"token\"}, \"workflow\": \"deploy\", \"input\": {\"ref\": \"x\"}}");
            String t = (String) token.map().get("secret");
            assertThat(post(s, "/api/v1/hooks/by-token", "{}", Map.of(Triggers.TOKEN_HEADER, "nope")).statusCode()).isEqualTo(401);
            assertThat(post(s, "/api/v1/hooks/by-token", "{}", Map.of("Authorization", "Bearer " + t)).statusCode()).isEqualTo(202);
            s.postJson("/api/v1/triggers/by-token/pause", Map.of());
            assertThat(post(s, "/api/v1/hooks/by-token", "{}", Map.of(Triggers.TOKEN_HEADER, t)).statusCode()).isEqualTo(409);
            assertThat(firings(s, "by-token")).extracting(f -> f.get("outcome")).containsExactly("REFUSED", "STARTED", "REFUSED");
        }
    }

    private static HttpResponse<String> post(TestServer s, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void overlap_skip_records_a_skipped_firing_and_overlap_queue_starts_it_when_the_previous_run_ends(String db) throws Exception {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
            String skip = (String) s.send("PUT", "/api/v1/triggers/skipper", "application/json",
                    "{\"webhook\": {\"auth\": \"token\"}, \"workflow\": \"hold\", \"overlap\": \"skip\"}").map().get("secret");
            String queue = (String) s.send("PUT", "/api/v1/triggers/queuer", "application/json",
                    "{\"webhook\": {\"auth\": \"token\"}, \"workflow\": \"hold\", \"overlap\": \"queue\"}").map().get("secret");
            Map<String, Object> first = (Map<String, Object>) io.trailboss.json.Json.read(post(s, "/api/v1/hooks/skipper", "{}", Map.of(Triggers.TOKEN_HEADER, skip)).body());
            assertThat(first).containsEntry("outcome", "STARTED");
            Map<String, Object> second = (Map<String, Object>) io.trailboss.json.Json.read(post(s, "/api/v1/hooks/skipper", "{}", Map.of(Triggers.TOKEN_HEADER, skip)).body());
            assertThat(second).containsEntry("outcome", "SKIPPED");
            assertThat((String) second.get("detail")).contains("busy");

            Map<String, Object> q1 = (Map<String, Object>) io.trailboss.json.Json.read(post(s, "/api/v1/hooks/queuer", "{}", Map.of(Triggers.TOKEN_HEADER, queue)).body());
            Map<String, Object> q2 = (Map<String, Object>) io.trailboss.json.Json.read(post(s, "/api/v1/hooks/queuer", "{}", Map.of(Triggers.TOKEN_HEADER, queue)).body());
            assertThat(q1).containsEntry("outcome", "STARTED");
            assertThat(q2).containsEntry("outcome", "QUEUED");
            completeAsync(s, (String) q1.get("execution_id"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(s.get("/api/v1/runs/" + q2.get("run_id")).map().get("state")));
            assertThat(s.get("/api/v1/runs/" + q1.get("run_id")).map().get("state")).isEqualTo("SUCCESS");
        }
    }

    @SuppressWarnings("unchecked")
    private static void completeAsync(TestServer s, String executionId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Object t : (List<Object>) s.get("/api/v1/executions/" + executionId + "/tasks").map().get("items")) {
                for (Object j : (List<Object>) s.get("/api/v1/tasks/" + ((Map<String, Object>) t).get("id") + "/jobs").map().get("items")) {
                    Map<String, Object> job = (Map<String, Object>) j;
                    if ("RUNNING".equals(job.get("state"))) {
                        return s.postJson("/api/v1/jobs/" + job.get("id") + "/complete", Map.of("state", "SUCCESS")).status() == 200;
                    }
                }
            }
            return false;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_cron_trigger_of_an_operation_is_skipped_while_its_target_is_busy_and_starts_it_when_free(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (TestServer s = new TestServer(TestDatabases.of(db), clock)) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
            assertThat(s.send("PUT", "/api/v1/operations/hold", "application/json", "{\"kind\": \"site\", \"workflow\": \"hold\"}").status()).isEqualTo(200);
            assertThat(s.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop")).status()).isEqualTo(201);
            TestServer.Answer saved = s.send("PUT", "/api/v1/triggers/hourly", "application/json",
                    "{\"cron\": \"0 * * * *\", \"operation\": \"hold\", \"target\": \"shop\", \"overlap\": \"skip\"}");
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            TestServer.Answer busy = s.postJson("/api/v1/targets/shop/operations/hold/runs", Map.of());
            assertThat(busy.status()).isEqualTo(201);

            clock.set(Instant.parse("2026-11-23T11:00:01Z"));
            await().atMost(Duration.ofSeconds(15)).until(() -> firings(s, "hourly").size() == 1
                    && !"PENDING".equals(firings(s, "hourly").getFirst().get("outcome")));
            assertThat(firings(s, "hourly").getFirst()).containsEntry("outcome", "SKIPPED");

            completeAsync(s, (String) busy.map().get("execution_id"));
            await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCESS".equals(s.get("/api/v1/runs/" + busy.map().get("id")).map().get("state")));
            clock.set(Instant.parse("2026-11-23T12:00:01Z"));
            await().atMost(Duration.ofSeconds(15)).until(() -> firings(s, "hourly").size() == 2
                    && !"PENDING".equals(firings(s, "hourly").getFirst().get("outcome")));
            Map<String, Object> started = firings(s, "hourly").getFirst();
            assertThat(started).containsEntry("outcome", "STARTED").containsEntry("due_at", "2026-11-23T12:00:00Z");
            Map<String, Object> run = s.get("/api/v1/runs/" + started.get("run_id")).map();
            assertThat(run).containsEntry("target", "shop").containsEntry("requested_by", "trigger:hourly").containsEntry("kind", "operation");
        }
    }
}
