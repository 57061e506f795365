package io.trailboss.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client commands against a real server over HTTP. */
class CliClientTest {
    private static synchronized String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void creates_starts_lists_and_reads_executions_through_a_server() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(run("workflows", "create", s, "docs/examples/hello.yaml")[0]).isEqualTo("0");
            assertThat(run("workflows", "list", s)[1]).contains("\"name\" : \"hello\"");
            String[] started = run("executions", "start", s, "hello", "--input", "name=Ada");
            assertThat(started[0]).as(started[2]).isEqualTo("0");
            String id = started[1].replaceAll("(?s).*\"id\" : \"([^\"]+)\".*", "$1");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, id)[1].contains("\"state\" : \"SUCCESS\""));
            assertThat(run("executions", "get", s, id)[1]).contains("Hello, Ada waves at Grace");
            assertThat(run("executions", "list", s, "--workflow", "hello")[1]).contains(id);
            assertThat(run("executions", "tasks", s, id)[1]).contains("\"name\" : \"wave\"");
            String[] missing = run("executions", "get", s, "nope");
            assertThat(missing[0]).isEqualTo("1");
            assertThat(missing[2]).contains("error 404").contains("execution 'nope' does not exist");
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
            String[] followed = run("logs", s, "-f", id);
            assertThat(followed[0]).as(followed[2]).isEqualTo("0");
            assertThat(followed[1]).containsSubsequence("first\n", "second\n", "--- job", "third\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, id)[1].contains("\"state\" : \"SUCCESS\""));
            String[] all = run("logs", s, id);
            assertThat(all[1]).containsSubsequence("(a)", "first\nsecond\n", "(b)", "third\n");
            String jobId = all[1].replaceAll("(?s).*?--- job (\\S+) \\(b\\).*", "$1");
            assertThat(run("logs", s, jobId)[1]).isEqualTo("third\n");
            assertThat(run("logs", s, "nope")[2]).contains("no job or execution 'nope'");
        }
    }

    @Test
    void says_clearly_when_no_server_answers() {
        String[] r = run("workflows", "list", "--server=http://127.0.0.1:1");
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[2]).contains("cannot reach the server at http://127.0.0.1:1");
    }
}
