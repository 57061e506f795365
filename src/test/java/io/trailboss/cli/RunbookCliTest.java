package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook in docs/examples, driven end to end through the CLI as an operator would: a manual
 * confirmation with a form (a bad answer refused, a good one accepted), a step skipped before it is
 * reached, and a failed promotion held by pause-on-fail, fixed and rerun.
 */
class RunbookCliTest {
    private static String taskState(String s, String ex, String task) {
        String tasks = run("executions", "tasks", s, ex).out();
        Matcher m = Pattern.compile("\"name\" : \"" + task + "\",.*?\"state\" : \"([A-Z]+)\"", Pattern.DOTALL).matcher(tasks);
        String last = null;
        while (m.find()) last = m.group(1);
        return last;
    }

    @Test
    void runs_the_failover_runbook_with_a_manual_step_a_skip_and_a_pause_on_fail_decision(@TempDir Path work) throws Exception {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            CliRun.Result created = run("workflows", "create", s, "docs/examples/runbook.yaml");
            assertThat(created.exit()).as(created.err()).isZero();
            CliRun.Result started = run("executions", "start", s, "db_failover", "-i", "workdir=" + work);
            assertThat(started.exit()).as(started.err()).isZero();
            String ex = started.out().replaceAll("(?s).*?\"id\" : \"([^\"]+)\".*", "$1");

            // the confirmation waits in the inbox
            await().atMost(Duration.ofSeconds(20)).until(() -> run("inbox", s).out().contains("confirm"));
            String inbox = run("inbox", s).out();
            Matcher line = Pattern.compile("(?m)^manual\\s+(\\S+)\\s+.*db_failover\\s+confirm\\b.*$").matcher(inbox);
            assertThat(line.find()).as(inbox).isTrue();
            String job = line.group(1);
            assertThat(run("manual", "show", s, job).out()).contains("Confirm the failover of db1").contains("ticket");

            // a drill announces nothing: skipped before it is reached
            CliRun.Result skip = run("task", "skip", ex, "announce", s, "--by", "oncall");
            assertThat(skip.exit()).as(skip.err()).isZero();
            assertThat(skip.out()).containsPattern("announce\\s+PENDING\\s+will be skipped when reached");

            CliRun.Result bad = run("manual", "complete", s, job, "--set", "ticket=42");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("ticket");
            CliRun.Result done = run("manual", "complete", s, job, "--set", "ticket=OPS-42", "--by", "oncall");
            assertThat(done.exit()).as(done.err()).isZero();

            // promote fails (the replica is not ready) and holds for a decision instead of rolling back
            await().atMost(Duration.ofSeconds(20)).until(() -> "PAUSED".equals(taskState(s, ex, "promote")));
            assertThat(taskState(s, ex, "announce")).isEqualTo("SKIPPED");
            assertThat(taskState(s, ex, "rollback")).isNull();
            CliRun.Result preview = run("task", "rerun", ex, "promote", s, "--dry-run");
            assertThat(preview.out()).contains("dry run").containsPattern("promote\\s+PAUSED\\s+runs again now");

            Files.writeString(work.resolve("replica-ready"), "");
            CliRun.Result rerun = run("task", "rerun", ex, "promote", s, "--by", "oncall");
            assertThat(rerun.exit()).as(rerun.err()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("executions", "get", s, ex).out().contains("\"state\" : \"SUCCESS\""));
            assertThat(taskState(s, ex, "verify")).isEqualTo("SUCCESS");
            assertThat(taskState(s, ex, "rollback")).isNull();
            assertThat(run("logs", s, ex).out()).contains("replica db2 is not ready").contains("promoted db2 under OPS-42");
            assertThat(run("executions", "controls", ex, s).out()).containsPattern("oncall\\s+skip\\s+announce").containsPattern("oncall\\s+rerun\\s+promote");
        }
    }
}
