package io.trailboss.engine;

import io.trailboss.definition.WorkflowSpec;
import io.trailboss.model.ControlRecord;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskErrorKind;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.ControlLogStore;
import io.trailboss.store.ExecutionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A rerun of a finished execution, decided and applied inside the engine's transaction: which tasks
 * run again (the one named, or every task that failed without an on-error or was cancelled, and the
 * joins that could no longer be satisfied), with the input changed and vars evaluated again if asked.
 */
final class Reruns {
    private final StepTransactions steps;
    private final NewExecutions newExecutions;
    private final Definitions definitions;
    private final ExecutionStore executions;
    private final ControlLogStore controlLog;
    private final Jdbi jdbi;
    private final Clock clock;

    Reruns(StepTransactions steps, NewExecutions newExecutions, Definitions definitions, ExecutionStore executions, ControlLogStore controlLog,
            Jdbi jdbi, Clock clock) {
        this.steps = steps;
        this.newExecutions = newExecutions;
        this.definitions = definitions;
        this.executions = executions;
        this.controlLog = controlLog;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    ControlReport rerun(String executionId, Engine.RerunRequest asked, RerunCheck rerunCheck) {
        // the start's checks, before the transaction: what they read (the run, the operation's form) is not
        // locked by it, and what they look at of the execution (its run, its definition) never changes
        if (asked.input() == null && asked.env() == null) return rerunChecked(executionId, asked);
        Execution found = jdbi.withHandle(h -> executions.find(h, executionId))
                .orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
        WorkflowSpec foundSpec = jdbi.withHandle(h -> definitions.document(h, found.sourceSha())).workflow(found.workflowName());
        return rerunChecked(executionId, new Engine.RerunRequest(asked.fromTask(), rerunCheck.check(found, foundSpec, asked.input(), asked.env()),
                asked.env(), asked.dryRun(), asked.actor()));
    }

    private ControlReport rerunChecked(String executionId, Engine.RerunRequest request) {
        return steps.run(h -> {
            Effects effects = new Effects();
            Step step = steps.lock(h, executionId, effects).orElseThrow(() -> new NotFoundException("execution '" + executionId + "' does not exist"));
            List<ControlReport.TaskNote> notes = apply(h, step, effects, request);
            Execution after = step.flush();
            return new Effects.Result<>(new ControlReport(executionId, "rerun", request.dryRun(), notes, List.of(), after), effects);
        }).value();
    }

    /** What runs again, each with what happens to it; nothing changes on a dry run. */
    private List<ControlReport.TaskNote> apply(Handle h, Step step, Effects effects, Engine.RerunRequest request) {
        String executionId = step.execution().id();
        Execution ex = step.execution();
        WorkflowSpec spec = step.spec();
        if (!step.state().isFinal()) {
            throw new ConflictException("execution " + executionId + " is " + step.state() + ", not finished: rerun its tasks with the task control 'rerun'",
                    Map.of("execution_state", step.state().name()));
        }
        if (ex.parentJobId() != null) {
            throw new ConflictException("execution " + executionId + " is a sub-workflow of job " + ex.parentJobId() + ": rerun its parent execution",
                    Map.of("execution_state", step.state().name()));
        }
        Map<String, TaskExecution> rows = step.latestByName();
        List<TaskExecution> again = new ArrayList<>();
        List<TaskExecution> joins = new ArrayList<>();
        List<ControlReport.TaskNote> notes = new ArrayList<>();
        String fresh = null;
        if (request.fromTask() != null) {
            if (spec.task(request.fromTask()) == null) {
                throw new NotFoundException("workflow '" + spec.name() + "' has no task '" + request.fromTask() + "' (its tasks: " + String.join(", ", spec.tasks().keySet()) + ")");
            }
            TaskExecution row = rows.get(request.fromTask());
            if (row == null) fresh = request.fromTask();
            else again.add(row);
            notes.add(new ControlReport.TaskNote(request.fromTask(), row == null ? "PENDING" : row.state().name(), "runs again"));
        } else {
            for (TaskExecution row : rows.values()) {
                boolean unsatisfiedJoin = row.state() == ExecutionState.ERROR && row.errorKind() == TaskErrorKind.JOIN_UNSATISFIED;
                if (unsatisfiedJoin) {
                    joins.add(row);
                    notes.add(new ControlReport.TaskNote(row.name(), row.state().name(), "waits again for its arrivals"));
                } else if ((row.state() == ExecutionState.ERROR && !row.errorHandled()) || row.state() == ExecutionState.CANCELLED) {
                    again.add(row);
                    notes.add(new ControlReport.TaskNote(row.name(), row.state().name(), "runs again"));
                }
            }
            if (again.isEmpty()) {
                throw new ConflictException("execution " + executionId + " has no failed or cancelled task to rerun (name one with 'task')",
                        Map.of("tasks", rows.values().stream().map(t -> Map.of("task", t.name(), "state", t.state().name())).toList()));
            }
        }
        Map<String, Object> input = null;
        Map<String, Object> context = null;
        Map<String, Object> params = null;
        if (request.input() != null || request.env() != null) {
            Map<String, Object> merged = new LinkedHashMap<>(ex.input());
            if (request.input() != null) merged.putAll(request.input());
            input = NewExecutions.checkedInput(spec, merged);
            context = newExecutions.context(spec, input);
            params = new LinkedHashMap<>(ex.params());
            if (request.env() != null) params.put("env", request.env());
        }
        if (!request.dryRun()) {
            String actor = request.actor() == null || request.actor().isBlank() ? "anonymous" : request.actor();
            effects.controlled(executionId, "rerun", notes.stream().map(ControlReport.TaskNote::task).toList());
            step.reopen(input, context, params);
            for (TaskExecution j : joins) step.steering().forgetUnsatisfiedJoin(j);
            for (TaskExecution row : again) step.steering().rerunNow(row);
            if (fresh != null) step.steering().startFresh(fresh);
            Map<String, Object> selector = new LinkedHashMap<>();
            if (request.fromTask() != null) selector.put("task", request.fromTask());
            else selector.put("failed", true);
            if (request.input() != null) selector.put("input", request.input());
            if (request.env() != null) selector.put("env", request.env());
            controlLog.insert(h, new ControlRecord(Ids.next(), executionId, "rerun", selector,
                    notes.stream().map(ControlReport.TaskNote::task).toList(), null, actor, clock.millis()));
        }
        return notes;
    }
}
