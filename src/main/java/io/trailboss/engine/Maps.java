package io.trailboss.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** Deep merge of plain maps, as Mistral merges contexts: nested maps merge, other values replace. */
final class Maps {
    private Maps() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over) {
        if (over == null || over.isEmpty()) return base == null ? new LinkedHashMap<>() : base;
        Map<String, Object> out = new LinkedHashMap<>(base == null ? Map.of() : base);
        over.forEach((k, v) -> {
            Object old = out.get(k);
            if (old instanceof Map<?, ?> a && v instanceof Map<?, ?> b) {
                out.put(k, deepMerge((Map<String, Object>) a, (Map<String, Object>) b));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
