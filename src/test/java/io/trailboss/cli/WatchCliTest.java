package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code trailboss watch} against a real server: it follows the event stream and its exit code is the outcome. */
class WatchCliTest {
    @Test
    @SuppressWarnings("unchecked")
    void watch_prints_each_change_and_exits_0_when_the_execution_succeeds_and_1_when_it_fails() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    watched:
                      input:
                        - fail: false
                      tasks:
                        prepare:
                          action: std.noop
                          on-success: hold
                        hold:
                          action: std.async_noop
                          on-success:
                            - broken: '{{ _.fail }}'
                            - done: '{{ not _.fail }}'
                        broken:
                          action: std.fail
                        done:
                          action: std.noop
                    """);
            String ok = (String) server.postJson("/api/v1/executions", Map.of("workflow", "watched")).map().get("id");
            // completes the waiting job once the watch has started following
            Thread completer = Thread.startVirtualThread(() -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> server.tb.engine().events().followers() > 0 && jobOf(server, ok, "hold") != null);
                server.postJson("/api/v1/jobs/" + jobOf(server, ok, "hold") + "/complete", Map.of("state", "SUCCESS"));
            });
            CliRun.Result watched = run("watch", s, ok);
            assertThat(watched.exit()).as(watched.err()).isZero();
            assertThat(watched.out()).containsSubsequence("(execution)", "RUNNING", "prepare", "SUCCESS", "hold", "RUNNING",
                    "hold", "SUCCESS", "done", "SUCCESS", "(execution)", "SUCCESS", "execution " + ok + " ended SUCCESS");
            assertThat(watched.out().lines().filter(l -> l.contains(" hold ") && l.contains("SUCCESS")).count()).isEqualTo(1);
            assertThat(watched.out().lines().findFirst().orElseThrow()).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+\\(execution\\)\\s+RUNNING");
            completer.interrupt();

            String bad = (String) server.postJson("/api/v1/executions", Map.of("workflow", "watched", "input", Map.of("fail", true))).map().get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> jobOf(server, bad, "hold") != null);
            server.postJson("/api/v1/jobs/" + jobOf(server, bad, "hold") + "/complete", Map.of("state", "SUCCESS"));
            CliRun.Result failed = run("watch", s, bad);
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.out()).contains("broken").contains("ERROR").contains("execution " + bad + " ended ERROR");

            CliRun.Result missing = run("watch", s, "nope");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("error 404").contains("execution 'nope' does not exist");
        }
    }

    @SuppressWarnings("unchecked")
    private static String jobOf(TestServer server, String executionId, String taskName) {
        var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        var task = tasks.stream().filter(t -> taskName.equals(t.get("name"))).findFirst().orElse(null);
        if (task == null) return null;
        var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items");
        return jobs.isEmpty() ? null : (String) jobs.get(0).get("id");
    }
}
