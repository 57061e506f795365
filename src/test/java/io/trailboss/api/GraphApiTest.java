package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Graph export over real HTTP: a stored workflow and a live execution as DOT and Mermaid. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphApiTest {
    private static final String FLOW = """
            version: '2.0'
            graph-flow:
              tasks:
                check.disk:
                  action: std.noop
                  on-success: wait-here
                  on-error:
                    - fail
                wait-here:
                  action: std.async_noop
                  on-complete: report
                report:
                  action: std.noop
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", FLOW).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void serves_a_workflow_as_dot_by_default_and_as_mermaid() {
        var dot = server.get("/api/v1/workflows/graph-flow/graph");
        assertThat(dot.status()).isEqualTo(200);
        assertThat(dot.contentType()).startsWith("text/vnd.graphviz");
        assertThat(dot.body()).startsWith("digraph \"graph-flow\" {\n")
                .contains("  t_check_disk [label=\"check.disk\"];\n")
                .contains("  t_check_disk -> t_wait_here [label=\"success\", color=\"#2e7d32\"")
                .contains("  t_check_disk -> cmd_fail [label=\"error\", color=\"#c62828\"")
                .contains("  t_wait_here -> t_report [label=\"complete\", color=\"#1565c0\"")
                .endsWith("}\n");
        assertThat(server.get("/api/v1/workflows/graph-flow/graph?format=dot").body()).isEqualTo(dot.body());

        var mermaid = server.get("/api/v1/workflows/graph-flow/graph?format=mermaid");
        assertThat(mermaid.status()).isEqualTo(200);
        assertThat(mermaid.contentType()).startsWith("text/plain");
        assertThat(mermaid.body()).contains("flowchart TD\n")
                .contains("  t_check_disk -->|success| t_wait_here\n")
                .contains("  t_check_disk -.->|error| cmd_fail\n")
                .contains("  t_wait_here ==>|complete| t_report\n");
    }

    @Test
    void serves_a_live_execution_with_the_state_of_each_task() {
        String id = (String) server.postJson("/api/v1/executions", Map.of("workflow", "graph-flow")).map().get("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/api/v1/executions/" + id + "/graph").body().contains("wait-here\\nRUNNING"));
        var dot = server.get("/api/v1/executions/" + id + "/graph?format=dot");
        assertThat(dot.contentType()).startsWith("text/vnd.graphviz");
        assertThat(dot.body()).startsWith("digraph \"graph-flow · " + id + " · RUNNING\" {\n")
                .contains("  t_check_disk [label=\"check.disk\\nSUCCESS\", fillcolor=\"#c8e6c9\", class=\"success\"];\n")
                .contains("  t_wait_here [label=\"wait-here\\nRUNNING\", fillcolor=\"#bbdefb\", class=\"running\"];\n")
                .contains("  t_report [label=\"report\"];\n");
        var mermaid = server.get("/api/v1/executions/" + id + "/graph?format=mermaid");
        assertThat(mermaid.body()).contains("  t_wait_here[\"wait-here<br/>RUNNING\"]\n")
                .contains("  class t_check_disk success\n")
                .contains("  class t_wait_here running\n");
    }

    @Test
    void refuses_an_unknown_format_and_answers_404_for_unknown_workflows_and_executions() {
        var bad = server.get("/api/v1/workflows/graph-flow/graph?format=svg");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.map()).containsEntry("field", "format");
        assertThat((String) bad.map().get("detail")).contains("svg").contains("dot or mermaid");
        assertThat(server.get("/api/v1/executions/whatever/graph?format=png").status()).isEqualTo(400);
        var noWorkflow = server.get("/api/v1/workflows/nope/graph");
        assertThat(noWorkflow.status()).isEqualTo(404);
        assertThat(noWorkflow.map().get("detail")).isEqualTo("workflow 'nope' does not exist");
        var noExecution = server.get("/api/v1/executions/nope/graph?format=mermaid");
        assertThat(noExecution.status()).isEqualTo(404);
        assertThat(noExecution.map().get("detail")).isEqualTo("execution 'nope' does not exist");
    }
}
