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

/** trailboss inbox, manual show/complete/fail and prompt answer against a real server. */
class InboxCliTest {
    private static final String RUNBOOK = """
            version: '2.0'
            runbook:
              tasks:
                check:
                  action: manual
                  input:
                    instructions: |
                      Look at the disk on the primary.
                      Then say how full it is.
                    form:
                      - {name: percent, type: number, max: 100, label: Disk use}
                      - {name: healthy, type: boolean, default: true}
                  publish:
                    percent: "{{ task().result.percent }}"
                  on-success: report
                report:
                  action: std.echo
                  input: {output: "{{ _.percent }}"}
            asking:
              tasks:
                ask:
                  action: shell
                  input:
                    script: |
                      echo "::prompt::Which colour?"
                      read colour
                      echo "colour=$colour"
            """;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> inbox(TestServer server) {
        return (List<Map<String, Object>>) server.get("/api/v1/inbox").map().get("items");
    }

    @Test
    void lists_shows_completes_and_fails_manual_steps_and_answers_prompts() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", RUNBOOK).status()).isEqualTo(200);
            assertThat(run("inbox", s).out()).isEqualTo("nothing waits for a person\n");
            String first = (String) server.postJson("/api/v1/executions", Map.of("workflow", "runbook")).map().get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox(server).size() == 1);
            String second = (String) server.postJson("/api/v1/executions", Map.of("workflow", "runbook")).map().get("id");
            String asking = (String) server.postJson("/api/v1/executions", Map.of("workflow", "asking")).map().get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox(server).size() == 3);
            List<Map<String, Object>> items = inbox(server);
            String job1 = (String) items.get(0).get("job_id");
            String job2 = (String) items.stream().filter(i -> second.equals(i.get("execution_id"))).findFirst().orElseThrow().get("job_id");
            String prompt = (String) items.stream().filter(i -> "prompt".equals(i.get("kind"))).findFirst().orElseThrow().get("id");

            CliRun.Result listed = run("inbox", s);
            assertThat(listed.exit()).as(listed.err()).isZero();
            assertThat(listed.out().lines().toList()).hasSize(4);
            assertThat(listed.out()).startsWith("KIND").contains("manual  " + job1, "runbook", "check", "Look at the disk on the primary.",
                    "prompt  " + prompt, "Which colour?");

            CliRun.Result shown = run("manual", "show", s, job1);
            assertThat(shown.out()).contains("Look at the disk on the primary.\nThen say how full it is.", "percent (number, required)  Disk use",
                    "healthy (boolean)  [default: true]", "state: RUNNING (waiting for a person)");

            CliRun.Result bad = run("manual", "complete", s, job1, "--set", "percent=lots", "--set", "colour=red");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("error 400", "percent: must be a number, not 'lots'", "colour: the form has no field 'colour'");

            CliRun.Result done = run("manual", "complete", s, job1, "--set", "percent=87", "--by", "grace");
            assertThat(done.exit()).as(done.err()).isZero();
            assertThat(done.out()).contains("job " + job1 + ": SUCCEEDED", "\"percent\":87", "\"healthy\":true", "\"by\":\"grace\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, first).out().contains("\"state\" : \"SUCCESS\""));

            CliRun.Result failed = run("manual", "fail", s, job2, "--reason", "disk unreachable", "--by", "linus");
            assertThat(failed.exit()).as(failed.err()).isZero();
            assertThat(failed.out()).contains("job " + job2 + ": FAILED");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, second).out().contains("\"state\" : \"ERROR\""));
            CliRun.Result late = run("manual", "fail", s, job2, "--reason", "again");
            assertThat(late.exit()).isEqualTo(1);
            assertThat(late.err()).contains("error 409", "is FAILED (failed by linus");

            CliRun.Result answered = run("prompt", "answer", s, prompt, "teal", "--by", "ada");
            assertThat(answered.exit()).as(answered.err()).isZero();
            assertThat(answered.out()).contains("prompt " + prompt + ": ANSWERED");
            await().atMost(Duration.ofSeconds(10)).until(() -> run("executions", "get", s, asking).out().contains("\"state\" : \"SUCCESS\""));
            assertThat(run("logs", s, asking).out()).contains("colour=teal");
            assertThat(run("inbox", s).out()).isEqualTo("nothing waits for a person\n");
            assertThat(run("prompt", "answer", s, prompt, "again").err()).contains("error 409");
        }
    }

    @Test
    void validate_points_at_a_bad_form_field_by_line_and_column() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bad-form-", ".yaml");
        java.nio.file.Files.writeString(file, """
                version: '2.0'
                bad:
                  tasks:
                    ask:
                      action: manual
                      input:
                        instructions: Do it
                        form:
                          - {name: env, type: choice, choices: [a, b], default: c}
                """);
        CliRun.Result r = run("validate", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 9, column 65: bad.tasks.ask.input.form[0].default: form[0] (env): the default 'c' is not one of the choices [a, b]");
        assertThat(run("validate", "docs/examples/manual-step.yaml").exit()).isZero();
    }
}
