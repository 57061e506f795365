package io.trailboss.engine;

import io.trailboss.model.Execution;
import java.util.List;

/**
 * What a control did (or, for a dry run, would do): the tasks it acts on with what happens to each,
 * and the selected tasks it leaves alone with the reason.
 */
public record ControlReport(String executionId, String control, boolean dryRun, List<TaskNote> affected, List<TaskNote> notEligible,
        Execution execution) {

    /** A task, its state (or PENDING: not reached yet) and a note: what happens, or why not. */
    public record TaskNote(String task, String state, String note) {}
}
