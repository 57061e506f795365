package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.cli.CliRun;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * YAML built to exhaust the server (aliases of aliases, an anchor inside itself) or to say one thing twice
 * (a repeated key) is refused quickly, with the limit or the key and where it is, on every route that reads
 * YAML and in the CLI's validate; nothing is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileYamlTest {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                hy_noop:
                  tasks:
                    only:
                      action: std.noop
                """).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** 26 lines, ~560 bytes: each anchor names the previous one twice, so the last one expands to 2^26 nodes. */
    private static String billionLaughs(String prefix) {
        StringBuilder out = new StringBuilder(prefix).append("a0: &a0 [x, x]\n");
        for (int i = 1; i <= 25; i++) out.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        return out.toString();
    }

    private static final List<String[]> YAML_ROUTES = List.of(
            new String[] {"POST", "/api/v1/workflows/validate"},
            new String[] {"PUT", "/api/v1/workflows"},
            new String[] {"POST", "/mistral/v2/workflows"},
            new String[] {"POST", "/mistral/v2/workbooks"},
            new String[] {"PUT", "/mistral/v2/workbooks"},
            new String[] {"PUT", "/api/v1/operations"},
            new String[] {"PUT", "/api/v1/operations/hy-op"},
            new String[] {"PUT", "/api/v1/stages/hy-stage"},
            new String[] {"PUT", "/api/v1/stage-maps/kind:hy"},
            new String[] {"PUT", "/api/v1/triggers/hy-trigger"});

    @Test
    void an_alias_bomb_is_refused_within_a_second_naming_the_limit_and_its_line_on_every_route_that_reads_yaml() {
        String bomb = billionLaughs("version: '2.0'\n");
        assertThat(bomb.length()).isLessThan(700);
        for (String[] route : YAML_ROUTES) {
            long started = System.nanoTime();
            TestServer.Answer a = server.send(route[0], route[1], "text/yaml", bomb);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(a.status()).as(route[1] + ": " + a.body()).isEqualTo(400);
            // the 15th anchor's second alias is where the count passes the limit
            assertThat(a.body()).as(route[1]).contains("more than 100000 nodes").contains("line 16, column 18");
            assertThat(took).as(route[1]).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(server.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void an_anchor_that_holds_its_own_alias_is_refused_as_recursive_at_the_alias() {
        for (String[] route : YAML_ROUTES) {
            TestServer.Answer a = server.send(route[0], route[1], "text/yaml", "version: '2.0'\na: &a [*a]\n");
            assertThat(a.status()).as(route[1] + ": " + a.body()).isEqualTo(400);
            assertThat(a.body()).as(route[1]).contains("recursive").contains("line 2, column 8");
        }
        TestServer.Answer nested = server.send("POST", "/api/v1/workflows/validate", "text/yaml", "version: '2.0'\nwf: &w\n  tasks:\n    t: *w\n");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.body()).contains("recursive").contains("line 4, column 8");
    }

    @Test
    void a_workflow_with_two_tasks_keys_is_refused_naming_the_key_and_where_it_is_and_nothing_is_stored() {
        String twice = """
                version: '2.0'
                hy_twice:
                  tasks:
                    first:
                      action: std.fail
                  tasks:
                    second:
                      action: std.noop
                """;
        TestServer.Answer validate = server.send("POST", "/api/v1/workflows/validate", "text/yaml", twice);
        assertThat(validate.status()).isEqualTo(400);
        assertThat(validate.body()).contains("duplicate key 'tasks'").contains("line 6, column 3").contains("first at line 3, column 3");
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", twice).status()).isEqualTo(400);
        assertThat(server.send("POST", "/mistral/v2/workflows", "text/yaml", twice).status()).isEqualTo(400);
        assertThat(server.get("/api/v1/workflows/hy_twice").status()).isEqualTo(404);
    }

    @Test
    void an_operations_document_with_a_repeated_key_is_refused_and_its_aliases_mean_what_they_name() {
        TestServer.Answer twice = server.send("PUT", "/api/v1/operations", "text/yaml", """
                operations:
                  hy-run:
                    kind: site
                    workflow: hy_noop
                    kind: machine
                """);
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.body()).contains("duplicate key 'kind'").contains("line 5, column 5");
        assertThat(server.get("/api/v1/operations/hy-run").status()).isEqualTo(404);

        TestServer.Answer aliased = server.send("PUT", "/api/v1/operations", "text/yaml", """
                operations:
                  hy-one: &op
                    kind: site
                    workflow: hy_noop
                    description: shared
                  hy-two: *op
                """);
        assertThat(aliased.status()).as(aliased.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/operations/hy-two").map()).containsEntry("kind", "site").containsEntry("description", "shared");
    }

    @Test
    void text_and_numbers_that_could_not_be_stored_unchanged_are_refused_with_their_line_and_column() {
        TestServer.Answer nul = server.send("POST", "/api/v1/workflows/validate", "text/yaml",
                "version: '2.0'\nhy_nul:\n  tasks:\n    t:\n      action: \"std.echo output=a\\0b\"\n");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.body()).contains("NUL").contains("line 5, column 15");
        TestServer.Answer surrogate = server.send("PUT", "/api/v1/stages/hy-stage", "text/yaml", "workflow: hy_noop\ndescription: \"\\ud800\"\n");
        assertThat(surrogate.status()).isEqualTo(400);
        assertThat(surrogate.body()).contains("lone surrogate").contains("line 2, column 14");
        TestServer.Answer nan = server.send("PUT", "/api/v1/triggers/hy-nan", "text/yaml", "cron: '0 * * * *'\nworkflow: hy_noop\ninput: {ratio: .nan}\n");
        assertThat(nan.status()).isEqualTo(400);
        assertThat(nan.body()).contains("'.nan' is not a finite number").contains("line 3, column 16");
        assertThat(server.get("/api/v1/triggers/hy-nan").status()).isEqualTo(404);
    }

    @Test
    void the_cli_validate_refuses_an_alias_bomb_and_a_repeated_key_with_line_and_column() throws Exception {
        Path file = Files.createTempFile("bomb", ".yaml");
        Files.writeString(file, billionLaughs("version: '2.0'\n"));
        long started = System.nanoTime();
        CliRun.Result bomb = CliRun.run("validate", file.toString());
        // the CLI's first run in this JVM loads its classes too: a looser bound than the server's
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(bomb.exit()).isEqualTo(1);
        assertThat(bomb.err()).contains("more than 100000 nodes").contains("line 16, column 18");
        Files.writeString(file, "version: '2.0'\nwf:\n  tasks:\n    t: {}\n  tasks:\n    u: {}\n");
        CliRun.Result twice = CliRun.run("validate", file.toString());
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.err()).contains("line 5, column 3").contains("duplicate key 'tasks'");
    }

    @Test
    void the_expanded_size_counts_every_alias_so_a_modest_document_with_aliases_is_still_read() {
        TestServer.Answer ok = server.send("POST", "/api/v1/workflows/validate", "text/yaml", """
                version: '2.0'
                hy_aliases:
                  vars:
                    hosts: &hosts [a, b, c]
                    again: *hosts
                  tasks:
                    t:
                      action: std.echo output=1
                """);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.map().get("workflows")).isEqualTo(List.of("hy_aliases"));
    }
}
