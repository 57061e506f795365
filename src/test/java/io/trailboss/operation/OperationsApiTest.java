package io.trailboss.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Operations over HTTP: forms, one run at a time per target (refused or queued), variables marshalled from the parent chain. */
class OperationsApiTest {
    private static final String BACKUP = """
            version: '2.0'
            backup:
              input:
                - label
                - keep: 3
                - compress: true
                - mode: full
              tasks:
                wait_for_storage:
                  action: std.async_noop
                  on-success: write
                write:
                  action: shell
                  input:
                    script: |
                      echo "backup {{ target.name }} of {{ vars.platform_version }} to {{ vars.backup_dir }} as {{ vars.label }} keep {{ _.keep }} db {{ params.db_host }}"
            """;
    private static final String OPERATIONS = """
            operations:
              backup:
                kind: site
                workflow: backup
                description: Back up a site's database and files
                fields:
                  label: {type: string, description: "Name of the backup", pattern: "[a-z0-9-]+"}
                  keep: {type: number, min: 1, max: 30}
                  mode: {type: choice, choices: [full, incremental]}
            """;

    private static TestServer server(String db) {
        TestServer s = new TestServer(TestDatabases.of(db));
        assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", BACKUP).status()).isEqualTo(200);
        assertThat(s.postJson("/api/v1/targets", Map.of("kind", "platform", "name", "drupal10",
                "params", Map.of("platform_version", "10.3", "backup_dir", "/var/backups/platform", "db_host", "db.internal"))).status()).isEqualTo(201);
        assertThat(s.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop.example", "parent", "drupal10",
                "params", Map.of("backup_dir", "/srv/shop/backups"))).status()).isEqualTo(201);
        assertThat(s.postJson("/api/v1/targets", Map.of("kind", "site", "name", "blog.example", "parent", "drupal10")).status()).isEqualTo(201);
        TestServer.Answer declared = s.send("PUT", "/api/v1/operations", "text/yaml", OPERATIONS);
        assertThat(declared.status()).as(declared.body()).isEqualTo(200);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static String asyncJob(TestServer s, String executionId) {
        String[] job = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Object t : (List<Object>) s.get("/api/v1/executions/" + executionId + "/tasks").map().get("items")) {
                Map<String, Object> task = (Map<String, Object>) t;
                if (!"wait_for_storage".equals(task.get("name"))) continue;
                List<Object> jobs = (List<Object>) s.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items");
                if (!jobs.isEmpty() && "RUNNING".equals(((Map<String, Object>) jobs.getFirst()).get("state"))) {
                    job[0] = (String) ((Map<String, Object>) jobs.getFirst()).get("id");
                    return true;
                }
            }
            return false;
        });
        return job[0];
    }

    private static void complete(TestServer s, String executionId) {
        assertThat(s.postJson("/api/v1/jobs/" + asyncJob(s, executionId) + "/complete", Map.of("state", "SUCCESS")).status()).isEqualTo(200);
    }

    private static String executionState(TestServer s, String id) {
        return (String) s.get("/api/v1/executions/" + id).map().get("state");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void an_operation_runs_on_a_site_and_a_second_run_is_refused_while_it_runs_or_queued_when_asked(String db) {
        try (TestServer s = server(db)) {
            Map<String, Object> offered = s.get("/api/v1/targets/shop.example/operations/backup").map();
            assertThat(offered.get("runnable")).isEqualTo(true);
            List<Map<String, Object>> form = (List<Map<String, Object>>) offered.get("form");
            assertThat(form).extracting(f -> f.get("name")).containsExactly("label", "keep", "compress", "mode");
            assertThat(form.get(0)).containsEntry("type", "string").containsEntry("required", true).containsEntry("pattern", "[a-z0-9-]+");
            assertThat(form.get(1)).containsEntry("type", "number").containsEntry("default", 3).containsEntry("min", 1.0).containsEntry("max", 30.0);
            assertThat(form.get(2)).containsEntry("type", "boolean").containsEntry("required", false);
            assertThat(form.get(3)).containsEntry("type", "choice").containsEntry("choices", List.of("full", "incremental"));

            TestServer.Answer first = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "nightly", "keep", "7")));
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            assertThat(first.map()).containsEntry("state", "RUNNING").containsEntry("target", "shop.example");
            String firstExecution = (String) first.map().get("execution_id");
            assertThat(((Map<String, Object>) first.map().get("input")).get("keep")).isEqualTo(7);

            // while the first runs, "Run" is disabled and a second run on the same site is refused
            assertThat(s.get("/api/v1/targets/shop.example/operations/backup").map().get("runnable")).isEqualTo(false);
            TestServer.Answer refused = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "again")));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat((String) refused.map().get("detail")).contains("shop.example", "busy", "queue");
            // another site is free
            TestServer.Answer other = s.postJson("/api/v1/targets/blog.example/operations/backup/runs", Map.of("input", Map.of("label", "blog")));
            assertThat(other.status()).isEqualTo(201);

            // asked to queue: accepted, and they start in order once the running one ends
            TestServer.Answer q1 = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "q1"), "queue", true));
            TestServer.Answer q2 = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "q2"), "queue", true));
            assertThat(q1.status()).isEqualTo(202);
            assertThat(q1.map()).containsEntry("state", "QUEUED");
            assertThat(q2.status()).isEqualTo(202);

            complete(s, firstExecution);
            await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(executionState(s, firstExecution)));
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(s.get("/api/v1/runs/" + q1.map().get("id")).map().get("state")));
            assertThat(s.get("/api/v1/runs/" + first.map().get("id")).map().get("state")).isEqualTo("SUCCESS");
            assertThat(s.get("/api/v1/runs/" + q2.map().get("id")).map().get("state")).isEqualTo("QUEUED");
            String q1Execution = (String) s.get("/api/v1/runs/" + q1.map().get("id")).map().get("execution_id");
            complete(s, q1Execution);
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(s.get("/api/v1/runs/" + q2.map().get("id")).map().get("state")));
            complete(s, (String) s.get("/api/v1/runs/" + q2.map().get("id")).map().get("execution_id"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(s.get("/api/v1/runs/" + q2.map().get("id")).map().get("state")));
            assertThat(s.get("/api/v1/targets/shop.example/operations/backup").map().get("runnable")).isEqualTo(true);
            List<Object> runs = (List<Object>) s.get("/api/v1/targets/shop.example/runs").map().get("items");
            assertThat(runs).hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void concurrent_runs_on_one_free_target_start_exactly_one(String db) throws Exception {
        try (TestServer s = server(db)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                Callable<Integer> call = () -> s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "c" + n))).status();
                answers.add(pool.submit(call));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) statuses.add(f.get());
            pool.shutdown();
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses.stream().filter(x -> x == 201).count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_bad_form_is_answered_field_by_field_and_starts_nothing(String db) {
        try (TestServer s = server(db)) {
            TestServer.Answer bad = s.postJson("/api/v1/targets/shop.example/operations/backup/runs",
                    Map.of("input", Map.of("label", "Not Valid!", "keep", 99, "compress", "maybe", "mode", "partial", "colour", "red")));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            List<Map<String, Object>> errors = (List<Map<String, Object>>) bad.map().get("errors");
            assertThat(errors).extracting(e -> e.get("field")).containsExactlyInAnyOrder("colour", "label", "keep", "compress", "mode");
            assertThat(errors).anySatisfy(e -> assertThat(e).containsEntry("field", "keep").containsEntry("message", "must be at most 30, not 99"));
            assertThat(errors).anySatisfy(e -> assertThat((String) e.get("message")).contains("does not match the pattern"));

            TestServer.Answer missing = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of()));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.map()).containsEntry("field", "label");
            assertThat((String) missing.map().get("detail")).isEqualTo("label: is required");

            // the wrong kind of target, and a bad declaration, are refused too
            assertThat(s.postJson("/api/v1/targets/drupal10/operations/backup/runs", Map.of("input", Map.of("label", "x"))).status()).isEqualTo(400);
            TestServer.Answer badDecl = s.send("PUT", "/api/v1/operations/restore", "application/json",
                    "{\"kind\": \"site\", \"workflow\": \"backup\", \"fields\": {\"nope\": {}, \"keep\": {\"type\": \"colour\"}}}");
            assertThat(badDecl.status()).isEqualTo(400);
            assertThat((List<Map<String, Object>>) badDecl.map().get("errors")).extracting(e -> e.get("field"))
                    .containsExactlyInAnyOrder("fields.nope", "fields.keep.type");

            assertThat((List<Object>) s.get("/api/v1/targets/shop.example/runs").map().get("items")).isEmpty();
            assertThat(s.get("/api/v1/targets/shop.example/operations/backup").map().get("runnable")).isEqualTo(true);
            assertThat(s.get("/api/v1/operations/restore").status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void variables_from_the_platform_reach_the_site_task_with_their_sources(String db) {
        try (TestServer s = server(db)) {
            TestServer.Answer run = s.postJson("/api/v1/targets/shop.example/operations/backup/runs", Map.of("input", Map.of("label", "weekly")));
            assertThat(run.status()).isEqualTo(201);
            String execution = (String) run.map().get("execution_id");
            complete(s, execution);
            await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(executionState(s, execution)));

            Map<String, Object> vars = s.get("/api/v1/runs/" + run.map().get("id") + "/variables").map();
            Map<String, Map<String, Object>> v = (Map<String, Map<String, Object>>) vars.get("variables");
            assertThat(v.get("platform_version")).containsEntry("value", "10.3").containsEntry("source", "parent:drupal10");
            assertThat(v.get("backup_dir")).containsEntry("value", "/srv/shop/backups").containsEntry("source", "target:shop.example");
            assertThat(v.get("label")).containsEntry("value", "weekly").containsEntry("source", "operation:backup");
            List<Map<String, Object>> write = (List<Map<String, Object>>) ((Map<String, Object>) vars.get("tasks")).get("write");
            assertThat(write.getFirst()).containsEntry("source", "task:write");
            assertThat((String) ((Map<String, Object>) write.getFirst().get("input")).get("script"))
                    .contains("backup shop.example of 10.3 to /srv/shop/backups as weekly keep 3 db db.internal");

            // the job ran on the site: it is in the site's job history
            List<Map<String, Object>> jobs = (List<Map<String, Object>>) s.get("/api/v1/targets/shop.example/jobs").map().get("items");
            assertThat(jobs).isNotEmpty();
            assertThat(jobs).allSatisfy(j -> assertThat(j.get("target")).isEqualTo("shop.example"));
        }
    }
}
