package io.trailboss.definition;

import java.util.List;
import java.util.Map;

/**
 * One task of a workflow. Policy fields (retry, waits, timeout, pause-before, concurrency) hold
 * literals or expressions, evaluated when the task runs. Task defaults are already applied.
 * {@code targets} (a name, a list of names, or {labels, kind}) makes one job per target.
 * {@code pauseOnFail}: a failure holds the task for a person's decision instead of following on-error.
 */
public record TaskSpec(
        String name,
        String description,
        ActionCall action,
        ActionCall workflow,
        Map<String, Object> input,
        Map<String, Object> publish,
        Map<String, Object> publishOnError,
        List<Transition> onSuccess,
        List<Transition> onError,
        List<Transition> onComplete,
        Join join,
        List<WithItem> withItems,
        Object concurrency,
        RetryPolicy retry,
        Object waitBefore,
        Object waitAfter,
        Object timeout,
        Object pauseBefore,
        Object failOn,
        boolean keepResult,
        boolean pauseOnFail,
        List<String> tags,
        List<String> requires,
        Object targets,
        int line,
        int column) {

    public boolean isSubWorkflow() {
        return workflow != null;
    }

    /** Every task name this task may transition to, from all three clauses. */
    public List<String> successors() {
        return java.util.stream.Stream.of(onSuccess, onError, onComplete)
                .flatMap(List::stream)
                .filter(t -> t instanceof Transition.GoTo)
                .map(t -> ((Transition.GoTo) t).task())
                .distinct()
                .toList();
    }
}
