package io.trailboss.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.store.Database;
import io.trailboss.testing.SseRecorder;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes on one PostgreSQL schema (two engines in this JVM, each with its own pool and
 * listening connection): what one node's job does reaches a browser connected to the other node
 * (log chunks, execution events), and stdin text and a cancel sent through the other node reach
 * the job's process.
 */
class TwoNodesTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            talk:
              tasks:
                ask:
                  action: shell
                  input:
                    script: |
                      echo "hello from the job"
                      read answer
                      echo "got $answer"
                  publish: {said: "{{ task().result.output }}"}
              output:
                said: "{{ _.said }}"
            long:
              tasks:
                wait:
                  action: shell
                  input:
                    script: |
                      echo started
                      sleep 60
                      echo "not stopped"
            """;

    private TestServer a;
    private TestServer b;

    @BeforeEach
    void start() {
        String url = TestDatabases.freshPostgresUrl();
        a = new TestServer(Database.connect(url, null, null));
        b = new TestServer(Database.connect(url, null, null));
        assertThat(a.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    @SuppressWarnings("unchecked")
    private String jobOf(TestServer s, String executionId) {
        var tasks = (List<Map<String, Object>>) s.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        if (tasks.isEmpty()) return null;
        var jobs = (List<Map<String, Object>>) s.get("/api/v1/tasks/" + tasks.get(0).get("id") + "/jobs").map().get("items");
        return jobs.isEmpty() || !"RUNNING".equals(jobs.get(0).get("state")) ? null : (String) jobs.get(0).get("id");
    }

    @Test
    @SuppressWarnings("unchecked")
    void each_node_lists_both_nodes_alive_with_identity_and_load() {
        await().atMost(Duration.ofSeconds(10)).until(() -> ((List<?>) b.get("/api/v1/nodes").map().get("items")).size() == 2);
        Map<String, Object> answer = b.get("/api/v1/nodes").map();
        assertThat(answer.get("self")).isEqualTo(b.tb.nodes().id());
        var items = (List<Map<String, Object>>) answer.get("items");
        assertThat(items).extracting(n -> n.get("id")).containsExactlyInAnyOrder(a.tb.nodes().id(), b.tb.nodes().id());
        for (var n : items) {
            assertThat(n).containsEntry("alive", true).containsKeys("host", "port", "version", "started_at", "heartbeat_at", "load");
            assertThat((Map<String, Object>) n.get("load")).containsKeys("local_jobs_running", "outcomes_waiting", "starts_waiting");
        }
        assertThat(items.stream().filter(n -> n.get("id").equals(a.tb.nodes().id())).findFirst().orElseThrow().get("port"))
                .isEqualTo(a.api.port());
        assertThat(b.get("/api/v1/nodes/self").map().get("id")).isEqualTo(b.tb.nodes().id());

        // the command line shows the same, this node marked
        io.trailboss.cli.CliRun.Result listed = io.trailboss.cli.CliRun.run("nodes", "--server", b.base, "--token", b.adminToken);
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(a.tb.nodes().id() + " ").contains(b.tb.nodes().id() + " *")
                .contains(":" + a.api.port()).contains("jobs running 0");
        assertThat(listed.out().lines().filter(l -> l.contains(" yes ")).count()).isEqualTo(2);
    }

    @Test
    void a_follower_on_one_node_gets_the_live_log_and_events_of_a_job_that_another_node_runs_and_its_stdin_reaches_it() {
        String id = (String) a.postJson("/api/v1/executions", Map.of("workflow", "talk")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobOf(a, id) != null);
        String jobId = jobOf(a, id);
        assertThat(b.get("/api/v1/jobs/" + jobId).map().get("runner")).isEqualTo("node:" + a.tb.nodes().id());
        try (SseRecorder events = new SseRecorder(b.base + "/api/v1/executions/" + id + "/events", b.authorization());
                SseRecorder log = new SseRecorder(b.base + "/api/v1/jobs/" + jobId + "/log/stream", b.authorization())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> text(log).contains("hello from the job"));
            // the job waits for its stdin; the text goes through node b to the process node a runs
            assertThat(b.postJson("/api/v1/jobs/" + jobId + "/input", Map.of("text", "Ada\n")).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> text(log).contains("got Ada"));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.names().contains("end"));
            // node b's stream carries the task and execution changes that node a committed
            await().atMost(Duration.ofSeconds(10)).until(() -> events.names().contains("end"));
            assertThat(events.events).anyMatch(e -> "task".equals(e.event()) && "SUCCESS".equals(e.data().get("state")) && !e.data().containsKey("snapshot"));
            assertThat(events.events).anyMatch(e -> "execution".equals(e.event()) && "SUCCESS".equals(e.data().get("state")) && !e.data().containsKey("snapshot"));
        }
        assertThat(b.get("/api/v1/executions/" + id).map().get("output")).isEqualTo(Map.of("said", "hello from the job\ngot Ada\n"));
    }

    @Test
    void a_cancel_through_one_node_stops_the_process_another_node_runs() {
        String id = (String) a.postJson("/api/v1/executions", Map.of("workflow", "long")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobOf(a, id) != null);
        String jobId = jobOf(a, id);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.get("/api/v1/jobs/" + jobId + "/log").body().contains("started"));
        assertThat(a.tb.localRunner().running()).isEqualTo(1);
        assertThat(b.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\": \"CANCELLED\"}").status()).isEqualTo(200);
        // node a stops the script (SIGTERM) and frees its slot long before the script's sleep would end
        await().atMost(Duration.ofSeconds(15)).until(() -> a.tb.localRunner().running() == 0);
        assertThat(b.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("CANCELLED");
        assertThat(a.get("/api/v1/jobs/" + jobId + "/log").body()).doesNotContain("not stopped");
    }

    private static String text(SseRecorder r) {
        StringBuilder out = new StringBuilder();
        for (var e : r.events) if ("log".equals(e.event())) out.append(e.data().get("text"));
        return out.toString();
    }
}
