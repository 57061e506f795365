package io.trailboss.model;

import java.util.List;

/** A stored workbook: its name, the YAML document it came from (by hash), and Mistral's tags and scope. */
public record Workbook(
        String id, String name, String sourceSha, String description, List<String> tags, String scope, long createdAt, long updatedAt) {}
