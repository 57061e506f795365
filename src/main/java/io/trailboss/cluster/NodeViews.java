package io.trailboss.cluster;

import io.trailboss.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A node's row as {@code GET /api/v1/nodes} and {@code trailboss nodes} show it. */
final class NodeViews {
    private NodeViews() {}

    static Map<String, Object> view(NodeStore.NodeRow r, long now, String self) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("host", r.host());
        v.put("port", r.port());
        v.put("version", r.version());
        v.put("started_at", Instant.ofEpochMilli(r.startedAt()).toString());
        v.put("heartbeat_at", Instant.ofEpochMilli(r.heartbeatAt()).toString());
        v.put("lease_seconds", r.leaseMs() / 1000.0);
        v.put("alive", r.alive(now));
        v.put("self", r.id().equals(self));
        if (r.recoveredBy() != null) {
            v.put("recovered_by", r.recoveredBy());
            v.put("recovered_at", Instant.ofEpochMilli(r.recoveredAt()).toString());
        }
        v.put("load", r.load() == null ? Map.of() : Json.readMap(r.load()));
        return v;
    }
}
