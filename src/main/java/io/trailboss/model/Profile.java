package io.trailboss.model;

import java.util.Map;

/** A named param set attached to targets in order; the profile {@code global} applies to all, last. */
public record Profile(String name, String description, Map<String, Object> params, long createdAt, long updatedAt) {
    public static final String GLOBAL = "global";
}
