package io.trailboss.model;

import java.util.List;
import java.util.Map;

/** One control applied to an execution or its tasks, as audited: who, when, what, and which tasks changed. */
public record ControlRecord(String id, String executionId, String control, Map<String, Object> selector, List<String> tasks,
        String detail, String actor, long at) {}
