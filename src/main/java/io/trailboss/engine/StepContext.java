package io.trailboss.engine;

import io.trailboss.action.ActionRegistry;
import io.trailboss.expr.Expressions;
import io.trailboss.store.ControlLogStore;
import io.trailboss.store.DirectiveStore;
import io.trailboss.store.ExecutionStore;
import io.trailboss.store.JobStore;
import io.trailboss.store.TaskStore;
import io.trailboss.store.TimerStore;

/**
 * What a {@link Step} works with: the stores of the rows it changes, expressions, actions, targets,
 * job secrets, how sub-workflows start, and the task policies. Immutable; the engine makes one per
 * step, so that a step never reaches back into the engine.
 */
record StepContext(
        ExecutionStore executions,
        TaskStore tasks,
        JobStore jobs,
        TimerStore timers,
        DirectiveStore directives,
        ControlLogStore controlLog,
        Expressions expressions,
        ActionRegistry actions,
        TargetDirectory targets,
        JobSecrets secrets,
        NewExecutions executionsToStart,
        TaskPolicies policies) {}
