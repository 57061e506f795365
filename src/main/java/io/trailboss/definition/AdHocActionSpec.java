package io.trailboss.definition;

import java.util.List;
import java.util.Map;

/** An action defined in YAML on top of another one: base, base-input, input and output (and, for people, description and tags). */
public record AdHocActionSpec(
        String name, String description, String base, Map<String, Object> baseInput, List<InputParam> input, Object output, List<String> tags) {}
