package io.trailboss.model;

/** What kind of error a task execution has, where the engine acts on it (its message is for people). */
public enum TaskErrorKind {
    /** A join whose arrivals can no longer come: a rerun lets it wait again. */
    JOIN_UNSATISFIED,
    /**
     * An expression failed where Mistral ends the whole workflow at once (the task's input, its
     * with-items lists, its publish): no retry, no hold, no transition; the cause is the workflow's message.
     */
    FAILS_WORKFLOW,
    /** Held after failing (pause-on-fail); the cause is the failure as it ends the task if a person lets it. */
    HELD_FAILURE
}
