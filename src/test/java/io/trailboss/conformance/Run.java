package io.trailboss.conformance;

import static org.awaitility.Awaitility.await;

import io.trailboss.app.Trailboss;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** One started execution and the read side a case's checks and drivers need. */
record Run(Trailboss tb, String executionId) {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    Execution execution() {
        return tb.queries().execution(executionId).orElseThrow();
    }

    Execution awaitState(ExecutionState wanted) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> execution().state() == wanted || execution().state().isFinal());
        return execution();
    }

    Execution awaitFinal() {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> execution().state().isFinal());
        return execution();
    }

    List<TaskExecution> tasks() {
        return tb.queries().tasks(executionId);
    }

    List<TaskExecution> all(String name) {
        return tasks().stream().filter(t -> t.name().equals(name)).sorted(Comparator.comparingLong(TaskExecution::seq)).toList();
    }

    TaskExecution task(String name) {
        List<TaskExecution> all = all(name);
        if (all.isEmpty()) throw new AssertionError("task '" + name + "' never ran; tasks: " + tasks().stream().map(TaskExecution::name).toList());
        return all.getLast();
    }

    List<Job> jobs(String taskName) {
        return tb.queries().jobs(task(taskName).id()).stream()
                .sorted(Comparator.comparingInt(Job::attempt).thenComparingInt(Job::itemIndex)).toList();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> output() {
        return (Map<String, Object>) execution().output();
    }
}
