package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Environments are global (any execution may be started with one) and a directly run action runs inside the
 * server, outside any target: an operator whose grant reaches only some targets may read environments and
 * actions, but neither change environments nor run actions directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistralGlobalWritesTest {
    private TestServer server;
    private String bob;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop")));
        Probes.ok(server.postJson("/api/v1/users", Map.of("username", "bob", "password", "bob's long password", "roles", List.of("operator@group:shop"))));
        bob = (String) Probes.ok(server.postJson("/api/v1/tokens", Map.of("name", "bob-cli", "user", "bob"))).get("token");
        Probes.ok(server.postJson("/mistral/v2/environments", Map.of("name", "staging", "variables", Map.of("k", "v"))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> bob(String method, String path, Object body) {
        return as(server, bob, method, path, body == null ? null : "application/json", body == null ? null : Json.write(body));
    }

    @Test
    void a_target_scoped_operator_reads_environments_and_actions_but_neither_changes_environments_nor_runs_actions() {
        assertThat(bob("GET", "/mistral/v2/environments/staging", null).statusCode()).isEqualTo(200);
        assertThat(bob("GET", "/mistral/v2/actions/std.echo", null).statusCode()).isEqualTo(200);
        for (var write : List.of(
                List.of("POST", "/mistral/v2/environments", Map.of("name", "prod", "variables", Map.of())),
                List.of("PUT", "/mistral/v2/environments", Map.of("name", "staging", "variables", Map.of("k", "changed"))),
                List.of("DELETE", "/mistral/v2/environments/staging", Map.of()),
                List.of("POST", "/mistral/v2/action_executions", Map.of("name", "std.echo", "input", Map.of("output", "x"))))) {
            HttpResponse<String> r = bob((String) write.get(0), (String) write.get(1), write.get(0).equals("DELETE") ? null : write.get(2));
            assertThat(r.statusCode()).as(write + " " + r.body()).isEqualTo(403);
            assertThat(r.body()).contains("bob (user) may not");
        }
        assertThat(Json.readMap(bob("GET", "/mistral/v2/environments/staging", null).body())).containsEntry("variables", "{\"k\":\"v\"}");
    }

    @Test
    void a_target_scoped_operator_reads_ad_hoc_actions_but_neither_creates_changes_nor_deletes_them() {
        String say = "version: '2.0'\nmgw_say:\n  base: std.echo output=hi\n";
        assertThat(server.send("POST", "/mistral/v2/actions", "text/plain", say).status()).isEqualTo(201);
        assertThat(bob("GET", "/mistral/v2/actions/mgw_say", null).statusCode()).isEqualTo(200);
        String changed = say.replace("hi", "changed");
        for (List<String> write : List.of(
                List.of("POST", "/mistral/v2/actions", say.replace("mgw_say", "mgw_other")),
                List.of("PUT", "/mistral/v2/actions", changed),
                List.of("PUT", "/mistral/v2/actions/mgw_say", changed),
                List.of("DELETE", "/mistral/v2/actions/mgw_say", ""))) {
            HttpResponse<String> r = as(server, bob, write.get(0), write.get(1), write.get(2).isEmpty() ? null : "text/plain", write.get(2).isEmpty() ? null : write.get(2));
            assertThat(r.statusCode()).as(write + " " + r.body()).isEqualTo(403);
            assertThat(r.body()).contains("bob (user) may not");
        }
        assertThat((String) Json.readMap(bob("GET", "/mistral/v2/actions/mgw_say", null).body()).get("definition")).isEqualTo(say);
        assertThat(bob("GET", "/mistral/v2/actions/mgw_other", null).statusCode()).isEqualTo(404);
    }
}
