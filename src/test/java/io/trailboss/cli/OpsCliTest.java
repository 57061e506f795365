package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `trailboss operations|stages|triggers ...` against a real server. */
class OpsCliTest {
    @Test
    void operations_stages_and_triggers_commands_declare_run_refuse_queue_move_and_pause() throws Exception {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            Path dir = Files.createTempDirectory("trailboss-ops-cli-");
            Files.writeString(dir.resolve("wf.yaml"), """
                    version: '2.0'
                    restart:
                      input:
                        - service
                      tasks:
                        hold:
                          action: std.async_noop
                    provision:
                      tasks:
                        go:
                          action: std.noop
                    """);
            Files.writeString(dir.resolve("ops.yaml"), """
                    operations:
                      restart:
                        kind: server
                        workflow: restart
                        fields:
                          service: {type: choice, choices: [nginx, php-fpm]}
                    """);
            Files.writeString(dir.resolve("map.yaml"), "provision: {next: ready, on: stop}\n");
            Files.writeString(dir.resolve("trigger.yaml"), "cron: '0 3 * * *'\ntime_zone: Europe/Berlin\nworkflow: provision\n");
            assertThat(run("workflows", "create", dir.resolve("wf.yaml").toString(), s).exit()).isZero();
            CliRun.Result declared = run("operations", "declare", dir.resolve("ops.yaml").toString(), s);
            assertThat(declared.exit()).as(declared.err()).isZero();
            assertThat(run("targets", "create", "web1", "--kind", "server", s).exit()).isZero();

            CliRun.Result offered = run("operations", "offered", "web1", s);
            assertThat(offered.out()).contains("\"choices\" : [ \"nginx\", \"php-fpm\" ]").contains("\"runnable\" : true");
            CliRun.Result bad = run("operations", "run", "web1", "restart", "-i", "service=\"apache\"", s);
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("error 400").contains("service: 'apache' is not one of [nginx, php-fpm]");
            CliRun.Result first = run("operations", "run", "web1", "restart", "-i", "service=\"nginx\"", s);
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).contains("\"state\" : \"RUNNING\"");
            CliRun.Result refused = run("operations", "run", "web1", "restart", "-i", "service=\"nginx\"", s);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("error 409").contains("busy");
            assertThat(run("operations", "run", "web1", "restart", "-i", "service=\"php-fpm\"", "--queue", s).out()).contains("\"state\" : \"QUEUED\"");
            assertThat(run("operations", "runs", "web1", s).out()).contains("QUEUED").contains("RUNNING");

            assertThat(run("stages", "declare", "provision", "--workflow", "provision", s).exit()).isZero();
            assertThat(run("stages", "declare", "ready", "--workflow", "provision", s).exit()).isZero();
            assertThat(run("stages", "map", "kind:server", dir.resolve("map.yaml").toString(), s).exit()).isZero();
            assertThat(run("targets", "create", "web2", "--kind", "server", s).exit()).isZero();
            assertThat(run("stages", "move", "web2", "provision", s).exit()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("stages", "lifecycle", "web2", s).out().contains("\"state\" : \"STOPPED\""));
            assertThat(run("stages", "history", "web2", s).out()).contains("\"stage\" : \"provision\"");
            assertThat(run("stages", "set", "web2", "--single-step", "true", s).out()).contains("\"single_step\" : true");

            CliRun.Result trig = run("triggers", "save", "nightly", dir.resolve("trigger.yaml").toString(), s);
            assertThat(trig.exit()).as(trig.err()).isZero();
            assertThat(trig.out()).contains("\"time_zone\" : \"Europe/Berlin\"").contains("next_fire_at");
            assertThat(run("triggers", "pause", "nightly", s).out()).contains("\"paused\" : true");
            assertThat(run("triggers", "firings", "nightly", s).out()).contains("\"items\" : [ ]");
            assertThat(run("triggers", "delete", "nightly", s).exit()).isZero();
            assertThat(server.get("/api/v1/triggers").map()).isEqualTo(Map.of("items", java.util.List.of()));
        }
    }

    @Test
    void the_operations_example_declares_runs_and_moves_a_machine_through_its_stage_map() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(run("workflows", "create", "docs/examples/operations-workflows.yaml", s).exit()).isZero();
            CliRun.Result declared = run("operations", "declare", "docs/examples/operations.yaml", s);
            assertThat(declared.exit()).as(declared.err()).isZero();
            assertThat(run("targets", "create", "drupal10", "--kind", "platform", "-p", "platform_version=\"10.3\"", "-p", "backup_dir=\"/var/backups\"", s).exit()).isZero();
            assertThat(run("targets", "create", "shop.example", "--kind", "site", "--parent", "drupal10", s).exit()).isZero();
            CliRun.Result started = run("operations", "run", "shop.example", "backup", "-i", "label=\"nightly\"", "-i", "keep=7", s);
            assertThat(started.exit()).as(started.err()).isZero();
            String runId = (String) ((Map<?, ?>) io.trailboss.json.Json.read(started.out())).get("id");
            await().atMost(Duration.ofSeconds(20)).until(() -> run("operations", "show", runId, s).out().contains("\"state\" : \"SUCCESS\""));
            CliRun.Result vars = run("operations", "variables", runId, s);
            assertThat(vars.out()).contains("\"source\" : \"parent:drupal10\"").contains("backing up shop.example (platform 10.3) to /var/backups/nightly, keep 7, full");

            for (String stage : java.util.List.of("discover", "install", "configure", "complete")) {
                String wf = "machine_" + (stage.equals("complete") ? "configure" : stage);
                assertThat(run("stages", "declare", stage, "--workflow", wf, s).exit()).isZero();
            }
            assertThat(run("stages", "map", "kind:machine", "docs/examples/stage-map.yaml", s).exit()).isZero();
            assertThat(run("targets", "create", "m1", "--kind", "machine", s).exit()).isZero();
            assertThat(run("stages", "move", "m1", "discover", s).exit()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("stages", "lifecycle", "m1", s).out().contains("\"state\" : \"WAITING\""));
            assertThat(run("stages", "continue", "m1", s).exit()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("stages", "lifecycle", "m1", s).out().contains("\"state\" : \"STOPPED\""));
        }
    }
}
