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
