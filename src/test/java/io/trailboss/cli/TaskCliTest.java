package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task controls, reruns and the control audit through the CLI against a real server. */
class TaskCliTest {
    private static final String CHAIN = """
            version: '2.0'
            cli_chain:
              input:
                - ok: true
              tasks:
                gate:
                  action: std.async_noop
                  on-success: middle
                middle:
                  action: std.echo output=middle
                  on-success: last
                last:
                  action: std.echo output="{{ _.ok }}"
                  fail-on: "{{ not _.ok }}"
            """;

    @SuppressWarnings("unchecked")
    private static String state(TestServer server, String ex, String task) {
        for (Map<String, Object> t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + ex + "/tasks").map().get("items")) {
            if (task.equals(t.get("name"))) return (String) t.get("state");
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String gateJob(TestServer server, String ex) {
        for (Map<String, Object> t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + ex + "/tasks").map().get("items")) {
            if ("gate".equals(t.get("name"))) {
                var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items");
                if (!jobs.isEmpty() && "RUNNING".equals(jobs.getFirst().get("state"))) return (String) jobs.getFirst().get("id");
            }
        }
        return null;
    }

    @Test
    void steers_tasks_previews_refusals_reruns_and_shows_the_audit() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", CHAIN).status()).isEqualTo(200);
            String ex = (String) server.postJson("/api/v1/executions", Map.of("workflow", "cli_chain", "input", Map.of("ok", false))).map().get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> gateJob(server, ex) != null);

            CliRun.Result preview = run("task", "pause", ex, s, "--dry-run");
            assertThat(preview.exit()).as(preview.err()).isZero();
            assertThat(preview.out()).contains("dry run: nothing changed").contains("would act on:").containsPattern("middle\\s+PENDING\\s+will be held")
                    .contains("not eligible:").containsPattern("gate\\s+RUNNING\\s+already started");

            CliRun.Result refused = run("task", "interrupt", ex, "middle", s);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("error 409").containsPattern("middle\\s+PENDING\\s+not eligible\\s+is not running");

            CliRun.Result paused = run("task", "pause", ex, "middle", s, "--by", "dave");
            assertThat(paused.exit()).as(paused.err()).isZero();
            assertThat(paused.out()).contains("acted on:").contains("middle");
            server.postJson("/api/v1/jobs/" + gateJob(server, ex) + "/complete", Map.of("state", "SUCCESS"));
            await().atMost(Duration.ofSeconds(10)).until(() -> "PAUSED".equals(state(server, ex, "middle")));
            assertThat(run("task", "release", ex, s, "--count", "1").exit()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> "ERROR".equals(server.get("/api/v1/executions/" + ex).map().get("state")));

            CliRun.Result rerun = run("executions", "rerun", ex, s, "-i", "ok=true", "--by", "erin");
            assertThat(rerun.exit()).as(rerun.err()).isZero();
            assertThat(rerun.out()).containsPattern("last\\s+ERROR\\s+runs again");
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + ex).map().get("state")));

            CliRun.Result audit = run("executions", "controls", ex, s);
            assertThat(audit.out()).containsPattern("dave\\s+pause\\s+middle").containsPattern("release\\s+middle").containsPattern("erin\\s+rerun\\s+last");
        }
    }
}
