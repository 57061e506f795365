package io.trailboss.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionResult;
import io.trailboss.action.ShellAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** A shell job runs in a directory of its own, which is gone when the job ends, whatever the script left in it. */
class ShellWorkDirTest {
    private final ShellAction shell = new ShellAction(Map::of);

    private Path runAndReturnDir(Map<String, Object> input) throws Exception {
        ActionContext context = new ActionContext("job-1", "exec-1", null, null, text -> { }, new LinkedBlockingQueue<>());
        ActionResult result = shell.run(input, context);
        assertThat(result).isInstanceOf(ActionResult.Success.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) ((ActionResult.Success) result).output();
        return Path.of(String.valueOf(output.get("output")).strip());
    }

    @Test
    void job_directories_are_made_under_the_work_root_given() throws Exception {
        Path root = Files.createTempDirectory("trailboss-work-root-");
        ActionContext context = new ActionContext("job-2", "exec-1", null, null, text -> { }, new LinkedBlockingQueue<>());
        ActionResult result = new ShellAction(Map::of, root).run(Map.of("script", "pwd; touch left-behind"), context);
        assertThat(result).isInstanceOf(ActionResult.Success.class);
        @SuppressWarnings("unchecked")
        Path dir = Path.of(String.valueOf(((Map<String, Object>) ((ActionResult.Success) result).output()).get("output")).strip());
        assertThat(dir.getParent()).isEqualTo(root.toRealPath());
        assertThat(dir.getFileName().toString()).startsWith("trailboss-job-");
        try (var left = Files.list(root)) {
            assertThat(left).as("the job's directory is gone").isEmpty();
        }
    }

    @Test
    void an_agent_refuses_a_work_directory_it_cannot_use() {
        var run = io.trailboss.cli.CliRun.run("agent", "--server", "http://127.0.0.1:9", "--token", "x", "--work-dir", "/nonexistent/trailboss-work");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--work-dir must be a directory this agent can write to, not '/nonexistent/trailboss-work'");
    }

    @Test
    void the_job_directory_is_removed_after_a_script_alone() throws Exception {
        Path dir = runAndReturnDir(Map.of("script", "pwd"));
        assertThat(dir.getFileName().toString()).startsWith("trailboss-job-");
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void the_job_directory_is_removed_with_extra_files_and_what_the_script_created() throws Exception {
        Path dir = runAndReturnDir(Map.of(
                "script", "mkdir -p made/deeper && echo x > made/deeper/file && cat extra/conf.txt > /dev/null && pwd",
                "files", Map.of("extra/conf.txt", "hello")));
        assertThat(dir.getFileName().toString()).startsWith("trailboss-job-");
        assertThat(Files.exists(dir)).isFalse();
    }
}
