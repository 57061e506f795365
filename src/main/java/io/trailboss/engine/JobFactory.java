package io.trailboss.engine;

import io.trailboss.definition.ActionCall;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.WithItem;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.expr.ExpressionException;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskExecution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the jobs of a task's attempt within one step: the items of with-items, the targets a
 * task runs on, each job's input evaluated (sealed inputs opened for it alone, ad-hoc actions
 * resolved to their base action, target selectors to targets), and the secrets each job may see.
 */
final class JobFactory {
    private static final int MAX_ITEMS = 100_000;

    private final Step step;
    private final StepContext context;
    private final WorkflowDocument doc;
    private final long now;
    /** The secret values each job built here may see (its target's, its hosts'): their inputs are stored sealed. */
    private final Map<String, List<String>> jobSecrets = new HashMap<>();
    private AdHocActions adHoc;

    JobFactory(Step step, StepContext context, WorkflowDocument doc, long now) {
        this.step = step;
        this.context = context;
        this.doc = doc;
        this.now = now;
    }

    AdHocActions adHoc() {
        if (adHoc == null) adHoc = new AdHocActions(doc, context.actions(), context.expressions());
        return adHoc;
    }

    /** The secrets of a job built here, to store its input sealed and mask its output. */
    List<String> secretsOf(Job job) {
        return jobSecrets.getOrDefault(job.id(), List.of());
    }

    Job job(TaskExecution t, TaskSpec ts, int item, Map<String, Object> ctx, TargetDirectory.TargetView target, String previous) {
        Map<String, Object> globals = target == null ? Map.of() : Map.of("target", target.asData(), "params", target.params());
        if (target != null && target == bound) {
            // an execution bound to a target (an operation or stage run): vars = target params, then the run's input
            Map<String, Object> vars = new LinkedHashMap<>(target.params());
            vars.putAll(step.execution().input());
            globals = Map.of("target", target.asData(), "params", target.params(), "vars", vars);
        }
        String id = Ids.next();
        boolean sealedInputs = step.execution().input() != null && SealedInputs.contains(step.execution().input());
        if (!sealedInputs) {
            // known here: the runner's masks need no read of the execution for it
            context.secrets().remember(step.execution().id(), List.of());
        } else if (!ts.isSubWorkflow()) {
            // secret inputs are opened for this job's rendering only: its input then rests sealed, and the
            // opened values are masked wherever the job shows them
            List<String> opened = new ArrayList<>();
            ctx = castMap(SealedInputs.open(ctx, context.secrets().sealer(), opened));
            globals = castMap(SealedInputs.open(globals, context.secrets().sealer(), opened));
            jobSecrets.computeIfAbsent(id, k -> new ArrayList<>()).addAll(opened);
            context.secrets().remember(step.execution().id(), List.copyOf(new java.util.LinkedHashSet<>(opened)));
        }
        ActionCall call = ts.isSubWorkflow() ? ts.workflow() : ts.action() != null ? ts.action() : new ActionCall("std.noop", Map.of());
        // as in Mistral, a parameter given inline and in 'input' takes the inline value
        Map<String, Object> raw = new LinkedHashMap<>(ts.input());
        raw.putAll(call.inlineParams());
        Map<String, Object> input = raw;
        String action = ts.isSubWorkflow() ? io.trailboss.definition.DefinitionParser.SUB_WORKFLOW + call.name() : call.name();
        String error = null;
        boolean inputEvaluated = false;
        try {
            // inputs the action takes literally (a playbook: Ansible renders its own Jinja) skip our rendering
            Map<String, Object> literal = new LinkedHashMap<>();
            for (String name : context.actions().find(call.name()).map(io.trailboss.action.Action::literalInputs).orElse(java.util.Set.of())) {
                if (raw.containsKey(name)) literal.put(name, raw.remove(name));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> evaluated = (Map<String, Object>) context.expressions().evaluate(raw, ctx, globals, step.scope(t));
            inputEvaluated = true;
            if (!literal.isEmpty()) {
                evaluated = new LinkedHashMap<>(evaluated);
                evaluated.putAll(literal);
            }
            input = evaluated;
            if (!ts.isSubWorkflow()) {
                Map.Entry<String, Map<String, Object>> concrete = adHoc().concrete(call.name(), evaluated, step.scope(null));
                action = concrete.getKey();
                input = concrete.getValue();
                input = resolveTargetInputs(id, action, input);
            }
        } catch (ExpressionException | InvalidInputException e) {
            error = e.getMessage();
            if (!inputEvaluated && e instanceof ExpressionException) step.failWorkflowFor(t, step.runFailure(t, error));
        }
        if (target != null && !target.secrets().isEmpty()) jobSecrets.computeIfAbsent(id, k -> new ArrayList<>()).addAll(target.secrets());
        String child = ts.isSubWorkflow() && error == null ? Ids.next() : null;
        JobState jobState = error != null ? JobState.FAILED : child != null ? JobState.RUNNING : JobState.QUEUED;
        return new Job(id, step.execution().id(), t.id(), action, input, jobState, null, error, item, t.attempt(), false, null, child,
                null, now, child != null ? now : null, error != null ? now : null, now, target == null ? null : target.name(), previous, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    /** Replaces the selectors in an action's target inputs by the targets they select (each with its effective params). */
    private Map<String, Object> resolveTargetInputs(String jobId, String action, Map<String, Object> input) {
        java.util.Set<String> names = context.actions().find(action).map(io.trailboss.action.Action::targetInputs).orElse(java.util.Set.of());
        if (names.isEmpty()) return input;
        Map<String, Object> out = new LinkedHashMap<>(input);
        for (String name : names) {
            Object selector = input.get(name);
            if (selector == null) continue;
            List<TargetDirectory.TargetView> found = context.targets().select(selector);
            if (found.isEmpty()) throw new InvalidInputException(name, name + ": no target matches " + io.trailboss.json.Json.write(selector));
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (TargetDirectory.TargetView v : found) {
                Map<String, Object> host = new LinkedHashMap<>(v.asData());
                host.put("params", v.params());
                hosts.add(host);
                if (!v.secrets().isEmpty()) jobSecrets.computeIfAbsent(jobId, k -> new ArrayList<>()).addAll(v.secrets());
            }
            out.put(name, hosts);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items(TaskSpec ts, Map<String, Object> ctx, TaskExecution t) {
        List<List<Object>> lists = new ArrayList<>();
        for (WithItem w : ts.withItems()) {
            Object v = context.expressions().evaluate(w.expression(), ctx, step.scope(t));
            if (v instanceof String s && !io.trailboss.expr.Expressions.hasExpression(w.expression())) {
                Object again = context.expressions().evaluate("{{ " + s + " }}", ctx, step.scope(t));
                v = again;
            }
            if (!(v instanceof List<?> list)) {
                throw new InvalidInputException("with-items", "with-items '" + w.variable() + "' must be a list, got " + describe(v));
            }
            lists.add((List<Object>) list);
        }
        int n = lists.getFirst().size();
        for (int i = 1; i < lists.size(); i++) {
            if (lists.get(i).size() != n) {
                // Mistral's words, which name every list
                Map<String, Object> given = new LinkedHashMap<>();
                for (int j = 0; j < lists.size(); j++) given.put(ts.withItems().get(j).variable(), lists.get(j));
                throw new InvalidInputException("with-items", "Wrong input format for: " + io.trailboss.expr.Expressions.pythonText(given)
                        + ". All arrays must have the same length.");
            }
        }
        if (n > MAX_ITEMS) throw new InvalidInputException("with-items", "with-items has " + n + " items; the limit is " + MAX_ITEMS);
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            for (int k = 0; k < lists.size(); k++) item.put(ts.withItems().get(k).variable(), lists.get(k).get(i));
            out.add(item);
        }
        return out;
    }

    private TargetDirectory.TargetView bound;

    /** The target this execution is bound to (its target-less tasks run there), or null; resolved once per step. */
    TargetDirectory.TargetView boundTarget() {
        if (bound == null && step.execution().bound().get("target") instanceof String name) {
            List<TargetDirectory.TargetView> found = context.targets().select(name);
            bound = found.isEmpty() ? null : found.getFirst();
        }
        return bound;
    }

    /** The task's targets, resolved now; a selector that matches nothing is an error. */
    List<TargetDirectory.TargetView> targets(TaskSpec ts, Map<String, Object> ctx, TaskExecution t) {
        Object selector = context.expressions().evaluate(ts.targets(), ctx, step.scope(t));
        List<TargetDirectory.TargetView> found = context.targets().select(selector);
        if (found.isEmpty()) throw new InvalidInputException("targets", "no target matches " + io.trailboss.json.Json.write(selector));
        return found;
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof String ? "a string" : v instanceof Map ? "a mapping" : v.getClass().getSimpleName().toLowerCase();
    }
}
