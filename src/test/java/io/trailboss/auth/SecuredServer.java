package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for tests against a server with authentication required: tokens of each role, calls as them, a database snapshot. */
final class SecuredServer {
    private SecuredServer() {}

    /** A service token with these roles, issued through the API by the admin. */
    static String serviceToken(TestServer server, String name, String... roles) {
        TestServer.Answer a = server.postJson("/api/v1/tokens", Map.of("name", name, "kind", "service", "roles", List.of(roles)));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return (String) a.map().get("token");
    }

    static HttpResponse<String> as(TestServer server, String token, String method, String path, String contentType, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) headers.put("Authorization", "Bearer " + token);
        if (contentType != null) headers.put("Content-Type", contentType);
        return server.raw(method, path, headers, body);
    }

    static Map<String, Object> json(HttpResponse<String> r) {
        return Json.readMap(r.body());
    }

    /** Every row of every table but those a refused request may touch by design (audit log, token use, sessions, node heartbeats). */
    static Map<String, List<Map<String, Object>>> snapshot(TestServer server) {
        return server.tb.database().jdbi().withHandle(h -> {
            List<String> tables = h.createQuery("select table_name from information_schema.tables where lower(table_schema) = 'public' and table_type in ('BASE TABLE', 'TABLE')")
                    .mapTo(String.class).list();
            Map<String, List<Map<String, Object>>> out = new TreeMap<>();
            for (String t : tables) {
                String name = t.toLowerCase(java.util.Locale.ROOT);
                if (List.of("audit_log", "api_token", "user_session", "agent_token", "node").contains(name)) continue;
                out.put(name, h.createQuery("select * from " + name).mapToMap().list().stream().map(m -> (Map<String, Object>) new TreeMap<>(m)).toList());
            }
            return out;
        });
    }
}
