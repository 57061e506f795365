package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Target-scoped grants (a group: a target and its descendants; a label selector), including executions bound
 * to a target; the actor recorded is the authenticated principal whatever the body says; and the audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopesAndAuditTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestServer server;
    private String bob;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), clock, Auth.Mode.REQUIRED);
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                hold:
                  tasks:
                    wait:
                      action: std.async_noop
                """));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop")));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-web", "parent", "shop")));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "blog")));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "wiki", "labels", Map.of("env", "prod"))));
        ok(server.send("PUT", "/api/v1/operations/hold", "application/json", "{\"kind\": \"site\", \"workflow\": \"hold\"}"));
        ok(server.postJson("/api/v1/users", Map.of("username", "bob", "password", "bob's long password", "roles",
                List.of("viewer", "operator@group:shop", "operator@labels:env=prod"))));
        bob = (String) ok(server.postJson("/api/v1/tokens", Map.of("name", "bob-cli", "user", "bob"))).get("token");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static Map<String, Object> ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
        return a.body().isEmpty() ? Map.of() : a.map();
    }

    private HttpResponse<String> asBob(String method, String path, Object body) {
        return as(server, bob, method, path, body == null ? null : "application/json", body == null ? null : Json.write(body));
    }

    @Test
    void a_group_grant_reaches_the_target_and_its_descendants_and_a_label_grant_the_matching_targets_only() {
        assertThat(asBob("PATCH", "/api/v1/targets/shop/params", Map.of("php", "8.3")).statusCode()).isEqualTo(200);
        assertThat(asBob("PATCH", "/api/v1/targets/shop-web/params", Map.of("php", "8.3")).statusCode()).isEqualTo(200);
        assertThat(asBob("PATCH", "/api/v1/targets/wiki/params", Map.of("php", "8.3")).statusCode()).isEqualTo(200);
        HttpResponse<String> blog = asBob("PATCH", "/api/v1/targets/blog/params", Map.of("php", "8.3"));
        assertThat(blog.statusCode()).isEqualTo(403);
        assertThat(server.get("/api/v1/targets/blog/params").body()).doesNotContain("8.3");
        // acting on no single target needs a global grant
        assertThat(asBob("POST", "/api/v1/targets", Map.of("kind", "site", "name", "new")).statusCode()).isEqualTo(403);
        assertThat(asBob("POST", "/api/v1/executions", Map.of("workflow", "hold")).statusCode()).isEqualTo(403);
        // bob's global viewer grant reads everything
        assertThat(asBob("GET", "/api/v1/targets/blog", null).statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void re_parenting_or_creating_under_a_target_out_of_scope_is_refused_and_changes_nothing() {
        ok(server.postJson("/api/v1/params", Map.of("name", "vault_key", "secret", true)));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "vault", "params", Map.of("vault_key", "the-vault-key"))));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-api", "parent", "shop")));
        ok(server.postJson("/api/v1/profiles", Map.of("name", "vault-secrets", "params", Map.of("vault_key", "profile-vault-key"))));
        var before = SecuredServer.snapshot(server);

        HttpResponse<String> moved = asBob("PATCH", "/api/v1/targets/shop-api", Map.of("parent", "vault"));
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(403);
        assertThat(SecuredServer.json(moved).get("detail")).asString().contains("'vault'", "move target 'shop-api'");
        HttpResponse<String> created = asBob("POST", "/api/v1/targets", Map.of("kind", "site", "name", "shop-vault", "parent", "vault"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(403);
        assertThat(SecuredServer.json(created).get("detail")).asString().contains("'vault'");
        HttpResponse<String> profiled = asBob("PATCH", "/api/v1/targets/shop-api", Map.of("profiles", List.of("vault-secrets")));
        assertThat(profiled.statusCode()).as(profiled.body()).isEqualTo(403);
        assertThat(SecuredServer.json(profiled).get("detail")).asString().contains("global operator grant");
        assertThat(asBob("POST", "/api/v1/targets", Map.of("kind", "site", "name", "shop-p", "parent", "shop", "profiles", List.of("vault-secrets")))
                .statusCode()).isEqualTo(403);
        assertThat(SecuredServer.snapshot(server)).as("refused changes change nothing").isEqualTo(before);
        Map<String, Object> params = (Map<String, Object>) server.get("/api/v1/targets/shop-api/params").map().get("params");
        assertThat(params).doesNotContainKey("vault_key");

        // inside the scope both are allowed: a new target under one of its targets, a move between two of them
        HttpResponse<String> inside = asBob("POST", "/api/v1/targets", Map.of("kind", "site", "name", "shop-cdn", "parent", "shop"));
        assertThat(inside.statusCode()).as(inside.body()).isEqualTo(201);
        HttpResponse<String> within = asBob("PATCH", "/api/v1/targets/shop-api", Map.of("parent", "shop-cdn"));
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/targets/shop-api").map()).containsEntry("parent", "shop-cdn");
        // a label grant reaches a new target that carries its labels, under no parent
        assertThat(asBob("POST", "/api/v1/targets", Map.of("kind", "site", "name", "prod-new", "labels", Map.of("env", "prod"))).statusCode()).isEqualTo(201);
    }

    @Test
    void the_web_uis_actions_are_scoped_like_the_apis() {
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-ui", "parent", "shop")));
        HttpResponse<String> here = as(server, bob, "POST", "/ui/targets/shop-ui/operations/hold", "application/x-www-form-urlencoded", "");
        assertThat(here.statusCode()).as(here.body()).isBetween(200, 399);
        HttpResponse<String> there = as(server, bob, "POST", "/ui/targets/blog/operations/hold", "application/x-www-form-urlencoded", "");
        assertThat(there.statusCode()).as(there.body()).isEqualTo(403);
        assertThat(server.get("/api/v1/targets/blog/runs").body()).doesNotContain("hold");
    }

    @Test
    void an_execution_bound_to_a_target_is_steered_where_the_grant_reaches_and_the_actor_is_who_authenticated() {
        HttpResponse<String> run = asBob("POST", "/api/v1/targets/shop-web/operations/hold/runs", Map.of("by", "mallory"));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        String execution = (String) SecuredServer.json(run).get("execution_id");
        assertThat(SecuredServer.json(run)).containsEntry("requested_by", "bob");
        await().atMost(Duration.ofSeconds(15)).until(() -> "RUNNING".equals(server.get("/api/v1/executions/" + execution).map().get("state")));
        HttpResponse<String> paused = asBob("PUT", "/api/v1/executions/" + execution, Map.of("state", "PAUSED", "by", "mallory"));
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> controls = (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/controls").map().get("items");
        assertThat(controls).extracting(c -> c.get("by")).containsOnly("bob");

        String free = (String) ok(server.postJson("/api/v1/executions", Map.of("workflow", "hold"))).get("id");
        assertThat(asBob("PUT", "/api/v1/executions/" + free, Map.of("state", "PAUSED")).statusCode()).isEqualTo(403);
        HttpResponse<String> other = asBob("POST", "/api/v1/targets/blog/operations/hold/runs", Map.of());
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(server.get("/api/v1/targets/blog/runs").body()).doesNotContain("hold");
    }

    @Test
    @SuppressWarnings("unchecked")
    void changes_logins_and_token_events_are_audited_and_a_token_use_once_an_hour() {
        assertThat(asBob("PATCH", "/api/v1/targets/shop/params", Map.of("tier", "gold")).statusCode()).isEqualTo(200);
        assertThat(asBob("PATCH", "/api/v1/targets/blog/params", Map.of("tier", "gold")).statusCode()).isEqualTo(403);
        server.raw("POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "bob", "password", "wrong password!")));
        server.raw("POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "bob", "password", "bob's long password")));
        Map<String, Object> issued = ok(server.postJson("/api/v1/tokens", Map.of("name", "probe", "roles", List.of("viewer"))));
        String probe = (String) issued.get("token");
        for (int i = 0; i < 3; i++) assertThat(as(server, probe, "GET", "/api/v1/workflows", null, null).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        assertThat(as(server, probe, "GET", "/api/v1/workflows", null, null).statusCode()).isEqualTo(200);
        ok(server.send("DELETE", "/api/v1/tokens/" + issued.get("id"), null, null));

        List<Map<String, Object>> bobs = (List<Map<String, Object>>) server.get("/api/v1/audit?actor=bob&limit=100").map().get("items");
        assertThat(bobs).anySatisfy(e -> assertThat(e).containsEntry("action", "PATCH /api/v1/targets/{name}/params").containsEntry("target", "shop")
                .containsEntry("status", 200).containsEntry("actor_kind", "user").isNotNull());
        assertThat(bobs).anySatisfy(e -> assertThat(e).containsEntry("action", "PATCH /api/v1/targets/{name}/params").containsEntry("target", "blog")
                .containsEntry("status", 403));
        assertThat(bobs).anySatisfy(e -> assertThat(e).containsEntry("action", "login").containsEntry("status", 401));
        assertThat(bobs).anySatisfy(e -> assertThat(e).containsEntry("action", "login").containsEntry("status", 200));
        assertThat(bobs).allSatisfy(e -> assertThat(String.valueOf(e)).doesNotContain("bob's long password", "wrong password!"));

        String subject = "token:" + issued.get("id");
        List<Map<String, Object>> tokenEvents = (List<Map<String, Object>>) server.get("/api/v1/audit?action=token.&limit=100").map().get("items");
        assertThat(tokenEvents).filteredOn(e -> subject.equals(e.get("subject"))).extracting(e -> e.get("action"))
                .containsExactly("token.revoke", "token.use", "token.use", "token.issue");
        Map<String, Object> listed = ((List<Map<String, Object>>) server.get("/api/v1/tokens").map().get("items")).stream()
                .filter(t -> t.get("id").equals(issued.get("id"))).findFirst().orElseThrow();
        assertThat(listed.get("last_used_at")).isEqualTo("2026-03-01T11:00:00Z");
        assertThat(listed.get("revoked_at")).isNotNull();

        Map<String, Object> page = server.get("/api/v1/audit?target=shop&since=2026-03-01T00:00:00Z&until=2026-03-02T00:00:00Z&limit=1").map();
        assertThat(((Number) page.get("total")).intValue()).isGreaterThanOrEqualTo(1);
        assertThat((List<?>) page.get("items")).hasSize(1);
        assertThat(server.get("/api/v1/audit?since=yesterday").status()).isEqualTo(400);
    }
}
