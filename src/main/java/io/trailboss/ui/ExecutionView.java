package io.trailboss.ui;

import java.util.List;

/** The live part of an execution page: its state, its graph (Mermaid text), its tasks with their jobs. */
public record ExecutionView(String id, String workflow, String state, String stateInfo, String description, String created, String finished,
                            String duration, String parentJob, String mermaid, List<TaskRow> tasks, boolean over) {

    public record TaskRow(String id, String name, String state, String stateInfo, String created, String started, String finished,
                          int attempt, List<JobRow> jobs) {}

    public record JobRow(String id, String action, String state, String target, String runner, String exitCode, String started,
                         String finished, String error, String child) {}
}
