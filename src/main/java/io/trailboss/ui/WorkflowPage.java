package io.trailboss.ui;

import java.util.List;

/** A workflow's page: its YAML line by line with the problems of each line beside it, its graph, its start form. */
public record WorkflowPage(String name, String description, String tags, String yaml, List<Line> lines, List<String> otherProblems,
                           int problems, String note, boolean edited, String mermaid, FormView start) {
    public record Line(int number, String text, List<String> problems) {}
}
