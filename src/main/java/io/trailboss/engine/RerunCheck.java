package io.trailboss.engine;

import io.trailboss.definition.WorkflowSpec;
import io.trailboss.model.Execution;
import java.util.Map;

/**
 * What a rerun may change: the new input (and env) of a finished execution go through the checks of the
 * start that made it (an operation's form, a stage that takes no input, the workflow's declared inputs), so
 * that a rerun is no way around them. Asked before the rerun's transaction; a refusal throws and changes
 * nothing.
 */
public interface RerunCheck {
    /**
     * The input changes to apply (typed and sealed as the start would have stored them), or null when
     * {@code changes} is null; throws when the start would have refused them or the env.
     */
    Map<String, Object> check(Execution execution, WorkflowSpec spec, Map<String, Object> changes, Map<String, Object> env);

    /** Only the engine's own check of the merged input (declared inputs). */
    RerunCheck NONE = (execution, spec, changes, env) -> changes;
}
