package io.trailboss.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.engine.JobLogs;
import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellJobTest {
    private static final String WORKFLOW = """
            version: '2.0'
            shell_demo:
              input: [who]
              tasks:
                ask:
                  action: shell
                  input:
                    script: |
                      echo "hello {{ _.who }}"
                      printf 'question: your name? '
                      read answer
                      echo "got $answer"
                      echo "job=$TRAILBOSS_JOB_ID server=$TRAILBOSS_SERVER"
                  publish:
                    code: "{{ task().result.exit_code }}"
                  on-success: fail_on_purpose
                fail_on_purpose:
                  action: shell
                  input:
                    script: |
                      echo "about to fail" >&2
                      exit 3
                  on-error: noop
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> job(String executionId, String task) {
        var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        for (var t : tasks) {
            if (t.get("name").equals(task)) {
                var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items");
                if (!jobs.isEmpty()) return jobs.get(0);
            }
        }
        return null;
    }

    @Test
    void streams_live_output_takes_input_and_keeps_the_full_log() throws Exception {
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "shell_demo", "input", Map.of("who", "world"))).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> job(id, "ask") != null);
        String jobId = (String) job(id, "ask").get("id");

        List<String> events = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> sse = http.send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/jobs/" + jobId + "/log/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.startVirtualThread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:")) events.add(line.substring(5).trim());
                    if (line.equals("event: end")) ended.set(true);
                }
            } catch (Exception closed) {
                // test over
            }
        });
        // the prompt has no line end: it arrives within about a second, while the job still waits for input
        await().atMost(Duration.ofSeconds(10)).until(() -> String.join("", events).contains("question: your name?"));
        assertThat(events.stream().map(e -> (String) Json.readMap(e).get("text")).reduce("", String::concat)).startsWith("hello world\nquestion: your name? ");
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("RUNNING");
        assertThat(server.get("/api/v1/jobs/" + jobId).map()).containsEntry("state", "RUNNING").containsEntry("runner", "node:" + server.tb.nodes().id());

        assertThat(server.postJson("/api/v1/jobs/" + jobId + "/input", Map.of("text", "Ada\n")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !"RUNNING".equals(server.get("/api/v1/executions/" + id).map().get("state")));
        await().atMost(Duration.ofSeconds(5)).until(() -> String.join("", events).contains("got Ada"));
        await().atMost(Duration.ofSeconds(5)).untilTrue(ended);
        reader.interrupt();

        var execution = server.get("/api/v1/executions/" + id).map();
        assertThat(execution.get("state")).isEqualTo("SUCCESS");
        String log = server.get("/api/v1/jobs/" + jobId + "/log").body();
        assertThat(log).contains("hello world\n").contains("question: your name? got Ada\n").contains("job=" + jobId).contains("server=" + server.base);
        assertThat(((Map<?, ?>) execution.get("output")).get("code")).isEqualTo(0);

        var failed = job(id, "fail_on_purpose");
        assertThat(failed.get("state")).isEqualTo("FAILED");
        assertThat(((Map<?, ?>) failed.get("output")).get("exit_code")).isEqualTo(3);
        assertThat(server.get("/api/v1/jobs/" + failed.get("id") + "/log").body()).isEqualTo("about to fail\n");
        assertThat(server.postJson("/api/v1/jobs/" + jobId + "/input", Map.of("text", "late\n")).status()).isEqualTo(409);
        assertThat(server.postJson("/api/v1/jobs/nope/input", Map.of("text", "x")).status()).isEqualTo(404);
    }

    @Test
    void a_log_stops_at_its_cap_says_so_and_the_job_is_stopped_and_fails() {
        server.tb.engine().jobLogs().cap(2048);
        try {
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    chatty:
                      tasks:
                        talk:
                          action: shell
                          input:
                            script: |
                              i=0
                              while [ $i -lt 200 ]; do echo "line $i 0123456789012345678901234567890123456789"; i=$((i+1)); done
                              # output beyond the cap would be lost: the job is stopped before it gets here
                              while :; do echo "more"; sleep 0.1; done
                    """);
            String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "chatty")).map().get("id");
            // a limit reached is an error: the job does not go on printing into nothing
            await().atMost(Duration.ofSeconds(30)).until(() -> "ERROR".equals(server.get("/api/v1/executions/" + id).map().get("state")));
            var talk = job(id, "talk");
            assertThat(talk.get("state")).isEqualTo("FAILED");
            assertThat(talk.get("error")).isEqualTo("the job's log reached its cap of 2048 bytes: the job was stopped");
            String log = server.get("/api/v1/jobs/" + talk.get("id") + "/log").body();
            assertThat(log).startsWith("line 0 ").doesNotContain("line 199 ");
            assertThat(log).endsWith("\n[log truncated: the job's log reached its cap of 2048 bytes]\n");
            assertThat(log.length()).isLessThan(2048 + 100);
        } finally {
            server.tb.engine().jobLogs().cap(JobLogs.DEFAULT_CAP);
        }
    }
}
