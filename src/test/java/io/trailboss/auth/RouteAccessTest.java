package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.api.Access;
import io.trailboss.api.ApiServer;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Walks Javalin's router itself, so a route added later is checked without being listed here: every route
 * has a role; every non-public route refuses an anonymous caller (401), every operator route a viewer, every
 * admin route an operator, every agent or job route an admin's token (403); and the refused requests, aimed
 * at real objects, change nothing in the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteAccessTest {
    private static final String WORKFLOW = """
            version: '2.0'
            probe:
              tasks:
                wait:
                  action: std.async_noop
            """;
    private TestServer server;
    private String viewer;
    private String operator;
    private String executionId;
    private String jobId;
    private String tokenId;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        viewer = SecuredServer.serviceToken(server, "viewer", "viewer");
        operator = SecuredServer.serviceToken(server, "operator", "operator");
        tokenId = (String) ((Map<?, ?>) ((List<?>) server.get("/api/v1/tokens").map().get("items")).getFirst()).get("id");
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "probe")));
        ok(server.postJson("/api/v1/profiles", Map.of("name", "probe", "params", Map.of("a", 1))));
        ok(server.postJson("/api/v1/params", Map.of("name", "probe")));
        ok(server.send("PUT", "/api/v1/operations/probe", "application/json", "{\"kind\": \"machine\", \"workflow\": \"probe\"}"));
        ok(server.send("PUT", "/api/v1/stages/probe", "application/json", "{\"workflow\": \"probe\"}"));
        ok(server.send("PUT", "/api/v1/triggers/probe", "application/json", "{\"workflow\": \"probe\", \"webhook\": {\"auth\": \"token\"}}"));
        ok(server.postJson("/ara/api/v1/playbooks", Map.of("path", "/probe.yml", "status", "running", "ansible_version", "2.14.0")));
        executionId = (String) ok(server.postJson("/api/v1/executions", Map.of("workflow", "probe"))).get("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> jobOf(executionId) != null);
        jobId = jobOf(executionId);
    }

    @SuppressWarnings("unchecked")
    private String jobOf(String execution) {
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items");
        if (tasks.isEmpty()) return null;
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items");
        return jobs.isEmpty() || !"RUNNING".equals(jobs.getFirst().get("state")) ? null : (String) jobs.getFirst().get("id");
    }

    private static Map<String, Object> ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
        return a.body().isEmpty() ? Map.of() : a.map();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    /** A path with its parameters filled: real objects where the route names one, so that a missing check would show. */
    private String fill(String path) {
        String p = path;
        if (p.startsWith("/ara")) p = p.replace("{resource}", "playbooks").replace("{id}", "1");
        if (p.contains("/executions/{id}")) p = p.replace("{id}", executionId);
        if (p.contains("/jobs/{id}") || p.contains("/manual/{job}")) p = p.replace("{id}", jobId).replace("{job}", jobId);
        if (p.contains("/tokens/{id}")) p = p.replace("{id}", tokenId);
        return p.replaceAll("\\{[^}]+}", "probe");
    }

    private List<ApiServer.Route> routes() {
        List<ApiServer.Route> routes = server.api.routes();
        assertThat(routes).hasSizeGreaterThan(100);
        return routes;
    }

    private static boolean unsafe(ApiServer.Route r) {
        return !r.method().equals("GET") && !r.method().equals("HEAD");
    }

    private HttpResponse<String> call(String token, ApiServer.Route r) {
        return unsafe(r) ? as(server, token, r.method(), fill(r.path()), "application/json", "{}") : as(server, token, r.method(), fill(r.path()), null, null);
    }

    @Test
    void every_route_is_registered_with_an_access_role() {
        assertThat(routes()).filteredOn(r -> r.roles().isEmpty()).as("routes registered without an Access role").isEmpty();
    }

    @Test
    void whatever_grants_rights_or_reads_the_audit_is_for_admins_and_the_agent_protocol_for_agents() {
        List<ApiServer.Route> routes = routes();
        assertThat(routes).filteredOn(r -> r.path().startsWith("/api/v1/users") || r.path().startsWith("/api/v1/tokens")
                        || r.path().startsWith("/api/v1/audit") || r.path().startsWith("/api/v1/agents/tokens"))
                .hasSizeGreaterThanOrEqualTo(12).allSatisfy(r -> assertThat(r.roles()).as(r.toString()).isEqualTo(Set.of(Access.ADMIN)));
        assertThat(routes).filteredOn(r -> r.path().startsWith("/api/v1/agent/"))
                .hasSizeGreaterThanOrEqualTo(8).allSatisfy(r -> assertThat(r.roles()).as(r.toString()).isEqualTo(Set.of(Access.AGENT)));
        assertThat(routes).filteredOn(r -> r.roles().contains(Access.PUBLIC)).extracting(ApiServer.Route::path)
                .containsExactlyInAnyOrder("/login", "/login", "/health/live", "/health/ready", "/api/v1/health", "/api/openapi.json", "/api/v1/hooks/{name}");
    }

    @Test
    void refused_requests_of_every_kind_change_nothing() {
        var before = SecuredServer.snapshot(server);
        List<String> wrong = new ArrayList<>();
        for (ApiServer.Route r : routes()) {
            Set<Access> roles = r.roles();
            if (!roles.contains(Access.PUBLIC)) {
                HttpResponse<String> anonymous = call(null, r);
                if (anonymous.statusCode() != 401 || anonymous.headers().firstValue("WWW-Authenticate").isEmpty()
                        || !anonymous.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                    wrong.add("anonymous " + r + " -> " + anonymous.statusCode() + " " + anonymous.body());
                }
            }
            if (!roles.contains(Access.PUBLIC) && !roles.contains(Access.VIEWER)) {
                HttpResponse<String> asViewer = call(viewer, r);
                if (asViewer.statusCode() != 403) wrong.add("viewer " + r + " -> " + asViewer.statusCode() + " " + asViewer.body());
            }
            if (roles.contains(Access.ADMIN) || (!roles.contains(Access.PUBLIC) && !roles.contains(Access.VIEWER) && !roles.contains(Access.OPERATOR))) {
                HttpResponse<String> asOperator = call(operator, r);
                if (asOperator.statusCode() != 403) wrong.add("operator " + r + " -> " + asOperator.statusCode() + " " + asOperator.body());
            }
            if (Set.of(Access.AGENT).equals(roles) || Set.of(Access.JOB).equals(roles)) {
                HttpResponse<String> asAdmin = call(server.adminToken, r);
                if (asAdmin.statusCode() != 403) wrong.add("admin token on " + r + " -> " + asAdmin.statusCode() + " " + asAdmin.body());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(SecuredServer.snapshot(server)).isEqualTo(before);
    }

    @Test
    void a_wrong_token_is_refused_even_where_a_viewer_may_read() {
        HttpResponse<String> r = as(server, "tbk_not-a-token", "GET", "/api/v1/workflows", null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(as(server, viewer, "GET", "/api/v1/workflows", null, null).statusCode()).isEqualTo(200);
        assertThat(as(server, operator, "POST", "/api/v1/executions", "application/json", "{\"workflow\": \"probe\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void the_ara_api_challenges_for_basic_and_a_browser_is_sent_to_the_login_page() {
        HttpResponse<String> ara = as(server, null, "GET", "/ara/api/v1/playbooks", null, null);
        assertThat(ara.statusCode()).isEqualTo(401);
        assertThat(ara.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
        HttpResponse<String> page = server.raw("GET", "/?x=1", Map.of("Accept", "text/html,application/xhtml+xml"), null);
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/login?next=%2F%3Fx%3D1");
        HttpResponse<String> api = server.raw("GET", "/api/v1/workflows", Map.of("Accept", "text/html"), null);
        assertThat(api.statusCode()).isEqualTo(401);
    }
}
