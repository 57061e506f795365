package io.trailboss.definition;

import java.util.Map;

/** An action (or sub-workflow) name with the parameters written inline after it. */
public record ActionCall(String name, Map<String, Object> inlineParams) {}
