package io.trailboss.expr;

import java.util.Map;

/**
 * What the expression functions {@code task()}, {@code execution()} and {@code env()} can see.
 * Implementations hand out plain data only; the expression sandbox never sees this object.
 */
public interface EvaluationScope {
    /** The task's view ({id, name, state, state_info, result, published}) or null when unknown. */
    Map<String, Object> task(String name);

    /** The name of the task whose expressions are being evaluated, or null. */
    String currentTask();

    Map<String, Object> execution();

    Map<String, Object> env();

    /**
     * Task views of an execution ({@code null}: the current one), with those of its sub-workflows when
     * {@code recursive}, only in {@code state} when given; {@code flat} leaves out tasks that ran a sub-workflow
     * ending in the task's own state. Only executions of the current execution's tree are visible.
     */
    default java.util.List<Map<String, Object>> tasks(String executionId, boolean recursive, String state, boolean flat) {
        return java.util.List.of();
    }

    /**
     * The keys Mistral adds to every data context ({@code __execution}, {@code __env}, {@code __task_execution}):
     * seen by {@code $} and {@code _}, never published unless an expression publishes them.
     */
    default Map<String, Object> hidden() {
        return Map.of();
    }

    /** A value of the execution's own context (its input and vars), or null. */
    default Object global(String name) {
        return null;
    }

    EvaluationScope NONE = new EvaluationScope() {
        @Override
        public Map<String, Object> task(String name) {
            return null;
        }

        @Override
        public String currentTask() {
            return null;
        }

        @Override
        public Map<String, Object> execution() {
            return Map.of();
        }

        @Override
        public Map<String, Object> env() {
            return Map.of();
        }
    };
}
