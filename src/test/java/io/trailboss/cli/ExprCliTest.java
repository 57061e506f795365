package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailboss expr} against a real server over HTTP: over data, over a task of a finished execution, and its failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExprCliTest {
    private TestServer server;
    private String s;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        s = "--server=" + server.base;
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void prints_the_result_of_an_expression_over_data_as_json() {
        CliRun.Result yaql = run("expr", s, "$.hosts.where($.up).select($.name)", "--data", "{\"hosts\": [{\"name\": \"a\", \"up\": true}, {\"name\": \"b\", \"up\": false}]}");
        assertThat(yaql.exit()).as(yaql.err()).isZero();
        assertThat(yaql.out()).isEqualTo("[ \"a\" ]\n");
        assertThat(run("expr", s, "<% $.a + 1 %>", "--data", "{\"a\": 1}").out()).isEqualTo("2\n");
        assertThat(run("expr", s, "{ a => $.a }", "--data", "{\"a\": [1, 2]}").out()).isEqualTo("{\n  \"a\" : [ 1, 2 ]\n}\n");
        assertThat(run("expr", s, "range(3).sum()").out()).isEqualTo("3\n");
    }

    @Test
    void the_language_is_jinja_when_the_expression_has_double_braces_unless_told(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data.json");
        Files.writeString(data, "{\"name\": \"ada\"}");
        assertThat(run("expr", s, "{{ _.name | upper }}!", "--data", "@" + data).out()).isEqualTo("\"ADA!\"\n");
        assertThat(run("expr", s, "_.name", "--language", "jinja", "--data", "@" + data).out()).isEqualTo("\"ada\"\n");
        assertThat(run("expr", s, "$.name", "--data", "@" + data).out()).isEqualTo("\"ada\"\n");
        CliRun.Result help = run("expr", "--help");
        assertThat(help.err()).isEmpty();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("yaql when the expression is wrapped in <% %> or has no {{, else jinja")
                .contains("trailboss expr '<% task().result %>' --execution ID --task greet");
    }

    @Test
    void evaluates_over_a_task_of_an_execution_as_the_engine_did() {
        assertThat(run("workflows", "create", s, "docs/examples/hello-yaql.yaml").exit()).isZero();
        CliRun.Result started = run("executions", "start", s, "hello_yaql", "--input", "name=Ada");
        String id = started.out().replaceAll("(?s).*\"id\" : \"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(20)).until(() -> run("executions", "get", s, id).out().contains("\"state\" : \"SUCCESS\""));
        CliRun.Result greeting = run("expr", s, "<% [$.greeting, task().result] %>", "--execution", id, "--task", "greet");
        assertThat(greeting.exit()).as(greeting.err()).isZero();
        assertThat(greeting.out()).isEqualTo("[ \"Hello, Ada\", \"Hello, Ada\" ]\n");
        assertThat(run("expr", s, "{{ _.waves | length }} waves", "--execution", id).out()).isEqualTo("\"2 waves\"\n");
        assertThat(run("expr", s, "tasks().select($.name)", "--execution", id, "--task", "wave").out()).isEqualTo("[ \"greet\", \"wave\" ]\n");
    }

    @Test
    void a_failing_expression_or_a_refusal_prints_the_detail_and_exits_1() {
        CliRun.Result failed = run("expr", s, "$.n + 'x'", "--data", "{\"n\": 1}");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err()).contains("error 422").contains("operator +");
        CliRun.Result syntax = run("expr", s, "<% $.x + %>", "--data", "{}");
        assertThat(syntax.exit()).isEqualTo(1);
        assertThat(syntax.err()).contains("error 400").contains("not YAQL at position");
        CliRun.Result missing = run("expr", s, "$", "--execution", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("error 404").contains("execution 'nope' does not exist");
    }

    @Test
    void bad_usage_exits_2_saying_what_is_wrong() {
        CliRun.Result both = run("expr", s, "$", "--data", "{}", "--execution", "x");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("either --data or --execution");
        assertThat(run("expr", s, "$", "--task", "t").err()).contains("give --execution with it");
        CliRun.Result notJson = run("expr", s, "$", "--data", "{a: 1");
        assertThat(notJson.exit()).isEqualTo(2);
        assertThat(notJson.err()).contains("--data is not JSON");
        assertThat(run("expr", s, "$", "--data", "@/no/such/file.json").err()).contains("cannot read --data file");
        assertThat(run("expr", s, "1", "--language", "python").exit()).isEqualTo(2);
        assertThat(run("expr", s).exit()).isEqualTo(2);
    }
}
