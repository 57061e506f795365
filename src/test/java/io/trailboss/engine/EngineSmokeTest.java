package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.app.Trailboss;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
    @Test
    void runs_a_two_task_workflow_and_publishes_into_the_output() {
        try (Trailboss tb = new Trailboss(TestDatabases.h2(), Clock.systemUTC()).recover()) {
            tb.catalog().create("""
                    version: '2.0'
                    hello:
                      input:
                        - name
                      tasks:
                        greet:
                          action: std.echo output="Hello, {{ _.name }}"
                          publish:
                            greeting: "{{ task().result }}"
                          on-success: shout
                        shout:
                          action: std.echo
                          input:
                            output: "{{ _.greeting | upper }}"
                          publish:
                            loud: "{{ task('shout').result }}"
                    """);
            Execution started = tb.engine().start(StartRequest.of("hello", Map.of("name", "Ada")));
            await().atMost(Duration.ofSeconds(10)).until(() -> tb.queries().execution(started.id()).orElseThrow().state().isFinal());
            Execution done = tb.queries().execution(started.id()).orElseThrow();
            assertThat(done.state()).as(done.stateInfo()).isEqualTo(ExecutionState.SUCCESS);
            // as in Mistral, the default output is what the tasks published, not the input
            assertThat(done.output()).isEqualTo(Map.of("greeting", "Hello, Ada", "loud", "HELLO, ADA"));
        }
    }
}
