package io.trailboss.action;

import io.trailboss.definition.InputParam;
import java.util.List;
import java.util.Map;

/** Something a task can run. Implementations must be thread-safe; one instance serves every job. */
public interface Action {
    String name();

    /** Declared parameters: required ones have no default. Inputs not declared here are refused. */
    List<InputParam> parameters();

    ActionResult run(Map<String, Object> input, ActionContext context) throws Exception;
}
