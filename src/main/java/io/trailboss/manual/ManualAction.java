package io.trailboss.manual;

import io.trailboss.action.Action;
import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionResult;
import io.trailboss.definition.InputParam;
import java.util.List;
import java.util.Map;

/**
 * {@code manual}: instructions (Markdown, already rendered with the task's data) for a person, and
 * an optional form. The job waits, RUNNING and async, until a person completes or fails it
 * ({@link ManualSteps}); the answers become the job's output and so the task's result.
 */
public final class ManualAction implements Action {
    public static final String NAME = "manual";

    private final java.util.function.Consumer<ActionContext> waiting;

    /** An action whose steps wait silently (for checking definitions, and for agents). */
    public ManualAction() {
        this(context -> { });
    }

    /** {@code waiting}: told when a step starts to wait for a person. */
    public ManualAction(java.util.function.Consumer<ActionContext> waiting) {
        this.waiting = waiting;
    }

    @Override
    public String description() {
        return "A manual step: waits until a person completes it in the inbox.";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<InputParam> parameters() {
        return List.of(new InputParam("instructions", true, null), new InputParam("form", false, null));
    }

    /** Nothing runs: the job is handed to people at once, without a RUNNING commit of its own. */
    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public List<InputProblem> check(Map<String, Object> input) {
        List<InputProblem> out = new java.util.ArrayList<>();
        Object instructions = input.get("instructions");
        if (instructions != null && !(instructions instanceof String)) out.add(new InputProblem("instructions", "'instructions' must be text (Markdown)"));
        Form.parse(input.get("form"), true).problems().forEach(p -> out.add(new InputProblem(p.field(), p.message())));
        return out;
    }

    @Override
    public ActionResult run(Map<String, Object> input, ActionContext context) {
        // the form is checked again once rendered: a template may have produced a bad one
        Form.Parsed form = Form.parse(input.get("form"), false);
        if (!form.problems().isEmpty()) {
            return new ActionResult.Failure("the manual step's form is invalid: " + form.problems().stream().map(FieldError::toString).reduce((a, b) -> a + "; " + b).orElse(""), null);
        }
        if (!(input.get("instructions") instanceof String)) return new ActionResult.Failure("the manual step's 'instructions' must be text", null);
        waiting.accept(context);
        return new ActionResult.Async();
    }
}
