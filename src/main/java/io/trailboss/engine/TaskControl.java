package io.trailboss.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a person may do to tasks of a live execution; {@link #wire()} is the name the API and CLI use. */
public enum TaskControl {
    /** Hold a task that has not started yet before it starts. */
    PAUSE("pause"),
    /** Let a held task go on: start it (held before start), follow on-error (held after failing, interrupted), or drop a pending pause. */
    RESUME("resume"),
    /** Count a task as done without running it; its successors run. */
    SKIP("skip"),
    /** Drop a pending skip. */
    UNSKIP("unskip"),
    /** Keep a task from running; its successors wait with it. */
    BLOCK("block"),
    /** Let a blocked task run, or drop a pending block. */
    UNBLOCK("unblock"),
    /** Stop a running task's jobs (SIGTERM, then SIGKILL after the grace period); the task waits for a decision. */
    INTERRUPT("interrupt"),
    /** Run a failed, interrupted or finished task again. */
    RERUN("rerun"),
    /** Make a failure of the task hold it for a decision instead of following on-error. */
    SET_PAUSE_ON_FAIL("set-pause-on-fail"),
    /** Let failures of the task follow on-error again. */
    UNSET_PAUSE_ON_FAIL("unset-pause-on-fail"),
    /** Start the next {@code count} tasks held before start, oldest first. */
    RELEASE("release");

    private final String wire;

    TaskControl(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static TaskControl parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (TaskControl c : values()) {
            if (c.wire.equals(t)) return c;
        }
        throw new InvalidInputException("action", "unknown task control '" + text + "' (one of "
                + Arrays.stream(values()).map(TaskControl::wire).collect(Collectors.joining(", ")) + ")");
    }
}
