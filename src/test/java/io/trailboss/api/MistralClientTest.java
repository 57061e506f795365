package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.MistralCli;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Mistral's own command-line client (Debian's python3-mistralclient) against the /mistral/v2 API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistralClientTest {
    private TestServer server;

    @BeforeAll
    void start() {
        MistralCli.assumeInstalled();
        server = new TestServer(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private MistralCli.Run run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("--os-mistral-url", server.base + "/mistral/v2"));
        cmd.addAll(List.of(args));
        return MistralCli.run(cmd);
    }

    private String mistral(String... args) {
        MistralCli.Run r = run(args);
        assertThat(r.code()).as(r.out()).isZero();
        return r.out();
    }

    @Test
    void mistral_client_creates_a_workflow_runs_it_and_reads_the_output() throws Exception {
        Path yaml = Files.createTempFile("wf", ".yaml");
        Files.writeString(yaml, """
                version: '2.0'
                mistral_greet:
                  input:
                    - name
                    - greeting: Hello
                  tasks:
                    say:
                      action: std.echo output="{{ _.greeting }}, {{ _.name }}"
                      publish:
                        message: "{{ task().result }}"
                """);
        assertThat(mistral("workflow-create", yaml.toString())).contains("mistral_greet").contains("name, greeting=");
        String id = mistral("execution-create", "mistral_greet", "{\"name\": \"Ada\"}", "-f", "value", "-c", "ID").trim();
        assertThat(id).hasSize(36);
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral("execution-get", id, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        Object output = Json.read(mistral("execution-get-output", id));
        // as Mistral 15 gives it: what the tasks published, not the input
        assertThat(output).isEqualTo(Map.of("message", "Hello, Ada"));
        String tasks = mistral("task-list", id, "-f", "value", "-c", "ID", "-c", "Name", "-c", "State");
        assertThat(tasks).contains("say").contains("SUCCESS");
        String taskId = tasks.trim().split("\\s+")[0];
        assertThat(Json.read(mistral("task-get-result", taskId))).isEqualTo("Hello, Ada");
    }

    @Test
    void mistral_client_completes_an_async_action() throws Exception {
        Path yaml = Files.createTempFile("wf", ".yaml");
        Files.writeString(yaml, """
                version: '2.0'
                mistral_async:
                  tasks:
                    wait:
                      action: std.async_noop
                      publish:
                        got: "{{ task().result }}"
                """);
        mistral("workflow-create", yaml.toString());
        String id = mistral("execution-create", "mistral_async", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> !mistral("task-list", id, "-f", "value", "-c", "ID").isBlank());
        String taskId = mistral("task-list", id, "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> !mistral("action-execution-list", taskId, "-f", "value", "-c", "ID").isBlank());
        String actionId = mistral("action-execution-list", taskId, "-f", "value", "-c", "ID").trim();
        mistral("action-execution-update", actionId, "--state", "SUCCESS", "--output", "\"done\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral("execution-get", id, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        assertThat(Json.read(mistral("execution-get-output", id))).isEqualTo(Map.of("got", "done"));
        // the same completion again is harmless; another output is refused, and the first one stands
        mistral("action-execution-update", actionId, "--state", "SUCCESS", "--output", "\"done\"");
        MistralCli.Run other = run("action-execution-update", actionId, "--state", "SUCCESS", "--output", "\"something else\"");
        assertThat(other.code()).as(other.out()).isNotZero();
        assertThat(other.out()).contains("already completed with another result");
        assertThat(Json.read(mistral("execution-get-output", id))).isEqualTo(Map.of("got", "done"));
    }
}
