package io.trailboss.engine;

import io.trailboss.action.ActionResult;
import io.trailboss.definition.InputParam;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.WorkflowType;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.expr.ExpressionException;
import io.trailboss.expr.Expressions;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Creates executions inside the caller's transaction: a workflow's input checked against what it
 * declares, its vars evaluated, the row inserted and the first tasks started; the same for a
 * sub-workflow, inside its parent's transaction.
 */
final class NewExecutions {
    private final Definitions definitions;
    private final Expressions expressions;
    private final Clock clock;

    NewExecutions(Definitions definitions, Expressions expressions, Clock clock) {
        this.definitions = definitions;
        this.expressions = expressions;
        this.clock = clock;
    }

    /** Creates and starts an execution of {@code request}'s workflow. */
    Execution start(StepContext ctx, Handle h, StartRequest request, Effects effects) {
        Definitions.Resolved wf = definitions.resolve(h, request.workflow(), null, null, null)
                .orElseThrow(() -> new NotFoundException("workflow '" + request.workflow() + "' does not exist"));
        Execution ex = insert(ctx, h, wf, request.input(), request.env(), request.description(), request.targetTask(), null, null, Ids.next(),
                request.bound());
        Step step = new Step(ctx, h, ex, wf.document(), wf.spec(), ex.createdAt(), effects);
        step.newExecution();
        step.start(request.targetTask());
        Execution result = step.flush();
        effects.executionChanged(result);
        return result;
    }

    /** Starts a sub-workflow for {@code job}; if it cannot start, the job fails once the transaction has committed. */
    void startChild(StepContext ctx, Handle h, Job job, TaskSpec ts, WorkflowDocument doc, String sha, Execution parent, Effects effects) {
        String name = ts.workflow().name();
        try {
            Definitions.Resolved wf = definitions.resolve(h, name, doc, sha, parent.workflowName())
                    .orElseThrow(() -> new InvalidInputException("workflow", "workflow '" + name + "' does not exist"));
            // a sub-workflow runs on its parent's target too, but belongs to no run of its own
            Map<String, Object> bound = new LinkedHashMap<>();
            if (parent.bound().get("target") != null) bound.put("target", parent.bound().get("target"));
            if (parent.targetId() != null) bound.put("target_id", parent.targetId());
            Execution child = insert(ctx, h, wf, job.input(), parent.env(), null, null, job, parent, job.childExecutionId(), bound);
            Step step = new Step(ctx, h, child, wf.document(), wf.spec(), child.createdAt(), effects);
            step.newExecution();
            step.start(null);
            effects.executionChanged(step.flush());
        } catch (InvalidInputException e) {
            ctx.jobs().unlinkChild(h, job.id());
            effects.failJob(new JobOutcome(job.id(), job.executionId(), new ActionResult.Failure(e.getMessage(), null), clock.millis(), "engine"));
        }
    }

    private Execution insert(StepContext ctx, Handle h, Definitions.Resolved wf, Map<String, Object> input, Map<String, Object> env,
            String description, String targetTask, Job parentJob, Execution parent, String id, Map<String, Object> bound) {
        WorkflowSpec spec = wf.spec();
        Map<String, Object> fullInput = checkedInput(spec, input);
        if (spec.type() == WorkflowType.REVERSE && targetTask != null && spec.task(targetTask) == null) {
            throw new InvalidInputException("task_name", "workflow '" + spec.name() + "' has no task '" + targetTask + "'");
        }
        if (spec.type() == WorkflowType.DIRECT && targetTask != null) {
            throw new InvalidInputException("task_name", "a task to reach is only for reverse workflows");
        }
        Map<String, Object> context = context(spec, fullInput);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("env", env == null ? Map.of() : env);
        if (targetTask != null) params.put("task_name", targetTask);
        if (bound != null && !bound.isEmpty()) params.put("bound", bound);
        long now = clock.millis();
        Execution ex = new Execution(id, wf.row() == null ? null : wf.row().id(), wf.name(), wf.sha(), ExecutionState.RUNNING, null,
                fullInput, params, context, null, description, parentJob == null ? null : parentJob.id(),
                parent == null ? id : parent.rootExecutionId(), 0, 0, 0, now, now, null, false,
                bound == null || !(bound.get("target_id") instanceof String targetId) ? null : targetId);
        ctx.executions().insert(h, ex);
        return ex;
    }

    /** An execution's context: its input with the workflow's vars evaluated over it. */
    Map<String, Object> context(WorkflowSpec spec, Map<String, Object> input) {
        Map<String, Object> context = new LinkedHashMap<>(input);
        try {
            Object vars = expressions.evaluate(spec.vars(), input, EvaluationScope.NONE);
            if (vars instanceof Map<?, ?> m) m.forEach((k, v) -> context.put(String.valueOf(k), v));
        } catch (ExpressionException e) {
            throw new InvalidInputException("vars", "cannot evaluate vars: " + e.getMessage());
        }
        return context;
    }

    /** The input with defaults filled in; a missing required or an undeclared input is refused, naming it. */
    static Map<String, Object> checkedInput(WorkflowSpec spec, Map<String, Object> input) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> declared = new ArrayList<>();
        for (InputParam p : spec.input()) {
            declared.add(p.name());
            if (input.containsKey(p.name())) out.put(p.name(), input.get(p.name()));
            else if (p.required()) throw new InvalidInputException(p.name(), "workflow '" + spec.name() + "' requires input '" + p.name() + "'");
            else out.put(p.name(), p.defaultValue());
        }
        for (String key : input.keySet()) {
            if (!declared.contains(key)) {
                throw new InvalidInputException(key, "workflow '" + spec.name() + "' has no input '" + key + "'"
                        + (declared.isEmpty() ? " (it takes none)" : " (it takes: " + String.join(", ", declared) + ")"));
            }
        }
        return out;
    }
}
