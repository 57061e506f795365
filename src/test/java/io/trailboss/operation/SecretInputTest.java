package io.trailboss.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A secret field of an operation's form: the job gets the value, nothing at rest or in an answer holds it. */
class SecretInputTest {
    private static final String SECRET = "hunter2-xyz-42";
    private static final String ROTATE = """
            version: '2.0'
            rotate:
              input:
                - user
                - password
              tasks:
                set:
                  action: shell
                  input:
                    script: |
                      echo "setting {{ vars.password }} for {{ _.user }} on {{ target.name }}"
                      test "{{ _.password }}" = "%s" && echo "the job got the value"
                  publish:
                    kept: "{{ _.password }}"
            """.formatted(SECRET);
    private static final String OPERATIONS = """
            operations:
              rotate:
                kind: site
                workflow: rotate
                fields:
                  password: {type: secret, description: "The new password"}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_secret_field_reaches_the_job_and_rests_sealed_everywhere_else(String db) {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", ROTATE).status()).isEqualTo(200);
            assertThat(s.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop")).status()).isEqualTo(201);
            assertThat(s.send("PUT", "/api/v1/operations", "text/yaml", OPERATIONS).status()).isEqualTo(200);

            var run = s.postJson("/api/v1/targets/shop/operations/rotate/runs", Map.of("input", Map.of("user", "ops", "password", SECRET)));
            assertThat(run.status()).as(run.body()).isEqualTo(201);
            assertThat(run.body()).doesNotContain(SECRET);
            String runId = (String) run.map().get("id");
            String[] execution = new String[1];
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                execution[0] = (String) s.get("/api/v1/runs/" + runId).map().get("execution_id");
                return execution[0] != null && "SUCCESS".equals(s.get("/api/v1/executions/" + execution[0]).map().get("state"));
            });

            var tasks = (List<Map<String, Object>>) s.get("/api/v1/executions/" + execution[0] + "/tasks").map().get("items");
            var jobs = (List<Map<String, Object>>) s.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items");
            String log = s.get("/api/v1/jobs/" + jobs.getFirst().get("id") + "/log").body();
            assertThat(log).isEqualTo("setting ******** for ops on shop\nthe job got the value\n");

            for (String path : List.of("/api/v1/executions/" + execution[0], "/api/v1/executions/" + execution[0] + "/tasks",
                    "/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs", "/api/v1/jobs/" + jobs.getFirst().get("id"),
                    "/api/v1/runs/" + runId, "/api/v1/runs/" + runId + "/variables", "/mistral/v2/executions/" + execution[0])) {
                var answer = s.get(path);
                assertThat(answer.status()).as(path).isEqualTo(200);
                assertThat(answer.body()).as(path).doesNotContain(SECRET);
            }
            assertThat(s.get("/api/v1/executions/" + execution[0]).map().get("input")).isEqualTo(Map.of("user", "ops", "password", "********"));

            // a published secret shows as the mask, and its ciphertext cannot be given to another execution
            @SuppressWarnings("unchecked")
            var published = (Map<String, Object>) tasks.getFirst().get("published");
            assertThat(published).containsEntry("kept", "********");
            String ciphertext = s.tb.engine().jdbi().withHandle(h -> h.createQuery("select input from execution where id = :id")
                    .bind("id", execution[0]).mapTo(String.class).one());
            Object sealed = io.trailboss.json.Json.readMap(ciphertext).get("password");
            long before = s.tb.engine().jdbi().withHandle(h -> h.createQuery("select count(*) from execution").mapTo(Long.class).one());
            var copied = s.postJson("/api/v1/executions", Map.of("workflow", "rotate", "input", Map.of("user", "x", "password", sealed)));
            assertThat(copied.status()).as(copied.body()).isEqualTo(400);
            assertThat(copied.body()).contains("$secret");
            var viaOperation = s.postJson("/api/v1/targets/shop/operations/rotate/runs", Map.of("input", Map.of("user", "x", "password", sealed)));
            assertThat(viaOperation.status()).as(viaOperation.body()).isEqualTo(400);
            long after = s.tb.engine().jdbi().withHandle(h -> h.createQuery("select count(*) from execution").mapTo(Long.class).one());
            assertThat(after).isEqualTo(before);

            // at rest: only ciphertext in every row that carries the input
            for (String sql : List.of("select input from execution", "select context from execution", "select input from target_run",
                    "select input from job", "select published from task_execution", "select chunk from job_log")) {
                List<String> rows = s.tb.engine().jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
                assertThat(rows).as(sql).isNotEmpty().allSatisfy(r -> assertThat(String.valueOf(r)).doesNotContain(SECRET));
            }
        }
    }
}
