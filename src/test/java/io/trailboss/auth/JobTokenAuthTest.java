package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's token, given as a bearer token without its job, lets the running job act as itself; the
 * same job id with another secret, a token that names no job, and the token once its job has ended
 * are refused.
 */
class JobTokenAuthTest {
    @Test
    @SuppressWarnings("unchecked")
    void a_job_token_is_accepted_only_whole_and_only_while_its_job_runs(@TempDir Path dir) throws Exception {
        Path kept = dir.resolve("token");
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    probe:
                      input: [keep]
                      tasks:
                        run:
                          action: shell
                          input:
                            script: |
                              me() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$TRAILBOSS_SERVER/api/v1/me"; }
                              echo "own token: $(me "$TRAILBOSS_TOKEN")"
                              echo "same job, other secret: $(me "${TRAILBOSS_TOKEN%%.*}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")"
                              echo "no job named: $(me "tbj_${TRAILBOSS_TOKEN#*.}")"
                              printf '%s' "$TRAILBOSS_TOKEN" > '{{ _.keep }}'
                    """));
            String execution = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "probe", "input", Map.of("keep", kept.toString())))).get("id");
            await().atMost(Duration.ofSeconds(60)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + execution).map().get("state")));
            Map<String, Object> task = ((List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")).getFirst();
            Map<String, Object> job = ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items")).getFirst();
            String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();

            assertThat(log).contains("own token: 200", "same job, other secret: 401", "no job named: 401");
            String token = Files.readString(kept);
            assertThat(token).startsWith("tbj_" + job.get("id") + ".");
            assertThat(server.raw("GET", "/api/v1/me", Map.of("Authorization", "Bearer " + token), null).statusCode())
                    .as("the token of a job that has ended").isEqualTo(401);
        }
    }

    @Test
    void a_running_job_keeps_a_token_of_the_shape_issued_before_tokens_named_their_job() {
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    hold:
                      tasks:
                        run:
                          action: shell
                          input: {script: "sleep 60"}
                    """));
            String execution = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "hold"))).get("id");
            String[] job = new String[1];
            await().atMost(Duration.ofSeconds(15)).until(() -> (job[0] = Probes.runningJob(server, execution)) != null);
            // a job that started before an upgrade holds a token without its id: 43 base64url characters
            String old = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
            server.tb.database().jdbi().useHandle(h -> h.createUpdate("update job set token = :hash where id = :id")
                    .bind("hash", Passwords.sha256(old)).bind("id", job[0]).execute());

            assertThat(server.raw("GET", "/api/v1/me", Map.of("Authorization", "Bearer " + old), null).statusCode()).isEqualTo(200);
            assertThat(server.raw("GET", "/api/v1/me", Map.of("Authorization", "Bearer " + old.replace('A', 'B')), null).statusCode()).isEqualTo(401);
            assertThat(server.raw("GET", "/api/v1/me", Map.of("Authorization", "Bearer tbj_" + old), null).statusCode()).isEqualTo(401);
            Probes.ok(server.send("PUT", "/api/v1/executions/" + execution, "application/json", "{\"state\": \"CANCELLED\"}"));
        }
    }
}
