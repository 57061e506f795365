package io.trailboss.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Digital Rebar's exit-code conventions as job outcomes: incomplete runs again, stop pauses. */
class ExitCodeTest {
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> jobs(TestServer server, String executionId, String task) {
        var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        for (var t : tasks) {
            if (t.get("name").equals(task)) return (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items");
        }
        return List.of();
    }

    @Test
    void exit_128_reruns_the_job_until_it_completes_and_exit_16_pauses_the_execution() throws Exception {
        java.nio.file.Path counter = java.nio.file.Files.createTempFile("runs", ".txt");
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    lifecycle:
                      input: [counter]
                      tasks:
                        converge:
                          action: shell
                          input:
                            script: |
                              echo run >> {{ _.counter }}
                              n=$(wc -l < {{ _.counter }})
                              echo "run $n"
                              [ "$n" -ge 3 ] || exit 128
                          on-success: checkpoint
                        checkpoint:
                          action: shell
                          input:
                            script: |
                              echo "stopping here"
                              exit 16
                          on-success: after
                        after:
                          action: std.echo output="resumed"
                          publish: {last: "{{ task().result }}"}
                    """);
            String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "lifecycle", "input", Map.of("counter", counter.toString()))).map().get("id");
            await().atMost(Duration.ofSeconds(15)).until(() -> "PAUSED".equals(server.get("/api/v1/executions/" + id).map().get("state")));

            var converge = jobs(server, id, "converge");
            assertThat(converge).extracting(j -> j.get("state")).containsExactlyInAnyOrder("INCOMPLETE", "INCOMPLETE", "SUCCEEDED");
            assertThat(converge).filteredOn(j -> j.get("state").equals("INCOMPLETE")).extracting(j -> j.get("exit_code")).containsOnly(128);
            var execution = server.get("/api/v1/executions/" + id).map();
            assertThat((String) execution.get("state_info")).contains("asked to stop (exit code 16)");
            var checkpoint = jobs(server, id, "checkpoint");
            assertThat(checkpoint).singleElement().satisfies(j -> {
                assertThat(j.get("state")).isEqualTo("SUCCEEDED");
                assertThat(j.get("exit_code")).isEqualTo(16);
            });
            assertThat(jobs(server, id, "after")).isEmpty();

            assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\": \"RUNNING\"}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + id).map().get("state")));
            assertThat(((Map<?, ?>) server.get("/api/v1/executions/" + id).map().get("output")).get("last")).isEqualTo("resumed");
        }
    }
}
