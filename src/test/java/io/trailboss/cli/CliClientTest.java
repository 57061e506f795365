package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client commands against a real server over HTTP. */
class CliClientTest {
    @Test
    void creates_starts_lists_and_reads_executions_through_a_server() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(run("workflows", "create", s, "docs/examples/hello.yaml").exit()).isZero();
            assertThat(run("workflows", "list", s).out()).contains("\"name\" : \"hello\"");
            CliRun.Result started = run("executions", "start", s, "hello", "--input", "name=Ada");
            assertThat(started.exit()).as(started.err()).isZero();
            String id = started.out().replaceAll("(?s).*\"id\" : \"([^\"]+)\".*", "$1");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, id).out().contains("\"state\" : \"SUCCESS\""));
            assertThat(run("executions", "get", s, id).out()).contains("Hello, Ada waves at Grace");
            assertThat(run("executions", "list", s, "--workflow", "hello").out()).contains(id);
            assertThat(run("executions", "tasks", s, id).out()).contains("\"name\" : \"wave\"");
            CliRun.Result missing = run("executions", "get", s, "nope");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("error 404").contains("execution 'nope' does not exist");
        }
    }

    @Test
    void prints_and_follows_job_and_execution_logs() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    talk:
                      tasks:
                        a:
                          action: shell
                          input:
                            script: |
                              echo first
                              sleep 1
                              echo second
                          on-success: b
                        b:
                          action: shell
                          input: {script: echo third}
                    """);
            String id = (String) server.postJson("/api/v1/executions", java.util.Map.of("workflow", "talk")).map().get("id");
            // following starts while the first job still runs and ends when the execution ends
            CliRun.Result followed = run("logs", s, "-f", id);
            assertThat(followed.exit()).as(followed.err()).isZero();
            assertThat(followed.out()).containsSubsequence("first\n", "second\n", "--- job", "third\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, id).out().contains("\"state\" : \"SUCCESS\""));
            CliRun.Result all = run("logs", s, id);
            assertThat(all.out()).containsSubsequence("(a)", "first\nsecond\n", "(b)", "third\n");
            String jobId = all.out().replaceAll("(?s).*?--- job (\\S+) \\(b\\).*", "$1");
            assertThat(run("logs", s, jobId).out()).isEqualTo("third\n");
            assertThat(run("logs", s, "nope").err()).contains("no job or execution 'nope'");
        }
    }

    @Test
    void says_clearly_when_no_server_answers() {
        CliRun.Result r = run("workflows", "list", "--server=http://127.0.0.1:1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("cannot reach the server at http://127.0.0.1:1");
    }
}
