package io.trailboss.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.definition.DefinitionParser;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.model.ExecutionState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowGraphTest {
    private static final String DEPLOY = """
            version: '2.0'
            deploy:
              tasks:
                build-app:
                  action: std.noop
                  on-success:
                    - test.unit
                    - test_unit
                  on-error:
                    - fail msg="build broke"
                test.unit:
                  action: std.noop
                  on-success: ship
                  on-complete:
                    - notify: '{{ _.loud }}'
                test_unit:
                  action: std.noop
                  on-success: ship
                ship:
                  join: all
                  action: std.noop
                  on-error:
                    - pause
                notify:
                  action: std.noop
            """;

    private static WorkflowSpec spec(String yaml, String name) {
        return DefinitionParser.parse(yaml).workflows().get(name);
    }

    @Test
    void draws_a_workflow_as_dot_with_safe_unique_ids_edge_kinds_commands_and_joins() {
        assertThat(WorkflowGraph.render(spec(DEPLOY, "deploy"), WorkflowGraph.Format.DOT)).isEqualTo("""
                digraph "deploy" {
                  graph [label="deploy", labelloc=t, fontname="Helvetica"];
                  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];
                  edge [fontname="Helvetica", fontsize=10];
                  t_build_app [label="build-app"];
                  t_test_unit [label="test.unit"];
                  t_test_unit_2 [label="test_unit"];
                  t_ship [label="ship\\njoin: all", peripheries=2];
                  t_notify [label="notify"];
                  cmd_fail [label="fail", shape=octagon, style=filled, fillcolor="#ffcdd2"];
                  cmd_pause [label="pause", shape=circle, style=filled, fillcolor="#fff9c4"];
                  t_build_app -> t_test_unit [label="success", color="#2e7d32", fontcolor="#2e7d32"];
                  t_build_app -> t_test_unit_2 [label="success", color="#2e7d32", fontcolor="#2e7d32"];
                  t_build_app -> cmd_fail [label="error", color="#c62828", fontcolor="#c62828", style=dashed];
                  t_test_unit -> t_ship [label="success", color="#2e7d32", fontcolor="#2e7d32"];
                  t_test_unit -> t_notify [label="complete if {{ _.loud }}", color="#1565c0", fontcolor="#1565c0", style=bold];
                  t_test_unit_2 -> t_ship [label="success", color="#2e7d32", fontcolor="#2e7d32"];
                  t_ship -> cmd_pause [label="error", color="#c62828", fontcolor="#c62828", style=dashed];
                }
                """);
    }

    @Test
    void draws_a_workflow_as_mermaid_with_labelled_edges_of_each_kind() {
        assertThat(WorkflowGraph.render(spec(DEPLOY, "deploy"), WorkflowGraph.Format.MERMAID)).isEqualTo("""
                ---
                title: "deploy"
                ---
                flowchart TD
                  t_build_app["build-app"]
                  t_test_unit["test.unit"]
                  t_test_unit_2["test_unit"]
                  t_ship{{"ship<br/>join: all"}}
                  t_notify["notify"]
                  cmd_fail(("fail"))
                  cmd_pause(("pause"))
                  t_build_app -->|success| t_test_unit
                  t_build_app -->|success| t_test_unit_2
                  t_build_app -.->|error| cmd_fail
                  t_test_unit -->|success| t_ship
                  t_test_unit ==>|"complete if {{ _.loud }}"| t_notify
                  t_test_unit_2 -->|success| t_ship
                  t_ship -.->|error| cmd_pause
                  linkStyle 0,1,3,5 stroke:#2e7d32,color:#2e7d32
                  linkStyle 2,6 stroke:#c62828,color:#c62828
                  linkStyle 4 stroke:#1565c0,color:#1565c0
                  classDef cmd_fail fill:#ffcdd2
                  class cmd_fail cmd_fail
                  classDef cmd_pause fill:#fff9c4
                  class cmd_pause cmd_pause
                """);
    }

    @Test
    void colours_each_task_by_its_latest_state_in_an_execution() {
        Map<String, ExecutionState> states = Map.of("build-app", ExecutionState.SUCCESS, "test.unit", ExecutionState.ERROR, "test_unit", ExecutionState.RUNNING);
        String dot = WorkflowGraph.render(spec(DEPLOY, "deploy"), WorkflowGraph.Format.DOT, states, "deploy · 42 · RUNNING");
        assertThat(dot).startsWith("digraph \"deploy · 42 · RUNNING\" {\n")
                .contains("  t_build_app [label=\"build-app\\nSUCCESS\", fillcolor=\"#c8e6c9\", class=\"success\"];\n")
                .contains("  t_test_unit [label=\"test.unit\\nERROR\", fillcolor=\"#ffcdd2\", class=\"error\"];\n")
                .contains("  t_test_unit_2 [label=\"test_unit\\nRUNNING\", fillcolor=\"#bbdefb\", class=\"running\"];\n")
                .contains("  t_ship [label=\"ship\\njoin: all\", peripheries=2];\n");
        String mermaid = WorkflowGraph.render(spec(DEPLOY, "deploy"), WorkflowGraph.Format.MERMAID, states, null);
        assertThat(mermaid)
                .contains("  t_build_app[\"build-app<br/>SUCCESS\"]\n")
                .contains("  classDef success fill:#c8e6c9\n  class t_build_app success\n")
                .contains("  classDef error fill:#ffcdd2\n  class t_test_unit error\n")
                .contains("  classDef running fill:#bbdefb\n  class t_test_unit_2 running\n")
                .doesNotContain("class t_ship");
    }

    @Test
    void draws_a_reverse_workflow_from_what_each_task_requires() {
        WorkflowSpec reverse = spec("""
                version: '2.0'
                site:
                  type: reverse
                  tasks:
                    db:
                      action: std.noop
                    app:
                      action: std.noop
                      requires: [db]
                    web:
                      action: std.noop
                      requires: [app, db]
                """, "site");
        assertThat(WorkflowGraph.render(reverse, WorkflowGraph.Format.MERMAID)).contains("""
                  t_db -->|required by| t_app
                  t_app -->|required by| t_web
                  t_db -->|required by| t_web
                  linkStyle 0,1,2 stroke:#616161,color:#616161
                """);
        assertThat(WorkflowGraph.render(reverse, WorkflowGraph.Format.DOT))
                .contains("  t_db -> t_app [label=\"required by\", color=\"#616161\", fontcolor=\"#616161\", style=dotted];\n");
    }

    @Test
    void escapes_quotes_backslashes_and_markup_in_labels() {
        assertThat(WorkflowGraph.dotString("say \"hi\" \\ now\nplease")).isEqualTo("\"say \\\"hi\\\" \\\\ now\\nplease\"");
        assertThat(WorkflowGraph.mermaidText("a \"b\" <c> | #d")).isEqualTo("a #quot;b#quot; #lt;c#gt; #124; #35;d");
        WorkflowSpec odd = spec("""
                version: '2.0'
                odd:
                  tasks:
                    a:
                      action: std.noop
                      on-success:
                        - b: '{{ _.x == "y" }}'
                    b:
                      action: std.noop
                """, "odd");
        assertThat(WorkflowGraph.render(odd, WorkflowGraph.Format.DOT)).contains("t_a -> t_b [label=\"success if {{ _.x == \\\"y\\\" }}\"");
        assertThat(WorkflowGraph.render(odd, WorkflowGraph.Format.MERMAID)).contains("t_a -->|\"success if {{ _.x == #quot;y#quot; }}\"| t_b");
    }
}
