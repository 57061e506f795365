package io.trailboss.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.engine.Secrets;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real shell jobs on the server's local runner: a script that shows its own job token (echo, {@code set -x})
 * and one that prints a secret param in two pieces more than a second apart (so that the first piece is
 * flushed as a partial line on its own) find both masked in their log and their output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLogMaskingTest {
    private static final String SECRET = "S3cret-Value-0042";
    private static final String MASK = Secrets.MASK;
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        ok(server.postJson("/api/v1/params", Map.of("name", "pin", "secret", true)));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "vault1", "params", Map.of("pin", SECRET))));
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                own_token:
                  tasks:
                    show:
                      action: shell
                      input:
                        script: |
                          echo "token=$TRAILBOSS_TOKEN"
                          echo "secret part=${TRAILBOSS_TOKEN#*.}"
                          set -x
                          T="$TRAILBOSS_TOKEN"
                          set +x
                          printf '%s' "$TRAILBOSS_TOKEN" | cut -c1-12 | tr -d '\\n'
                          sleep 1.5
                          printf '%s\\n' "$TRAILBOSS_TOKEN" | cut -c13-
                split_secret:
                  tasks:
                    show:
                      targets: vault1
                      action: shell
                      input:
                        script: |
                          P='{{ params.pin }}'
                          printf 'pin=%s' "$(printf '%s' "$P" | cut -c1-7)"
                          sleep 1.5
                          printf '%s;\\n' "$(printf '%s' "$P" | cut -c8-)"
                          echo done
                """));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static Map<String, Object> ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
        return a.body().isEmpty() ? Map.of() : a.map();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyJob(String workflow) {
        String id = (String) ok(server.postJson("/api/v1/executions", Map.of("workflow", workflow))).get("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("SUCCESS");
        var task = ((List<Map<String, Object>>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items")).getFirst();
        return ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items")).getFirst();
    }

    @Test
    void a_job_that_shows_its_own_token_finds_it_masked_in_its_log_and_output() {
        Map<String, Object> job = onlyJob("own_token");
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(log).contains("token=" + MASK + "\n").contains("secret part=" + MASK + "\n").contains("+ T=" + MASK + "\n")
                .doesNotContain("tbj_");
        // the token cut in two, the halves 1.5 s apart: masked as one
        assertThat(log).endsWith("+ set +x\n" + MASK + "\n");
        assertThat(String.valueOf(((Map<?, ?>) job.get("output")).get("output"))).doesNotContain("tbj_").contains("token=" + MASK);
    }

    @Test
    void a_secret_printed_in_two_pieces_a_second_and_a_half_apart_is_masked() {
        Map<String, Object> job = onlyJob("split_secret");
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(log).isEqualTo("pin=" + MASK + ";\ndone\n");
        assertThat(log).doesNotContain(SECRET.substring(0, 7)).doesNotContain(SECRET.substring(7));
        assertThat(String.valueOf(((Map<?, ?>) job.get("output")).get("output"))).isEqualTo("pin=" + MASK + ";\ndone\n");
    }
}
