package io.trailboss.ui;

import java.util.List;

/**
 * A control's dry run: the tasks it would act on and why the others are left alone, and the form that applies
 * it. After the control was applied, {@code applied} is true and the lists say what happened.
 */
public record PreviewView(String executionId, String control, String label, String task, String summary, List<Note> affected,
                          List<Note> notEligible, boolean applied, boolean possible, String error, String csrf) {
    public record Note(String task, String state, String note) {}
}
