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
