package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.action.ActionContext;
import io.trailboss.action.ActionRegistry;
import io.trailboss.action.ActionResult;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Runs one action outside any workflow, at once, in the calling thread, and keeps nothing (Mistral's
 * {@code run-action}). Only actions that finish inside the server are run this way: scripts and
 * playbooks are jobs on targets, with their leases, logs and scoping, and a manual step waits for a person.
 */
public final class DirectActions {
    /** Actions that run in-process, finish by themselves within their own timeouts, and touch no target. */
    private static final Set<String> RUNNABLE = Set.of("std.noop", "std.echo", "std.fail", "std.http");

    private final ActionRegistry actions;
    private final Clock clock;

    public DirectActions(ActionRegistry actions, Clock clock) {
        this.actions = actions;
        this.clock = clock;
    }

    /** What a direct run gave: success or not, its output, its error, when it started and ended. */
    public record Outcome(String id, String action, Map<String, Object> input, boolean succeeded, Object output, String error, long startedAt, long finishedAt) {}

    public Outcome run(String name, Map<String, Object> input) {
        Action action = actions.find(name).orElseThrow(() -> new NotFoundException("action '" + name + "' does not exist"));
        if (!RUNNABLE.contains(name)) {
            throw new InvalidInputException("name", "action '" + name + "' cannot be run directly: only " + String.join(", ", RUNNABLE.stream().sorted().toList())
                    + " run inside the server; run '" + name + "' as a task of a workflow" + (name.equals("shell") || name.equals("ansible") ? " (it is a job on targets)" : ""));
        }
        AdHocActions.checkParams("action '" + name + "'", action.parameters(), input);
        for (Action.InputProblem p : action.check(input)) throw new InvalidInputException(p.path(), "action '" + name + "': " + p.path() + ": " + p.message());
        String id = Ids.next();
        long started = clock.millis();
        ActionResult result;
        try {
            result = action.run(input, new ActionContext(id, null, null, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ActionResult.Failure("interrupted", null);
        } catch (Exception e) {
            result = new ActionResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
        long finished = clock.millis();
        return switch (result) {
            case ActionResult.Success s -> new Outcome(id, name, input, true, s.output(), null, started, finished);
            case ActionResult.Failure f -> new Outcome(id, name, input, false, f.output(), f.error(), started, finished);
            case ActionResult.Incomplete i -> new Outcome(id, name, input, false, i.output(), "the action asked to run again, which a direct run does not do", started, finished);
            case ActionResult.Lost l -> new Outcome(id, name, input, false, null, l.reason(), started, finished);
            case ActionResult.Async a -> new Outcome(id, name, input, false, null, "the action completes later, which a direct run does not wait for", started, finished);
        };
    }
}
