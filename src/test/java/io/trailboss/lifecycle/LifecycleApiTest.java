package io.trailboss.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A machine's lifecycle over HTTP: stages run one after another by the stage map, wait for a person, stop, and survive a restart. */
class LifecycleApiTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            discover:
              tasks:
                inventory:
                  action: shell
                  input:
                    script: echo "discovering {{ target.name }} in stage {{ env().target.stage }}"
            install:
              tasks:
                wait_for_media:
                  action: std.async_noop
            configure:
              tasks:
                apply:
                  action: std.echo output="configured"
            """;

    private static void setUp(TestServer s, boolean installWaits) {
        assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).status()).isEqualTo(200);
        for (String stage : List.of("discover", "install", "configure", "complete")) {
            String workflow = stage.equals("install") && !installWaits ? "configure" : stage.equals("complete") ? "configure" : stage;
            TestServer.Answer a = s.send("PUT", "/api/v1/stages/" + stage, "application/json", "{\"workflow\": \"" + workflow + "\"}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
        }
        TestServer.Answer map = s.send("PUT", "/api/v1/stage-maps/kind:machine", "text/yaml", """
                discover: {next: install, on: continue}
                install: {next: configure, on: wait}
                configure: {next: complete, on: stop}
                """);
        assertThat(map.status()).as(map.body()).isEqualTo(200);
        assertThat(s.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "m1")).status()).isEqualTo(201);
    }

    private static Map<String, Object> lifecycle(TestServer s) {
        return s.get("/api/v1/targets/m1/lifecycle").map();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_machine_goes_through_three_stages_by_the_stage_map_with_a_wait_for_a_person_and_a_stop(String db) {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            setUp(s, false);
            TestServer.Answer moved = s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\"}");
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);

            // discover runs, the map continues to install, then waits for a person before configure
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "configure");
            assertThat((String) lifecycle(s).get("state_info")).contains("waits for a person");
            assertThat(s.get("/api/v1/targets/m1").map().get("stage")).isEqualTo("configure");
            // a person lets it go on; configure runs and the map stops at complete
            assertThat(s.postJson("/api/v1/targets/m1/lifecycle/continue", Map.of("by", "ada")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "complete");
            // continuing a stopped lifecycle is refused
            assertThat(s.postJson("/api/v1/targets/m1/lifecycle/continue", Map.of()).status()).isEqualTo(409);

            List<Map<String, Object>> history = (List<Map<String, Object>>) s.get("/api/v1/targets/m1/history").map().get("stages");
            assertThat(history).extracting(h -> h.get("stage")).containsExactly("discover", "install", "configure");
            assertThat(history).allSatisfy(h -> {
                Map<String, Object> run = (Map<String, Object>) h.get("run");
                assertThat(run.get("state")).isEqualTo("SUCCESS");
                assertThat(run.get("execution_id")).isNotNull();
                List<Map<String, Object>> tasks = (List<Map<String, Object>>) h.get("tasks");
                assertThat(tasks).isNotEmpty();
                assertThat((List<Object>) tasks.getFirst().get("jobs")).isNotEmpty();
            });
            assertThat(((Map<String, Object>) history.get(2).get("run")).get("requested_by")).isEqualTo(s.actor("ada"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_target_that_is_not_runnable_waits_after_its_current_stage_and_goes_on_when_runnable_again(String db) {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            setUp(s, true);
            // the target's own map comes before its kind's: here install continues to configure
            assertThat(s.send("PUT", "/api/v1/stage-maps/target:m1", "application/json", "{\"install\": {\"next\": \"configure\"}}").status()).isEqualTo(200);
            s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> "install".equals(lifecycle(s).get("stage")));
            assertThat(s.send("PATCH", "/api/v1/targets/m1/lifecycle", "application/json", "{\"runnable\": false}").status()).isEqualTo(200);
            // moving it elsewhere while install runs is refused
            assertThat(s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\"}").status()).isEqualTo(409);
            String install = (String) ((Map<?, ?>) s.get("/api/v1/runs/" + lifecycle(s).get("run_id")).map()).get("execution_id");
            completeAsync(s, install);
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("state_info", "not runnable").containsEntry("stage", "configure");
            // runnable again: configure starts, and the kind's map stops at complete
            assertThat(s.send("PATCH", "/api/v1/targets/m1/lifecycle", "application/json", "{\"runnable\": true}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "complete");
        }
    }

    @SuppressWarnings("unchecked")
    private static void completeAsync(TestServer s, String executionId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Object t : (List<Object>) s.get("/api/v1/executions/" + executionId + "/tasks").map().get("items")) {
                for (Object j : (List<Object>) s.get("/api/v1/tasks/" + ((Map<String, Object>) t).get("id") + "/jobs").map().get("items")) {
                    Map<String, Object> job = (Map<String, Object>) j;
                    if ("RUNNING".equals(job.get("state"))) {
                        return s.postJson("/api/v1/jobs/" + job.get("id") + "/complete", Map.of("state", "SUCCESS")).status() == 200;
                    }
                }
            }
            return false;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void a_server_restart_while_a_machine_is_mid_lifecycle_continues_the_lifecycle(String db) throws Exception {
        Supplier<Database> open;
        if (db.equals("h2")) {
            Path dir = Files.createTempDirectory("trailboss-lifecycle-");
            open = () -> Database.embedded(dir);
        } else {
            String url = TestDatabases.freshPostgresUrl();
            open = () -> Database.connect(url, null, null);
        }
        String installExecution;
        try (TestServer s = new TestServer(open.get())) {
            setUp(s, true);
            s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> "install".equals(lifecycle(s).get("stage"))
                    && "RUNNING".equals(s.get("/api/v1/runs/" + lifecycle(s).get("run_id")).map().get("state")));
            installExecution = (String) s.get("/api/v1/runs/" + lifecycle(s).get("run_id")).map().get("execution_id");
        }
        // the server is gone while install waits; a new one picks the lifecycle up where it was
        try (TestServer s = new TestServer(open.get())) {
            assertThat(lifecycle(s)).containsEntry("stage", "install").containsEntry("state", "RUNNING");
            completeAsync(s, installExecution);
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "configure");
            s.postJson("/api/v1/targets/m1/lifecycle/continue", Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(lifecycle(s).get("state")));
            List<Map<String, Object>> history = (List<Map<String, Object>>) s.get("/api/v1/targets/m1/history").map().get("stages");
            assertThat(history).extracting(h -> h.get("stage")).containsExactly("discover", "install", "configure");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_stage_execution_that_ended_while_no_one_listened_advances_the_lifecycle_on_the_next_start(String db) throws Exception {
        Supplier<Database> open;
        if (db.equals("h2")) {
            Path dir = Files.createTempDirectory("trailboss-lifecycle-");
            open = () -> Database.embedded(dir);
        } else {
            String url = TestDatabases.freshPostgresUrl();
            open = () -> Database.connect(url, null, null);
        }
        try (TestServer s = new TestServer(open.get())) {
            setUp(s, true);
            s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> "install".equals(lifecycle(s).get("stage"))
                    && "RUNNING".equals(s.get("/api/v1/runs/" + lifecycle(s).get("run_id")).map().get("state")));
            String install = (String) s.get("/api/v1/runs/" + lifecycle(s).get("run_id")).map().get("execution_id");
            // the process "dies" between the engine's commit of the execution's end and the run's end:
            // the run component stops listening first, then the execution ends
            s.tb.runs().close();
            completeAsync(s, install);
            await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(s.get("/api/v1/executions/" + install).map().get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "install").containsEntry("state", "RUNNING");
        }
        try (TestServer s = new TestServer(open.get())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "configure");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void in_single_step_mode_the_lifecycle_waits_for_a_person_after_every_stage(String db) {
        try (TestServer s = new TestServer(TestDatabases.of(db))) {
            setUp(s, false);
            TestServer.Answer moved = s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\", \"single_step\": true}");
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")));
            assertThat(lifecycle(s)).containsEntry("stage", "install").containsEntry("state_info", "single step").containsEntry("single_step", true);
            s.postJson("/api/v1/targets/m1/lifecycle/continue", Map.of());
            // install's map entry waits for a person anyway; then single step is switched off and configure stops at complete
            await().atMost(Duration.ofSeconds(30)).until(() -> "WAITING".equals(lifecycle(s).get("state")) && "configure".equals(lifecycle(s).get("stage")));
            assertThat(s.send("PATCH", "/api/v1/targets/m1/lifecycle", "application/json", "{\"single_step\": false}").status()).isEqualTo(200);
            s.postJson("/api/v1/targets/m1/lifecycle/continue", Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(lifecycle(s).get("state")));
            assertThat((List<Object>) s.get("/api/v1/targets/m1/history").map().get("stages")).hasSize(3);
            // a bad move changes nothing
            assertThat(s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"nowhere\"}").status()).isEqualTo(404);
            assertThat(s.send("PUT", "/api/v1/targets/m1/stage", "application/json", "{\"stage\": \"discover\", \"colour\": 1}").status()).isEqualTo(400);
            assertThat(lifecycle(s)).containsEntry("state", "STOPPED").containsEntry("stage", "complete");
        }
    }
}
