package io.trailboss.environment;

import java.util.Map;

/** A named set of variables an execution can be started with ({@code env}), as Mistral's environments. */
public record Environment(String id, String name, String description, Map<String, Object> variables, String scope, long createdAt, long updatedAt) {
    public Environment {
        variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    }
}
