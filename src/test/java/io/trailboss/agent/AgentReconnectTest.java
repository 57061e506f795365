package io.trailboss.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.store.Database;
import io.trailboss.target.SecretBox;
import io.trailboss.target.TargetSpec;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real agent process keeps its kept-alive connections to the server between jobs; when the
 * server restarts under it (same address, same database), the agent retries and takes the jobs
 * queued after the restart.
 */
class AgentReconnectTest {
    private static final String WORKFLOW = """
            version: '2.0'
            hello:
              tasks:
                say:
                  targets: r1
                  action: shell
                  input:
                    script: echo "hello from $TRAILBOSS_JOB_ID"
            """;

    @Test
    void an_agent_waiting_for_work_takes_new_jobs_after_the_server_restarts() throws Exception {
        Path dir = Files.createTempDirectory("trailboss-reconnect-");
        SecretBox box = SecretBox.ephemeral();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        Process agent = null;
        Trailboss tb = new Trailboss(Database.embedded(dir), Clock.systemUTC(), box);
        ApiServer api = new ApiServer(tb, "127.0.0.1", port).start();
        try {
            tb.recover();
            tb.targets().create(new TargetSpec("machine", "r1", null, Map.of(), Map.of(), List.of(), null));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/workflows")).header("Content-Type", "text/yaml")
                    .PUT(HttpRequest.BodyPublishers.ofString(WORKFLOW)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            HttpResponse<String> issued = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents/tokens")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", "agent-r", "targets", List.of("r1"))))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            String token = (String) Json.readMap(issued.body()).get("token");
            String java = ProcessHandle.current().info().command().orElse("java");
            agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent", "--server", base, "--token", token)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();

            assertThat(runToEnd(tb).state()).isEqualTo(ExecutionState.SUCCESS);

            // the agent now waits in a claim (and keeps idle sockets) while the server goes away
            api.close();
            tb.close();
            Thread.sleep(1_500);
            tb = new Trailboss(Database.embedded(dir), Clock.systemUTC(), box);
            api = new ApiServer(tb, "127.0.0.1", port).start();
            tb.recover();

            Execution after = runToEnd(tb);
            assertThat(after.state()).as(Files.readString(dir.resolve("agent.log"))).isEqualTo(ExecutionState.SUCCESS);
            assertThat(agent.isAlive()).isTrue();
            assertThat(Files.readString(dir.resolve("agent.log"))).contains("server reachable again");
        } finally {
            if (agent != null) agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            api.close();
            tb.close();
        }
    }

    private static Execution runToEnd(Trailboss tb) {
        String id = tb.engine().start(io.trailboss.engine.StartRequest.of("hello", Map.of())).id();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> tb.queries().execution(id).map(e -> e.state().isFinal()).orElse(false));
        return tb.queries().execution(id).orElseThrow();
    }
}
