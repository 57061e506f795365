package io.trailboss.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Tasks with {@code targets:}: one shell job per target, rendered with its params, with history. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetJobsTest {
    private static final String WORKFLOW = """
            version: '2.0'
            deploy:
              input:
                - version: "1.0"
              tasks:
                render:
                  targets: {labels: {role: web}}
                  action: shell
                  input:
                    script: |
                      echo "{{ target.name }} in {{ target.parent }}: {{ params.greeting }} v{{ _.version }} pw={{ params.password }}"
                  publish:
                    hosts: "{{ task().result.keys() | list | sort }}"
                  on-success: one
                one:
                  targets: db1
                  action: shell
                  input:
                    script: echo "db {{ params.port }}"
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.postJson("/api/v1/params", Map.of("name", "password", "secret", true)).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/params", Map.of("name", "port", "default", 5432)).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "site1", "params", Map.of("greeting", "hello from site1"))).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "web1", "parent", "site1", "labels", Map.of("role", "web"),
                "params", Map.of("password", "s3cr3t-web1"))).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "web2", "parent", "site1", "labels", Map.of("role", "web"),
                "params", Map.of("greeting", "hi from web2", "password", "s3cr3t-web2"))).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "db1", "labels", Map.of("role", "db"))).status()).isEqualTo(201);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Map<String, Object> run(Map<String, Object> input) {
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "deploy", "input", input)).map().get("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        return server.get("/api/v1/executions/" + id).map();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> history(String target) {
        return (List<Map<String, Object>>) server.get("/api/v1/targets/" + target + "/jobs").map().get("items");
    }

    @Test
    void runs_one_job_per_selected_target_rendered_with_its_params_and_masks_secrets() {
        var e = run(Map.of("version", "2.5"));
        assertThat(e.get("state")).as(String.valueOf(e.get("state_info"))).isEqualTo("SUCCESS");
        assertThat(((Map<?, ?>) e.get("output")).get("hosts")).isEqualTo(List.of("web1", "web2"));

        var web1 = history("web1").get(0);
        var web2 = history("web2").get(0);
        String log1 = server.get("/api/v1/jobs/" + web1.get("id") + "/log").body();
        String log2 = server.get("/api/v1/jobs/" + web2.get("id") + "/log").body();
        assertThat(log1).isEqualTo("web1 in site1: hello from site1 v2.5 pw=********\n");
        assertThat(log2).isEqualTo("web2 in site1: hi from web2 v2.5 pw=********\n");
        assertThat(server.get("/api/v1/jobs/" + web1.get("id")).body()).doesNotContain("s3cr3t");
        assertThat(server.get("/api/v1/executions/" + e.get("id") + "/tasks").body()).doesNotContain("s3cr3t");
        var db = history("db1").get(0);
        assertThat(server.get("/api/v1/jobs/" + db.get("id") + "/log").body()).isEqualTo("db 5432\n");
        assertThat(db.get("target")).isEqualTo("db1");
    }

    @Test
    void a_job_input_that_may_hold_secrets_rests_sealed_and_reaches_the_job_in_the_clear() {
        var e = run(Map.of("version", "3.0"));
        assertThat(e.get("state")).isEqualTo("SUCCESS");
        List<Map<String, Object>> rows = server.tb.engine().jdbi().withHandle(h -> h.createQuery(
                "select target, input from job where execution_id = :id").bind("id", e.get("id")).mapToMap().list());
        assertThat(rows).hasSize(3);
        for (Map<String, Object> row : rows) {
            String stored = String.valueOf(row.get("input"));
            if ("db1".equals(row.get("target"))) {
                // no secret in its scope: stored as it is
                assertThat(stored).contains("db 5432");
            } else {
                assertThat(stored).doesNotContain("s3cr3t").doesNotContain("echo").startsWith("{\"$sealed\":\"v1:");
            }
        }
        // the script got the value itself: the log masks exactly that value, and the API reads the input opened and masked
        var web1 = history("web1").get(0);
        assertThat(server.get("/api/v1/jobs/" + web1.get("id") + "/log").body()).endsWith("v3.0 pw=********\n");
        assertThat(server.get("/api/v1/jobs/" + web1.get("id")).body()).contains("pw=********").doesNotContain("$sealed");
    }

    @Test
    void each_target_keeps_a_chain_of_its_jobs() {
        run(Map.of());
        run(Map.of());
        var jobs = history("web2");
        assertThat(jobs).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i + 1 < jobs.size(); i++) {
            assertThat(jobs.get(i).get("previous_job_id")).isEqualTo(jobs.get(i + 1).get("id"));
        }
        assertThat(jobs.getLast().get("previous_job_id")).isNull();
    }

    @Test
    void a_running_job_writes_params_back_to_its_target_with_its_own_token_only() {
        server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                backup:
                  tasks:
                    b:
                      targets: web1
                      action: shell
                      input:
                        script: |
                          curl -sf -X PATCH "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID/target/params" -H "Authorization: Bearer $TRAILBOSS_TOKEN" -H 'Content-Type: application/json' -d '{"params": {"backup_path": "/var/backups/web1.tgz"}}'
                          echo
                          echo "wrong token: $(curl -s -o /dev/null -w '%{http_code}' -X PATCH "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID/target/params" -H 'Authorization: Bearer wrong' -H 'Content-Type: application/json' -d '{"params": {"x": 1}}')"
                """);
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "backup")).map().get("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("SUCCESS");
        var params = (Map<?, ?>) server.get("/api/v1/targets/web1/params").map().get("params");
        assertThat(String.valueOf(params.get("backup_path"))).contains("/var/backups/web1.tgz").contains("target:web1");
        assertThat(params.containsKey("x")).isFalse();
        var job = history("web1").get(0);
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(log).contains("params written back to web1: backup_path").contains("wrong token: 401");
        // the job is over: no token (and no guess) can write any more
        var late = server.send("PATCH", "/api/v1/jobs/" + job.get("id") + "/target/params", "application/json", "{\"params\": {\"x\": 1}}");
        assertThat(late.status()).isEqualTo(401);
    }

    @Test
    void an_unknown_target_fails_the_task_with_a_clear_error() {
        server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                nowhere:
                  tasks:
                    t:
                      targets: [web1, ghost]
                      action: std.noop
                """);
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "nowhere")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "ERROR".equals(server.get("/api/v1/executions/" + id).map().get("state")));
        assertThat((String) server.get("/api/v1/executions/" + id).map().get("state_info")).contains("unknown target 'ghost'");
        assertThat(server.get("/api/v1/targets/ghost/jobs").status()).isEqualTo(404);
    }
}
