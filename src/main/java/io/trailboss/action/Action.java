package io.trailboss.action;

import io.trailboss.definition.InputParam;
import java.util.List;
import java.util.Map;

/** Something a task can run. Implementations must be thread-safe; one instance serves every job. */
public interface Action {
    String name();

    /** What the action does, in a sentence (listed by the Mistral API's actions). */
    default String description() {
        return "";
    }

    /** Declared parameters: required ones have no default. Inputs not declared here are refused. */
    List<InputParam> parameters();

    /**
     * True for actions that finish at once without side effects (noop, echo): their jobs are not
     * marked RUNNING first, which saves a commit per job.
     */
    default boolean instant() {
        return false;
    }

    /**
     * True for actions that run inside the server and may simply run again when the node running
     * them died (their work died with it: sleep, an HTTP call the engine makes): such a job is queued
     * again. Any other job of a dead node is LOST, and the task's {@code retry} decides.
     */
    default boolean rerunAfterNodeLoss() {
        return instant();
    }

    /**
     * Problems with a task's input that can be seen before anything runs (the workflow is refused
     * with them). {@code path} is relative to the task's input, e.g. {@code form[1].type}.
     */
    default List<InputProblem> check(Map<String, Object> input) {
        return List.of();
    }

    /** One problem {@link #check} found: where in the input, and what. */
    record InputProblem(String path, String message) {}

    /**
     * Inputs that hold a target selector (as a task's {@code targets:}) which the server resolves,
     * when it builds the job, into the selected targets: a list of {name, kind, parent, labels,
     * params}. One job then works on all of them (the {@code ansible} action's {@code hosts}).
     */
    default java.util.Set<String> targetInputs() {
        return java.util.Set.of();
    }

    /** Inputs passed as written, without rendering expressions in them (Ansible renders a playbook's Jinja itself). */
    default java.util.Set<String> literalInputs() {
        return java.util.Set.of();
    }

    ActionResult run(Map<String, Object> input, ActionContext context) throws Exception;
}
