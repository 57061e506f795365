package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import org.junit.jupiter.api.Test;

/** `trailboss targets ...` and `trailboss profiles ...` against a real server. */
class TargetsCliTest {
    @Test
    void targets_and_profiles_commands_create_show_resolve_and_delete() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            String s = "--server=" + server.base;
            assertThat(run("profiles", "create", "db", "-p", "port=5432", s).exit()).isZero();
            assertThat(run("profiles", "set", "global", "-p", "dns=\"10.0.0.1\"", s).exit()).isZero();
            CliRun.Result site = run("targets", "create", "site1", "--kind", "site", "-p", "region=eu", s);
            assertThat(site.exit()).as(site.err()).isZero();
            CliRun.Result m = run("targets", "create", "db1", "--kind", "machine", "--parent", "site1", "--profile", "db", "--label", "role=db", s);
            assertThat(m.exit()).as(m.err()).isZero();
            assertThat(m.out()).contains("\"parent\" : \"site1\"");

            CliRun.Result params = run("targets", "params", "db1", s);
            assertThat(params.exit()).isZero();
            assertThat(params.out()).contains("\"source\" : \"profile:db\"").contains("\"source\" : \"parent:site1\"").contains("\"source\" : \"profile:global\"");
            CliRun.Result set = run("targets", "params", "db1", "--set", "port=6432", s);
            assertThat(set.out()).contains("6432").contains("\"source\" : \"target:db1\"");

            assertThat(run("targets", "list", "--label", "role=db", s).out()).contains("db1").contains("\"total\" : 1");
            assertThat(run("targets", "get", "db1", s).out()).contains("\"role\" : \"db\"");
            CliRun.Result bad = run("targets", "create", "loop", "--kind", "machine", "--parent", "nowhere", s);
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("error 400").contains("nowhere");
            assertThat(run("profiles", "delete", "db", s).exit()).isEqualTo(1);
            assertThat(run("targets", "delete", "db1", s).exit()).isZero();
            assertThat(run("profiles", "delete", "db", s).exit()).isZero();
            assertThat(run("profiles", "list", s).out()).contains("global").doesNotContain("\"db\"");
        }
    }
}
