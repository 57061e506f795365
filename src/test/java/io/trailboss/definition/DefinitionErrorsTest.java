package io.trailboss.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailboss.app.Trailboss;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Bad documents are refused with a message that names the problem and where it is. */
class DefinitionErrorsTest {
    private static DefinitionException.Problem onlyProblem(String yaml) {
        try {
            DefinitionParser.parse(yaml);
        } catch (DefinitionException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().getFirst();
        }
        throw new AssertionError("the document was accepted");
    }

    @Test
    void an_unknown_task_key_is_rejected_at_its_line_and_column() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      action: std.noop
                      on-sucess: t2
                    t2: {}
                """);
        assertThat(p.message()).contains("unknown key 'on-sucess'");
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.column()).isEqualTo(7);
    }

    @Test
    void an_unknown_workflow_key_is_rejected() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  inputs:
                    - a
                  tasks:
                    t1: {}
                """);
        assertThat(p.message()).contains("unknown key 'inputs'");
        assertThat(p.line()).isEqualTo(3);
    }

    @Test
    void a_transition_to_an_unknown_task_is_rejected() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      on-success: nowhere
                """);
        assertThat(p.message()).contains("transition to unknown task 'nowhere'");
        assertThat(p.line()).isEqualTo(5);
    }

    @Test
    void yaql_that_does_not_parse_is_reported_with_its_line_and_the_position_inside_the_value() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      action: std.echo output=<% $.x %>
                      publish:
                        y: <% $.x.where( %>
                """);
        assertThat(p.message()).startsWith("not YAQL at position ").contains("'<% $.x.where( %>'");
        assertThat(p.line()).isEqualTo(7);
    }

    @Test
    void a_value_mixing_jinja_and_yaql_is_refused_and_descriptions_are_text() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  description: text with <% not yaql ( %> in it
                  tasks:
                    t1:
                      action: std.echo output="{{ _.x }} and <% $.x %>"
                """);
        assertThat(p.message()).contains("mixes Jinja and YAQL");
        assertThat(p.line()).isEqualTo(6);
    }

    @Test
    void malformed_yaml_is_reported_with_line_and_column() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      action: "std.noop
                    t2: {}
                """);
        assertThat(p.message()).startsWith("malformed YAML");
        assertThat(p.line()).isGreaterThanOrEqualTo(5);
        assertThat(p.column()).isPositive();
    }

    @Test
    void a_value_that_does_not_fit_its_yaml_tag_is_a_problem_at_its_place() {
        for (String value : java.util.List.of("!!int abc", "!!float x", "!!timestamp nope", "!!binary '@@@'", "!!merge x")) {
            DefinitionException.Problem p = onlyProblem("""
                    version: '2.0'
                    wf:
                      description: %s
                      tasks:
                        t1:
                          action: std.noop
                    """.formatted(value));
            assertThat(p.message()).as(value).startsWith("malformed YAML").contains("cannot be read");
            assertThat(p.line()).as(value).isEqualTo(3);
            assertThat(p.path()).as(value).isEqualTo("wf.description");
        }
        DefinitionException.Problem merge = onlyProblem("""
                version: '2.0'
                base: &b {action: std.noop}
                wf:
                  tasks:
                    t1:
                      <<: *b
                """);
        assertThat(merge.message()).contains("tag:yaml.org,2002:merge");
        assertThat(merge.line()).isEqualTo(6);
    }

    @Test
    void a_bad_indentation_is_reported_at_the_offending_line() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      action: std.noop
                     publish: {}
                """);
        assertThat(p.message()).startsWith("malformed YAML");
        assertThat(p.line()).isEqualTo(6);
    }

    @Test
    void an_unsupported_version_is_rejected() {
        DefinitionException.Problem p = onlyProblem("""
                version: '1.0'
                wf:
                  tasks:
                    t1: {}
                """);
        assertThat(p.message()).contains("unsupported version");
    }

    @Test
    void a_bad_join_value_is_rejected() {
        DefinitionException.Problem p = onlyProblem("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      on-success: t2
                    t2:
                      join: some
                """);
        assertThat(p.message()).contains("join must be 'all', 'one' or a positive number");
    }

    @Test
    void every_problem_is_reported_at_once() {
        assertThatThrownBy(() -> DefinitionParser.parse("""
                version: '2.0'
                wf:
                  tasks:
                    t1:
                      colour: red
                      on-success: missing
                """)).isInstanceOfSatisfying(DefinitionException.class, e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void the_catalog_rejects_an_unknown_action_and_an_unknown_action_input() {
        try (Trailboss tb = new Trailboss(TestDatabases.h2(), Clock.systemUTC())) {
            assertThatThrownBy(() -> tb.catalog().validate("""
                    version: '2.0'
                    wf:
                      tasks:
                        t1:
                          action: std.nothing
                        t2:
                          action: std.echo colour=red
                    """)).isInstanceOf(DefinitionException.class)
                    .hasMessageContaining("unknown action 'std.nothing'")
                    .hasMessageContaining("action 'std.echo' has no input 'colour'");
        }
    }
}
