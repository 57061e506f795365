package io.trailboss.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Controls are durable: a server stopped while an execution is paused, with tasks held, blocked and
 * marked to skip, comes back with all of it and the run finishes as steered.
 */
class RestartWhilePausedTest {
    private static final String WORKFLOW = """
            version: '2.0'
            steered:
              tasks:
                gate:
                  action: std.async_noop
                  on-success: [skipped, held]
                skipped:
                  action: std.echo output=never
                  on-success: after_skip
                after_skip:
                  action: std.echo output=after
                held:
                  action: std.echo output=held
                  pause-on-fail: true
            """;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_restart_while_paused_keeps_the_pause_and_every_task_control(String kind) throws Exception {
        Supplier<Database> db;
        if (kind.equals("h2")) {
            Path dir = Files.createTempDirectory("trailboss-restart-");
            db = () -> Database.embedded(dir);
        } else {
            String url = TestDatabases.freshPostgresUrl();
            db = () -> Database.connect(url, null, null);
        }
        String ex;
        String gateJob;
        try (TestServer first = new TestServer(db.get())) {
            assertThat(first.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            ex = (String) first.postJson("/api/v1/executions", Map.of("workflow", "steered")).map().get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> jobState(first, ex, "gate") != null && "RUNNING".equals(jobState(first, ex, "gate")));
            gateJob = jobId(first, ex, "gate");
            assertThat(first.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "skip", "tasks", List.of("skipped"))).status()).isEqualTo(200);
            assertThat(first.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "pause", "tasks", List.of("held"))).status()).isEqualTo(200);
            assertThat(first.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "block", "tasks", List.of("after_skip"))).status()).isEqualTo(200);
            assertThat(first.send("PUT", "/api/v1/executions/" + ex, "application/json", "{\"state\": \"PAUSED\"}").status()).isEqualTo(200);
            // the gate completes while the execution is paused: its successors wait, created but not started
            assertThat(first.postJson("/api/v1/jobs/" + gateJob + "/complete", Map.of("state", "SUCCESS")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(states(first, ex).get("gate")));
        }

        try (TestServer second = new TestServer(db.get())) {
            assertThat(second.get("/api/v1/executions/" + ex).map().get("state")).isEqualTo("PAUSED");
            assertThat(second.send("PUT", "/api/v1/executions/" + ex, "application/json", "{\"state\": \"RUNNING\"}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "BLOCKED".equals(states(second, ex).get("after_skip")) && "PAUSED".equals(states(second, ex).get("held")));
            assertThat(states(second, ex)).containsEntry("skipped", "SKIPPED");
            assertThat(second.get("/api/v1/executions/" + ex).map().get("state")).isEqualTo("RUNNING");

            assertThat(second.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "unblock", "tasks", List.of("after_skip"))).status()).isEqualTo(200);
            assertThat(second.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "resume", "tasks", List.of("held"))).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(second.get("/api/v1/executions/" + ex).map().get("state")));
            assertThat(states(second, ex)).containsEntry("after_skip", "SUCCESS").containsEntry("held", "SUCCESS");
            @SuppressWarnings("unchecked")
            var audit = (List<Map<String, Object>>) second.get("/api/v1/executions/" + ex + "/controls").map().get("items");
            assertThat(audit).extracting(c -> c.get("action")).containsExactly("skip", "pause", "block", "pause", "resume", "unblock", "resume");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> states(TestServer s, String ex) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) s.get("/api/v1/executions/" + ex + "/tasks").map().get("items")) {
            out.put((String) t.get("name"), (String) t.get("state"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstJob(TestServer s, String ex, String task) {
        for (Map<String, Object> t : (List<Map<String, Object>>) s.get("/api/v1/executions/" + ex + "/tasks").map().get("items")) {
            if (task.equals(t.get("name"))) {
                var jobs = (List<Map<String, Object>>) s.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items");
                return jobs.isEmpty() ? null : jobs.getFirst();
            }
        }
        return null;
    }

    private static String jobState(TestServer s, String ex, String task) {
        Map<String, Object> j = firstJob(s, ex, task);
        return j == null ? null : (String) j.get("state");
    }

    private static String jobId(TestServer s, String ex, String task) {
        return (String) firstJob(s, ex, task).get("id");
    }
}
