package io.trailboss.target;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes to a target; a null field is left as it is. {@code parent} and {@code stage} are
 * Optional so that "clear it" ({@code Optional.empty()}) differs from "leave it" (null).
 * {@code labels} and {@code profiles} replace the whole map or list; {@code params} is merged:
 * a null value removes the param.
 */
public record TargetPatch(String kind, String name, Optional<String> parent, Map<String, String> labels,
                          Map<String, Object> params, List<String> profiles, Optional<String> stage) {
    public static TargetPatch params(Map<String, Object> params) {
        return new TargetPatch(null, null, null, null, params, null, null);
    }
}
