package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.app.Trailboss;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An item whose input cannot be evaluated fails the whole workflow, as in Mistral, even when other
 * items of the task are still running then and the task ends in a later engine transaction.
 */
class WorkflowFailureAcrossStepsTest {
    @Test
    void an_item_input_that_fails_while_other_items_run_still_fails_the_whole_workflow() {
        try (Trailboss tb = new Trailboss(TestDatabases.h2(), Clock.systemUTC()).recover()) {
            tb.catalog().create("""
                    version: '2.0'
                    items:
                      tasks:
                        each:
                          with-items: x in <% [{n => 1, d => 0}, {n => 1, d => 2}, {n => 0, d => 0}] %>
                          concurrency: 2
                          action: std.echo
                          input:
                            output: <% 10 / $.x.n %>
                            delay: <% $.x.d %>
                          on-error: handled
                        handled:
                          action: std.echo output="on-error ran"
                    """);
            Execution started = tb.engine().start(StartRequest.of("items", Map.of()));
            await().atMost(Duration.ofSeconds(20)).until(() -> tb.queries().execution(started.id()).orElseThrow().state().isFinal());
            Execution done = tb.queries().execution(started.id()).orElseThrow();
            assertThat(done.state()).isEqualTo(ExecutionState.ERROR);
            assertThat(done.stateInfo()).startsWith("Failed to run task [error=").contains("task=each");
            Map<String, TaskExecution> tasks = new java.util.LinkedHashMap<>();
            for (TaskExecution t : tb.queries().tasks(started.id())) tasks.put(t.name(), t);
            assertThat(tasks).doesNotContainKey("handled");
            assertThat(tasks.get("each").state()).isEqualTo(ExecutionState.ERROR);
        }
    }
}
