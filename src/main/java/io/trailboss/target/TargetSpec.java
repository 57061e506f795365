package io.trailboss.target;

import java.util.List;
import java.util.Map;

/** A new target as asked for: {@code parent} is a name or id, {@code params} are plain values. */
public record TargetSpec(String kind, String name, String parent, Map<String, String> labels, Map<String, Object> params,
                         List<String> profiles, String stage) {
}
