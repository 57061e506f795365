package io.trailboss.engine;

import io.trailboss.expr.ExpressionException;
import io.trailboss.expr.Values;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskExecution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a workflow ends, as Mistral ends it: its output (or error output), and the message of a failure. */
final class WorkflowEnd {
    private WorkflowEnd() {}

    /** The execution's end: its state (an output that cannot be evaluated fails it), message and output. */
    record Ending(ExecutionState state, String info, Object output, String outputError) {}

    static Ending of(Step step, ExecutionState end, String info) {
        String outputError = null;
        Map<String, Object> finalContext = finalContext(step);
        Map<String, Object> visible = outputContext(step, finalContext);
        Object out;
        if (end == ExecutionState.SUCCESS) {
            try {
                out = step.spec().output() == null ? finalContext : step.context().expressions().evaluate(step.spec().output(), visible, step.scope(null));
                // Mistral returns "output or ctx": an output that evaluates to nothing gives the whole context
                if (!Values.truthy(out)) out = finalContext;
            } catch (ExpressionException e) {
                end = ExecutionState.ERROR;
                outputError = e.getMessage();
                info = "cannot evaluate output: " + e.getMessage();
                out = Map.of("result", info);
            }
        } else {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("result", info);
            if (end == ExecutionState.ERROR) {
                try {
                    // as Mistral: {"result": msg} merged with output-on-error, or with the whole final
                    // context when output-on-error is absent or evaluates to nothing
                    Object extra = step.spec().outputOnError() == null ? null : step.context().expressions().evaluate(step.spec().outputOnError(), visible, step.scope(null));
                    if (!Values.truthy(extra)) extra = finalContext;
                    if (extra instanceof Map<?, ?> m) m.forEach((k, v) -> err.put(String.valueOf(k), v));
                } catch (ExpressionException e) {
                    err.put("result", info + "; cannot evaluate output-on-error: " + e.getMessage());
                }
            }
            out = err;
        }
        return new Ending(end, info, out, outputError);
    }

    /**
     * The final context, as Mistral has it: the vars merged with the outbound contexts of the tasks that took no
     * transition. The input lies beneath the data context rather than in it, so it is not part of this.
     */
    static Map<String, Object> finalContext(Step step) {
        Map<String, Object> finalContext = new LinkedHashMap<>();
        for (String name : step.spec().vars().keySet()) {
            if (step.execution().context().containsKey(name)) finalContext.put(name, step.execution().context().get(name));
        }
        for (TaskExecution leaf : step.tasks().leaves(step.handle(), step.execution().id())) {
            finalContext = Maps.deepMerge(finalContext, Maps.deepMerge(leaf.inContext(), leaf.published() == null ? Map.of() : leaf.published()));
        }
        return finalContext;
    }

    /** What the workflow's 'output' expressions see: the input and vars, then the final context. */
    static Map<String, Object> outputContext(Step step, Map<String, Object> finalContext) {
        return Maps.deepMerge(step.execution().context(), finalContext);
    }

    /**
     * Why the workflow failed, in Mistral's words and layout (scripts read its head line): the unhandled failed
     * tasks by name, then each with its error and the errors of its failed jobs (actions or sub-workflows).
     */
    static String failureMessage(Step step) {
        Map<String, TaskExecution> failed = new java.util.TreeMap<>();
        for (TaskExecution t : step.tasks().inState(step.handle(), step.execution().id(), ExecutionState.ERROR)) {
            if (!t.errorHandled()) failed.putIfAbsent(t.name(), t);
        }
        StringBuilder m = new StringBuilder("Failure caused by error in tasks: ").append(String.join(", ", failed.keySet())).append('\n');
        for (TaskExecution t : failed.values()) {
            m.append("\n  ").append(t.name()).append(" [task_ex_id=").append(t.id()).append("] -> ").append(t.stateInfo()).append('\n');
            List<Job> jobs = step.context().jobs().byTask(step.handle(), t.id());
            for (int i = 0; i < jobs.size(); i++) {
                Job j = jobs.get(i);
                if (j.state() != JobState.FAILED && j.state() != JobState.LOST) continue;
                Object why = j.output() != null ? j.output() : j.error() != null ? j.error() : "Unknown";
                m.append(j.childExecutionId() != null ? "    [wf_ex_id=" + j.childExecutionId() : "    [action_ex_id=" + j.id())
                        .append(", idx=").append(i).append("]: ").append(io.trailboss.expr.Expressions.pythonText(why)).append('\n');
            }
        }
        return m.toString();
    }
}
