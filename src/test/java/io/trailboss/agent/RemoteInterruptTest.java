package io.trailboss.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting a task whose job runs on a real agent process: the agent hears it from its next
 * heartbeat and stops the script and its children; the task waits INTERRUPTED and a skip lets the
 * run finish.
 */
class RemoteInterruptTest {
    private static final String WORKFLOW = """
            version: '2.0'
            remote_nap:
              tasks:
                nap:
                  targets: far1
                  action: shell
                  input:
                    script: |
                      sleep 60 &
                      wait
                  on-success: after
                after:
                  action: std.echo output=after
            """;

    @Test
    void interrupting_a_remote_job_stops_its_processes_on_the_agent(@TempDir Path dir) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            server.tb.agents().setLease(Duration.ofSeconds(3));
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "far1")).status()).isEqualTo(201);
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
            var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "far-agent", "targets", List.of("far1")));
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process agent = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent",
                    "--server", server.base, "--token", (String) issued.map().get("token"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile())).start();
            try {
                String ex = (String) server.postJson("/api/v1/executions", Map.of("workflow", "remote_nap")).map().get("id");
                // the job runs in its own PID namespace (its $$ means nothing here): its processes are found as the agent's descendants
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.descendants().anyMatch(p -> p.info().commandLine().orElse("").endsWith("sleep 60")));
                List<Long> pids = agent.descendants().map(ProcessHandle::pid).toList();
                assertThat(pids).hasSizeGreaterThanOrEqualTo(2);

                var interrupted = server.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "interrupt", "tasks", List.of("nap")));
                assertThat(interrupted.status()).as(interrupted.body()).isEqualTo(200);
                // the next heartbeat (every lease/3 = 1 s) tells the agent; SIGTERM ends the script and its child
                await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
                assertThat(Files.readString(dir.resolve("agent.log"))).contains("stopping it");

                assertThat(server.postJson("/api/v1/executions/" + ex + "/controls", Map.of("action", "skip", "tasks", List.of("nap"))).status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + ex).map().get("state")));
            } finally {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
