package io.trailboss.engine;

import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import java.util.Objects;

/**
 * One state change of a task or an execution, or a control action on an execution, as the event
 * streams carry it. {@code at} is when the change was made (the row's update time; for a control,
 * when it was applied); {@code seq} orders the events of one process ({@code snapshot} events,
 * which show the state a stream started from, carry the sequence number the stream started at).
 */
public record Event(long seq, long at, Kind kind, String executionId, String workflow, String taskName, String taskId,
        String state, String stateInfo, String action, boolean snapshot) {

    public enum Kind {
        TASK, EXECUTION, CONTROL,
        /** Something started or stopped waiting for a person (a manual step, a prompt). */
        INBOX;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Event of(TaskExecution t) {
        return new Event(0, t.updatedAt(), Kind.TASK, t.executionId(), null, t.name(), t.id(), t.state().name(), t.stateInfo(), null, false);
    }

    public static Event of(Execution e) {
        return new Event(0, e.updatedAt(), Kind.EXECUTION, e.id(), e.workflowName(), null, null, e.state().name(), e.stateInfo(), null, false);
    }

    /** A control; {@code tasks}: the task names a task control acted on (comma-separated), null for an execution control. */
    public static Event control(String executionId, String action, String tasks, long at) {
        return new Event(0, at, Kind.CONTROL, executionId, null, tasks, null, null, null, action, false);
    }

    /**
     * An inbox change: {@code action} is what happened (manual-waiting, manual-completed,
     * manual-failed, prompt-open, prompt-answered, prompt-closed); the job's id rides in
     * {@code taskId} and the prompt's or step's text in {@code stateInfo}.
     */
    public static Event inbox(String executionId, String jobId, String action, String text, long at) {
        return new Event(0, at, Kind.INBOX, executionId, null, null, jobId, null, text, action, false);
    }

    Event numbered(long n, boolean asSnapshot) {
        return new Event(n, at, kind, executionId, workflow, taskName, taskId, state, stateInfo, action, asSnapshot);
    }

    /** What the event is about: a task execution or an execution (controls are about nothing that has a state). */
    String subject() {
        return kind == Kind.TASK ? taskId : kind == Kind.EXECUTION ? executionId : null;
    }

    /** An execution event in a final state: nothing more will happen to the execution. */
    public boolean endsExecution() {
        return kind == Kind.EXECUTION && ExecutionState.valueOf(state).isFinal();
    }

    /**
     * Whether this event says something new about its subject after {@code last}: a later change
     * that altered the state or its info. Listeners of different transactions may be told out of
     * commit order; a change made in the same millisecond is ordered by how far along the state
     * is (waiting, then running, then final), so an older state never replaces a newer one.
     */
    boolean supersedes(Event last) {
        if (last == null) return true;
        boolean sameState = Objects.equals(state, last.state) && Objects.equals(stateInfo, last.stateInfo);
        if (at != last.at) return at > last.at && !sameState;
        int rank = rank(state);
        int lastRank = rank(last.state);
        if (rank != lastRank) return rank > lastRank;
        return !sameState;
    }

    private static int rank(String state) {
        return switch (ExecutionState.valueOf(state)) {
            case IDLE, WAITING -> 0;
            case RUNNING, DELAYED, PAUSED, BLOCKED, INTERRUPTED -> 1;
            case SUCCESS, ERROR, CANCELLED, SKIPPED -> 2;
        };
    }
}
