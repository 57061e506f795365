package io.trailboss.cluster;

import io.trailboss.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The payloads of a {@code changed} signal: several when one transaction changed many executions (a
 * batch), so that each stays far below PostgreSQL's 8000-byte limit.
 */
final class ChangedPayloads {
    private static final int MAX_PAYLOAD = 7000;

    private ChangedPayloads() {}

    static List<String> of(List<String> executionIds, List<String> taskIds, List<List<String>> controls) {
        List<String> out = new ArrayList<>();
        List<String> e = new ArrayList<>();
        List<String> t = new ArrayList<>();
        int size = 0;
        for (String id : executionIds) {
            e.add(id);
            size += id.length() + 3;
            if (size > MAX_PAYLOAD) {
                out.add(Json.write(Map.of("e", e, "t", t, "c", List.of())));
                e = new ArrayList<>();
                size = 0;
            }
        }
        for (String id : taskIds) {
            t.add(id);
            size += id.length() + 3;
            if (size > MAX_PAYLOAD) {
                out.add(Json.write(Map.of("e", e, "t", t, "c", List.of())));
                e = new ArrayList<>();
                t = new ArrayList<>();
                size = 0;
            }
        }
        List<List<String>> c = new ArrayList<>();
        for (List<String> control : controls) {
            if (String.join(",", control).length() > 2000) continue; // a control on very many tasks: its state changes still go
            c.add(control);
            size += String.join(",", control).length() + 10;
            if (size > MAX_PAYLOAD) {
                out.add(Json.write(Map.of("e", e, "t", t, "c", c)));
                e = new ArrayList<>();
                t = new ArrayList<>();
                c = new ArrayList<>();
                size = 0;
            }
        }
        if (!e.isEmpty() || !t.isEmpty() || !c.isEmpty()) out.add(Json.write(Map.of("e", e, "t", t, "c", c)));
        return out;
    }
}
