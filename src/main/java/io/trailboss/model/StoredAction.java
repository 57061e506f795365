package io.trailboss.model;

import java.util.List;

/**
 * A global ad-hoc action (Mistral's action-create): its name, the YAML document it was defined in (by hash),
 * and what Mistral shows of it: description, tags, the input as one line, scope. {@code updatedAt} is null until
 * the first update, as in Mistral.
 */
public record StoredAction(
        String id, String name, String sourceSha, String description, List<String> tags, String inputSummary, String scope,
        long createdAt, Long updatedAt) {}
