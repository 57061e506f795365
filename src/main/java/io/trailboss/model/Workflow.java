package io.trailboss.model;

import java.util.List;

/** A stored workflow: its name, the YAML document it came from (by hash) and a summary. */
public record Workflow(
        String id, String name, String sourceSha, String description, List<String> tags, String inputSummary, long createdAt, long updatedAt) {}
