package io.trailboss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An agent started by {@code bin/trailboss} gets the JVM options the agent bench measures with. */
class AgentJvmOptionsTest {
    @Test
    void bin_trailboss_starts_an_agent_with_the_agent_jvm_options() throws Exception {
        String agentLine = Files.readAllLines(Path.of("bin/trailboss")).stream()
                .filter(l -> l.contains("exec ") && l.contains("-jar")).findFirst().orElseThrow();
        assertThat(agentLine).contains(String.join(" ", AgentCommand.JVM_OPTIONS));
        String script = Files.readString(Path.of("bin/trailboss"));
        assertThat(script).contains("if [ \"$1\" = agent ]; then\n  " + agentLine.strip());
    }

    @Test
    void the_running_jvm_accepts_the_agent_jvm_options() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(AgentCommand.JVM_OPTIONS);
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("Unrecognized", "Ignoring option", "deprecated");
    }
}
