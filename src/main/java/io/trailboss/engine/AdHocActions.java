package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.action.ActionRegistry;
import io.trailboss.definition.AdHocActionSpec;
import io.trailboss.definition.InputParam;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.expr.EvaluationScope;
import io.trailboss.expr.Expressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A document's ad-hoc actions, its own and the global ones it calls: resolved down to the registered action each
 * is built on (each level's base-input evaluated with {@code _} bound to that level's input, defaults applied), and
 * their output transformations applied innermost first. A global action's base is looked up among global actions
 * (and registered ones) only, never in the calling document: as in Mistral 15, where a stored action's chain does not
 * depend on who calls it.
 */
final class AdHocActions {
    private static final int MAX_DEPTH = 10;

    private final WorkflowDocument doc;
    private final ActionRegistry actions;
    private final Expressions expressions;

    AdHocActions(WorkflowDocument doc, ActionRegistry actions, Expressions expressions) {
        this.doc = doc;
        this.actions = actions;
        this.expressions = expressions;
    }

    /** The registered action to run and its input, checked against what each level declares. */
    Map.Entry<String, Map<String, Object>> concrete(String name, Map<String, Object> input, EvaluationScope scope) {
        String current = name;
        Map<String, Object> currentInput = input;
        boolean global = false;
        for (int depth = 0; ; depth++) {
            AdHocActionSpec adHoc = global ? doc.shared().find(current) : doc.action(current);
            global = global || (adHoc != null && doc.ownAction(current) == null);
            if (adHoc == null) {
                String actionName = current;
                Action action = actions.find(actionName).orElseThrow(() -> new InvalidInputException("action", "unknown action '" + actionName + "'"));
                checkParams("action '" + actionName + "'", action.parameters(), currentInput);
                return Map.entry(actionName, currentInput);
            }
            if (depth > MAX_DEPTH) throw new InvalidInputException("action", "ad-hoc action '" + name + "' is nested too deeply");
            checkParams("action '" + current + "'", adHoc.input(), currentInput);
            Map<String, Object> full = new LinkedHashMap<>();
            for (InputParam p : adHoc.input()) if (!p.required()) full.put(p.name(), p.defaultValue());
            full.putAll(currentInput);
            @SuppressWarnings("unchecked")
            Map<String, Object> baseInput = (Map<String, Object>) expressions.evaluate(adHoc.baseInput(), full, scope);
            current = adHoc.base();
            currentInput = baseInput;
        }
    }

    /** The result as the task sees it: each level's {@code output} applied, innermost first. */
    Object output(String name, Object result, EvaluationScope scope) {
        List<AdHocActionSpec> chain = new ArrayList<>();
        boolean global = false;
        for (String current = name; chain.size() <= MAX_DEPTH; ) {
            AdHocActionSpec a = global ? doc.shared().find(current) : doc.action(current);
            if (a == null) break;
            global = global || doc.ownAction(current) == null;
            chain.add(a);
            current = a.base();
        }
        Object out = result;
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).output() != null) out = expressions.evaluate(chain.get(i).output(), out, scope);
        }
        return out;
    }

    static void checkParams(String what, List<InputParam> declared, Map<String, Object> input) {
        Set<String> names = new LinkedHashSet<>();
        for (InputParam p : declared) {
            names.add(p.name());
            if (p.required() && !input.containsKey(p.name())) {
                throw new InvalidInputException(p.name(), what + " is missing required input '" + p.name() + "'");
            }
        }
        for (String key : input.keySet()) {
            if (!names.contains(key)) {
                throw new InvalidInputException(key, what + " has no input '" + key + "' (it takes: " + String.join(", ", names) + ")");
            }
        }
    }
}
