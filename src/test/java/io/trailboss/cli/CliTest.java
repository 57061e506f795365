package io.trailboss.cli;

import static io.trailboss.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void run_prints_task_states_then_the_output_of_the_readme_example_and_exits_zero() {
        CliRun.Result r = run("run", "docs/examples/hello.yaml", "--input", "name=Ada");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("greet").contains("wave").contains("SUCCESS")
                .contains("\"greeting\" : \"Hello, Ada\"")
                .contains("Hello, Ada waves at Grace").contains("Hello, Ada waves at Linus");
    }

    @Test
    void the_readme_example_written_in_yaql_gives_the_same_output() {
        CliRun.Result r = run("run", "docs/examples/hello-yaql.yaml", "--input", "name=Ada");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"greeting\" : \"Hello, Ada\"")
                .contains("Hello, Ada waves at Grace").contains("Hello, Ada waves at Linus")
                .contains("\"shouted\" : \"HELLO, ADA WAVES AT GRACE\"");
    }

    @Test
    void run_exits_non_zero_when_the_workflow_fails() throws Exception {
        Path f = Files.createTempFile("fail", ".yaml");
        Files.writeString(f, """
                version: '2.0'
                boom:
                  tasks:
                    a:
                      action: std.fail error_data="disk full"
                """);
        CliRun.Result r = run("run", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("ERROR").contains("disk full");
    }

    @Test
    void run_takes_input_from_a_json_file_and_refuses_unknown_input() throws Exception {
        Path input = Files.createTempFile("input", ".json");
        Files.writeString(input, "{\"name\": \"Grace\", \"friends\": []}");
        CliRun.Result ok = run("run", "docs/examples/hello.yaml", "--input", "@" + input);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("Hello, Grace");
        CliRun.Result bad = run("run", "docs/examples/hello.yaml", "--input", "name=Ada", "--input", "colour=blue");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("has no input 'colour'");
    }

    @Test
    void validate_reports_problems_with_line_and_column() throws Exception {
        Path f = Files.createTempFile("bad", ".yaml");
        Files.writeString(f, """
                version: '2.0'
                wf:
                  tasks:
                    a:
                      action: std.nothing
                      on-success: b
                """);
        CliRun.Result r = run("validate", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 6, column 19").contains("unknown task 'b'");
        Files.writeString(f, """
                version: '2.0'
                wf:
                  tasks:
                    a:
                      action: std.nothing
                """);
        CliRun.Result unknownAction = run("validate", f.toString());
        assertThat(unknownAction.exit()).isEqualTo(1);
        assertThat(unknownAction.err()).contains("line 5, column 7").contains("unknown action 'std.nothing'");
        assertThat(run("validate", "docs/examples/hello.yaml").exit()).isZero();
        assertThat(run("validate", "docs/examples/hello-yaql.yaml").exit()).isZero();
    }

    @Test
    void validate_points_at_yaql_that_does_not_parse_by_line_and_position_inside_the_value() throws Exception {
        Path f = Files.createTempFile("bad-yaql", ".yaml");
        Files.writeString(f, """
                version: '2.0'
                wf:
                  tasks:
                    a:
                      action: std.echo output=<% $.x %>
                      publish:
                        y: <% $.hosts.where($.up).select( %>
                """);
        CliRun.Result r = run("validate", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 7").contains("not YAQL at position ").contains("<% $.hosts.where($.up).select( %>");
    }

    @Test
    void bench_says_the_benchmarks_run_from_a_source_checkout_and_how() {
        CliRun.Result r = run("bench", "--quick", "--db", "h2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("The benchmarks are not part of the server jar")
                .contains("bin/trailboss bench [OPTIONS]").contains("mvn -B -q -Pbench test -Dbench.args=\"OPTIONS\"")
                .contains("docs/benchmarks.md").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).doesNotContain("chain of");
    }
}
