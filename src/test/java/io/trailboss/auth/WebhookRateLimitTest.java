package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A webhook called more than 60 times in a minute is refused with 429 and Retry-After, per trigger, without a firing. */
class WebhookRateLimitTest {
    @Test
    void the_sixty_first_call_in_a_minute_is_refused_for_that_trigger_only() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        try (TestServer server = new TestServer(TestDatabases.h2(), clock, Auth.Mode.REQUIRED)) {
            Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", "version: '2.0'\nnoop:\n  tasks:\n    t:\n      action: std.noop\n"));
            for (String name : new String[] {"busy", "quiet"}) {
                Probes.ok(server.send("PUT", "/api/v1/triggers/" + name, "application/json", "{\"workflow\": \"noop\", \"webhook\": {\"auth\": \"token\"}}"));
                Probes.ok(server.postJson("/api/v1/triggers/" + name + "/pause", Map.of()));
            }
            for (int i = 0; i < Auth.HOOK_CALLS; i++) {
                HttpResponse<String> r = server.raw("POST", "/api/v1/hooks/busy", Map.of("Content-Type", "application/json"), "{}");
                assertThat(r.statusCode()).isNotEqualTo(429);
            }
            int firings = firings(server, "busy");
            HttpResponse<String> limited = server.raw("POST", "/api/v1/hooks/busy", Map.of("Content-Type", "application/json"), "{}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
            assertThat(limited.body()).contains("more than 60 times");
            assertThat(firings(server, "busy")).isEqualTo(firings);
            assertThat(server.raw("POST", "/api/v1/hooks/quiet", Map.of("Content-Type", "application/json"), "{}").statusCode()).isNotEqualTo(429);
            clock.advance(Duration.ofSeconds(61));
            assertThat(server.raw("POST", "/api/v1/hooks/busy", Map.of("Content-Type", "application/json"), "{}").statusCode()).isNotEqualTo(429);
        }
    }

    private static int firings(TestServer server, String trigger) {
        return ((java.util.List<?>) server.get("/api/v1/triggers/" + trigger + "/firings?limit=1000").map().get("items")).size();
    }
}
