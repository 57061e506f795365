package io.trailboss.operation;

import java.util.Map;

/**
 * A workflow offered on a target kind. {@code fields} annotates the workflow's inputs for the form:
 * per input name, {type, description, pattern, min, max, choices}.
 */
public record Operation(String name, String kind, String workflow, String description, Map<String, Object> fields,
                        long createdAt, long updatedAt) {}
