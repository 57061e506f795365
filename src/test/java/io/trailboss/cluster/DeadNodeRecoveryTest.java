package io.trailboss.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a survivor does with the work a dead node left, set up as a node killed at the worst moment
 * leaves it: an outcome the dead node stored but never applied, a script it was running, a job it
 * had queued but not dispatched. The node row of the dead node has a heartbeat far in the past.
 */
class DeadNodeRecoveryTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            waits:
              tasks:
                t:
                  action: std.async_noop
                  publish: {v: "{{ task().result.v }}"}
              output:
                v: "{{ _.v }}"
            waits_retried:
              tasks:
                t:
                  retry: {count: 1}
                  action: std.async_noop
            scripted:
              tasks:
                t:
                  retry: {count: 1}
                  action: shell
                  input:
                    script: echo "attempt"
            """;

    private TestServer survivor;
    private String url;

    @BeforeEach
    void start() {
        url = TestDatabases.freshPostgresUrl();
        survivor = new TestServer(Database.connect(url, null, null));
        assertThat(survivor.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        survivor.close();
    }

    private void deadNode(String id) {
        survivor.tb.engine().jdbi().useHandle(h -> h.createUpdate("""
                insert into node (id, host, port, version, started_at, heartbeat_at, lease_ms) values (:id, 'elsewhere', 1, 'x', 1, 1, 10000)""")
                .bind("id", id).execute());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyJob(String executionId) {
        var tasks = (List<Map<String, Object>>) survivor.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        var jobs = (List<Map<String, Object>>) survivor.get("/api/v1/tasks/" + tasks.get(0).get("id") + "/jobs").map().get("items");
        return jobs.get(jobs.size() - 1);
    }

    private Map<String, Object> finished(String executionId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !"RUNNING".equals(survivor.get("/api/v1/executions/" + executionId).map().get("state")));
        return survivor.get("/api/v1/executions/" + executionId).map();
    }

    @Test
    void an_outcome_the_dead_node_stored_but_never_applied_is_applied_once_by_the_survivor() {
        String id = (String) survivor.postJson("/api/v1/executions", Map.of("workflow", "waits")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(onlyJob(id).get("state")));
        String jobId = (String) onlyJob(id).get("id");
        // the dead node had the job and stored its report, then died before its engine applied it
        survivor.tb.engine().jdbi().useHandle(h -> h.createUpdate("""
                        update job set node_id = 'dead-a', runner = 'node:dead-a', is_async = false,
                            agent_outcome = '{"state":"SUCCEEDED","output":{"v":42},"by":"node:dead-a","at":1}'
                        where id = :id""").bind("id", jobId).execute());
        deadNode("dead-a");
        Map<String, Object> ex = finished(id);
        assertThat(ex.get("state")).isEqualTo("SUCCESS");
        assertThat(ex.get("output")).isEqualTo(Map.of("v", 42));
        assertThat(onlyJob(id)).containsEntry("state", "SUCCEEDED").containsEntry("output", Map.of("v", 42));
        assertThat(nodeRow("dead-a")).containsEntry("alive", false).containsEntry("recovered_by", survivor.tb.nodes().id());
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_script_the_dead_node_was_running_is_lost_and_the_retry_runs_it_again_on_the_survivor() {
        String id = (String) survivor.postJson("/api/v1/executions", Map.of("workflow", "waits_retried")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(onlyJob(id).get("state")));
        String running = (String) onlyJob(id).get("id");
        // as a node killed during its script leaves the job: RUNNING under that node, no outcome stored
        survivor.tb.engine().jdbi().useHandle(h -> h.createUpdate("""
                        update job set node_id = 'dead-b', runner = 'node:dead-b', is_async = false, action = 'shell', input = '{"script": "sleep 60"}'
                        where id = :id""").bind("id", running).execute());
        deadNode("dead-b");
        await().atMost(Duration.ofSeconds(20)).until(() -> "LOST".equals(survivor.get("/api/v1/jobs/" + running).map().get("state")));
        assertThat((String) survivor.get("/api/v1/jobs/" + running).map().get("error")).contains("dead-b");
        assertThat(nodeRow("dead-b")).containsEntry("recovered_by", survivor.tb.nodes().id());
        // the task's retry decides: a second attempt, here on the survivor
        await().atMost(Duration.ofSeconds(10)).until(() -> !running.equals(onlyJob(id).get("id")) && "RUNNING".equals(onlyJob(id).get("state")));
        Map<String, Object> retried = onlyJob(id);
        assertThat(retried).containsEntry("attempt", 2).containsEntry("runner", "node:" + survivor.tb.nodes().id());
        assertThat(survivor.postJson("/api/v1/jobs/" + retried.get("id") + "/complete", Map.of("state", "SUCCESS", "output", Map.of("v", 7))).status()).isEqualTo(200);
        assertThat(finished(id).get("state")).isEqualTo("SUCCESS");
    }

    @Test
    void a_job_the_dead_node_queued_but_never_dispatched_runs_on_the_survivor() {
        // a node whose transaction committed a job, and that died before handing it to its runner
        String id;
        String deadId;
        try (io.trailboss.app.Trailboss dead = new io.trailboss.app.Trailboss(Database.connect(url, null, null), java.time.Clock.systemUTC())) {
            dead.engine().setRunner(jobs -> { });
            deadId = dead.engine().nodeId();
            id = dead.engine().start(io.trailboss.engine.StartRequest.of("scripted", Map.of())).id();
        }
        String jobId = (String) onlyJob(id).get("id");
        assertThat(onlyJob(id).get("state")).isEqualTo("QUEUED");
        deadNode(deadId);
        assertThat(finished(id).get("state")).isEqualTo("SUCCESS");
        assertThat(survivor.get("/api/v1/jobs/" + jobId).map()).containsEntry("state", "SUCCEEDED").containsEntry("runner", "node:" + survivor.tb.nodes().id());
        assertThat(survivor.get("/api/v1/jobs/" + jobId + "/log").body()).isEqualTo("attempt\n");
        assertThat(nodeRow(deadId)).containsEntry("recovered_by", survivor.tb.nodes().id());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> nodeRow(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> ((List<Map<String, Object>>) survivor.get("/api/v1/nodes").map().get("items")).stream()
                .anyMatch(n -> n.get("id").equals(id) && n.get("recovered_by") != null));
        return ((List<Map<String, Object>>) survivor.get("/api/v1/nodes").map().get("items")).stream().filter(n -> n.get("id").equals(id)).findFirst().orElseThrow();
    }
}
