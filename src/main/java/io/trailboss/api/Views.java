package io.trailboss.api;

import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.model.TaskExecution;
import io.trailboss.model.Workflow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the native API. Times are ISO-8601 UTC. */
final class Views {
    private Views() {}

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    static Map<String, Object> workflow(Workflow w) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", w.id());
        v.put("name", w.name());
        v.put("description", w.description());
        v.put("tags", w.tags());
        v.put("input", w.inputSummary());
        v.put("created_at", time(w.createdAt()));
        v.put("updated_at", time(w.updatedAt()));
        return v;
    }

    static Map<String, Object> execution(Execution e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("workflow_id", e.workflowId());
        v.put("workflow_name", e.workflowName());
        v.put("state", e.state().name());
        v.put("state_info", e.stateInfo());
        v.put("description", e.description());
        v.put("input", io.trailboss.engine.SealedInputs.masked(e.input()));
        v.put("params", e.params());
        v.put("output", io.trailboss.engine.SealedInputs.masked(e.output()));
        v.put("parent_job_id", e.parentJobId());
        v.put("root_execution_id", e.rootExecutionId());
        v.put("created_at", time(e.createdAt()));
        v.put("updated_at", time(e.updatedAt()));
        v.put("finished_at", time(e.finishedAt()));
        return v;
    }

    static Map<String, Object> task(TaskExecution t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("execution_id", t.executionId());
        v.put("name", t.name());
        v.put("state", t.state().name());
        v.put("state_info", t.stateInfo());
        v.put("result", t.result());
        v.put("published", t.published() == null ? Map.of() : io.trailboss.engine.SealedInputs.masked(t.published()));
        v.put("attempt", t.attempt() + 1);
        v.put("items", Map.of("total", t.itemsTotal(), "started", t.itemsNext(), "done", t.itemsDone(), "failed", t.itemsFailed()));
        v.put("created_at", time(t.createdAt()));
        v.put("started_at", time(t.startedAt()));
        v.put("finished_at", time(t.finishedAt()));
        v.put("updated_at", time(t.updatedAt()));
        return v;
    }

    static Map<String, Object> job(Job j) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", j.id());
        v.put("execution_id", j.executionId());
        v.put("task_execution_id", j.taskExecutionId());
        v.put("action", j.action());
        v.put("input", j.input());
        v.put("state", j.state().name());
        v.put("output", j.output());
        v.put("error", j.error());
        v.put("item", j.itemIndex());
        v.put("attempt", j.attempt() + 1);
        v.put("async", j.async());
        v.put("child_execution_id", j.childExecutionId());
        v.put("runner", j.runner());
        v.put("target", j.target());
        v.put("previous_job_id", j.previousJobId());
        v.put("exit_code", j.exitCode());
        v.put("created_at", time(j.createdAt()));
        v.put("started_at", time(j.startedAt()));
        v.put("finished_at", time(j.finishedAt()));
        return v;
    }
}
