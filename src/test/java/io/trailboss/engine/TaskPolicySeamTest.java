package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.action.ActionRegistry;
import io.trailboss.definition.TaskSpec;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new task policy is one class: given to the engine, it takes part in every task it applies to. */
class TaskPolicySeamTest {
    /** A toy policy: a task tagged {@code must-say-something} fails when its attempt succeeded with an empty result. */
    static final class MustSaySomething implements TaskPolicy {
        @Override
        public boolean appliesTo(TaskSpec task) {
            return task.tags().contains("must-say-something");
        }

        @Override
        public Verdict afterAttempt(TaskRun run, Verdict verdict) {
            boolean empty = verdict.result() == null || String.valueOf(verdict.result()).isBlank();
            return verdict.success() && empty ? verdict.failed("said nothing") : verdict;
        }
    }

    private static final String WORKFLOW = """
            version: '2.0'
            quiet:
              input:
                - words
              tasks:
                speak:
                  action: std.echo output="{{ _.words }}"
                  tags: [must-say-something]
                  on-error: apologise
                apologise:
                  action: std.echo output="sorry"
                echo-anyway:
                  action: std.echo output=""
            """;

    @Test
    void a_policy_added_in_one_class_fails_the_task_it_applies_to_and_leaves_others_alone() {
        Database db = TestDatabases.h2();
        ActionRegistry actions = ActionRegistry.standard();
        try (Engine engine = new Engine(db, Clock.systemUTC(), actions, TaskPolicies.standard().with(new MustSaySomething()))) {
            LocalRunner runner = new LocalRunner(engine, actions, Clock.systemUTC(), 8, engine.localRunnerName());
            engine.setRunner(runner);
            new WorkflowCatalog(engine).create(WORKFLOW);

            Execution silent = finished(engine, engine.start(StartRequest.of("quiet", Map.of("words", ""))));
            Map<String, TaskExecution> tasks = tasksOf(engine, silent);
            assertThat(tasks.get("speak").state()).isEqualTo(ExecutionState.ERROR);
            assertThat(tasks.get("speak").stateInfo()).isEqualTo("said nothing");
            assertThat(tasks.get("apologise").state()).as("its on-error is followed as for any failure").isEqualTo(ExecutionState.SUCCESS);
            assertThat(tasks.get("echo-anyway").state()).as("untagged: the policy does not apply").isEqualTo(ExecutionState.SUCCESS);

            Execution talkative = finished(engine, engine.start(StartRequest.of("quiet", Map.of("words", "hello"))));
            assertThat(tasksOf(engine, talkative).get("speak").state()).isEqualTo(ExecutionState.SUCCESS);
            assertThat(tasksOf(engine, talkative)).doesNotContainKey("apologise");
            runner.close();
        }
    }

    @Test
    void without_the_policy_the_same_workflow_succeeds_everywhere() {
        Database db = TestDatabases.h2();
        ActionRegistry actions = ActionRegistry.standard();
        try (Engine engine = new Engine(db, Clock.systemUTC(), actions)) {
            LocalRunner runner = new LocalRunner(engine, actions, Clock.systemUTC(), 8, engine.localRunnerName());
            engine.setRunner(runner);
            new WorkflowCatalog(engine).create(WORKFLOW);
            Execution silent = finished(engine, engine.start(StartRequest.of("quiet", Map.of("words", ""))));
            assertThat(tasksOf(engine, silent).get("speak").state()).isEqualTo(ExecutionState.SUCCESS);
            assertThat(tasksOf(engine, silent)).doesNotContainKey("apologise");
            runner.close();
        }
    }

    private static Execution finished(Engine engine, Execution started) {
        Queries queries = new Queries(engine);
        await().atMost(Duration.ofSeconds(20)).until(() -> queries.execution(started.id()).orElseThrow().state().isFinal());
        return queries.execution(started.id()).orElseThrow();
    }

    private static Map<String, TaskExecution> tasksOf(Engine engine, Execution e) {
        Map<String, TaskExecution> out = new java.util.LinkedHashMap<>();
        for (TaskExecution t : new Queries(engine).tasks(e.id())) out.put(t.name(), t);
        return out;
    }
}
