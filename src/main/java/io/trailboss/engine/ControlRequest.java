package io.trailboss.engine;

import java.util.List;

/**
 * A task control on one execution. Tasks are selected by name ({@code tasks}), by tag, by state,
 * or by several of these (a task must match all given); none given selects every task. A state
 * is a task state or PENDING (not reached yet). {@code count} is for {@link TaskControl#RELEASE},
 * {@code graceMillis} for {@link TaskControl#INTERRUPT}. A dry run reports and changes nothing.
 */
public record ControlRequest(TaskControl control, List<String> tasks, String tag, String state, int count, long graceMillis,
        boolean dryRun, String actor) {

    public static final long DEFAULT_GRACE_MILLIS = 10_000;

    public ControlRequest {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        actor = actor == null || actor.isBlank() ? "anonymous" : actor;
    }

    /** Whether tasks were named: then every named task must be eligible, or nothing happens. */
    public boolean named() {
        return !tasks.isEmpty();
    }
}
