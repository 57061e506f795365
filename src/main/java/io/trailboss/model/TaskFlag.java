package io.trailboss.model;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** What the engine remembers on a task row between steps, about holds and policies already applied. */
public enum TaskFlag {
    /** pause-before has paused the execution once for this task: the resume starts it. */
    PAUSE_BEFORE_DONE("pause-before-done"),
    /** wait-before has waited once for this task. */
    WAIT_BEFORE_DONE("wait-before-done"),
    /** wait-after is waiting after a successful attempt. */
    AFTER_SUCCESS("after-success"),
    /** wait-after is waiting after a failed attempt. */
    AFTER_ERROR("after-error"),
    /** Held before its start by a person's request. */
    HELD("held"),
    /** Held after failing, by pause-on-fail. */
    HELD_FAILURE("held-failure"),
    /** A person let a held failure take its course (on-error): it is not held again. */
    FAILURE_ACCEPTED("failure-accepted"),
    /** Replaced by a rerun: it no longer counts for the execution's outcome. */
    RERUN("rerun");

    private final String wire;

    TaskFlag(String wire) {
        this.wire = wire;
    }

    /** The flags as stored: their names, space separated. */
    public static String write(Set<TaskFlag> flags) {
        return flags.stream().map(f -> f.wire).collect(Collectors.joining(" "));
    }

    public static Set<TaskFlag> read(String stored) {
        EnumSet<TaskFlag> out = EnumSet.noneOf(TaskFlag.class);
        if (stored == null) return out;
        for (String name : stored.split(" ")) {
            if (name.isEmpty()) continue;
            out.add(java.util.Arrays.stream(values()).filter(f -> f.wire.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("unknown task flag '" + name + "' in the task table")));
        }
        return out;
    }
}
