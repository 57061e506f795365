package io.trailboss.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.auth.Auth;
import io.trailboss.testing.MistralCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The shared client process answers each command as {@code mistral} started for that command alone does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistralCliTest {
    private TestServer server;

    @BeforeAll
    void start() {
        MistralCli.assumeInstalled();
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.OPEN);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private List<String> at(String... args) {
        List<String> cmd = new ArrayList<>(List.of("--os-mistral-url", server.base + "/mistral/v2"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Both ways, the shared process first; object addresses in Python's messages differ from process to process. */
    private static Run same(List<String> args, Consumer<Map<String, String>> environment) {
        Run shared = MistralCli.run(args, environment);
        Run own = MistralCli.runInOwnProcess(args, environment);
        assertThat(new Run(shared.code(), withoutAddresses(shared.out()))).isEqualTo(new Run(own.code(), withoutAddresses(own.out())));
        return shared;
    }

    private static String withoutAddresses(String out) {
        return out.replaceAll("0x[0-9a-f]+", "0x…");
    }

    @Test
    void prints_and_exits_as_the_client_in_a_process_of_its_own() throws Exception {
        Path wf = Files.createTempFile("mistral-cli", ".yaml");
        Files.writeString(wf, "version: '2.0'\ncli_same:\n  tasks:\n    a: {action: std.noop}\n");
        assertThat(MistralCli.run(at("workflow-create", wf.toString())).code()).isZero();
        Consumer<Map<String, String>> unchanged = env -> {};
        // a refusal from the server, logged on stderr
        assertThat(same(at("workflow-create", wf.toString()), unchanged).code()).isEqualTo(1);
        // stdout: a table, a value, JSON
        assertThat(same(at("workflow-get", "cli_same"), unchanged).out()).contains("cli_same");
        same(at("workflow-list", "-f", "value", "-c", "Name"), unchanged);
        same(at("workflow-get", "cli_same", "-f", "json", "-c", "Name", "-c", "Input"), unchanged);
        // argparse's usage on stderr with status 2, cliff's guesses for an unknown command, --version's exit
        assertThat(same(at("workflow-list", "--bogus"), unchanged).code()).isEqualTo(2);
        assertThat(same(List.of("workflow-lst"), unchanged).out()).contains("Did you mean");
        same(List.of("--version"), unchanged);
    }

    @Test
    void takes_each_commands_environment_and_nothing_from_the_command_before() {
        String url = server.base + "/mistral/v2";
        Run fromEnvironment = same(List.of("workflow-list", "-f", "value", "-c", "Name"), env -> env.put("OS_MISTRAL_URL", url));
        assertThat(fromEnvironment.code()).as(fromEnvironment.out()).isZero();
        // with --debug the client logs every request; the next command must not
        same(List.of("--debug", "--os-mistral-url", "http://127.0.0.1:1/v2", "workflow-list"), env -> env.remove("OS_MISTRAL_URL"));
        Run withoutUrl = same(List.of("--os-mistral-url", "http://127.0.0.1:1/v2", "workflow-list"), env -> env.remove("OS_MISTRAL_URL"));
        assertThat(withoutUrl.code()).isEqualTo(1);
        assertThat(withoutUrl.out()).startsWith("ERROR (app)").doesNotContain("DEBUG");
        Run defaultUrl = MistralCli.run(List.of("workflow-list"), env -> env.remove("OS_MISTRAL_URL"));
        assertThat(defaultUrl.out()).doesNotContain(url).contains("localhost', port=8989");
    }
}
