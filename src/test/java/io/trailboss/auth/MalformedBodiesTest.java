package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.api.Access;
import io.trailboss.api.ApiServer;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A corpus of bad bodies (broken syntax, wrong types, huge numbers, deep nesting, alias bombs, wrong content
 * types, empty, 9 MB) sent, with the right credentials, to every route that takes a body: always a 4xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedBodiesTest {
    private TestServer server;
    private Probes probes;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        probes = Probes.seed(server);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    record Bad(String name, String contentType, String body) {}

    static List<Bad> corpus() {
        return List.of(
                new Bad("empty json", "application/json", ""),
                new Bad("broken json", "application/json", "{\"name\": "),
                new Bad("json null", "application/json", "null"),
                new Bad("json array", "application/json", "[1, 2, 3]"),
                new Bad("wrong types", "application/json", "{\"name\": 12, \"workflow\": [], \"input\": \"x\", \"params\": 5, \"roles\": {\"a\": 1}, \"state\": 7, \"text\": false, \"values\": [1], \"jobs\": \"x\", \"results\": {}}"),
                new Bad("huge exponent", "application/json", "{\"name\": 1e999999999, \"count\": 1e999999999, \"older_than_days\": 1e999999999, \"expires_in_days\": 1e99999}"),
                new Bad("long number", "application/json", "{\"count\": " + "9".repeat(5000) + "}"),
                new Bad("deep json", "application/json", "[".repeat(100_000) + "]".repeat(100_000)),
                new Bad("deep json object", "application/json", "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)),
                new Bad("broken yaml", "text/yaml", "version: '2.0'\nwf: [a\n  b: c: d"),
                new Bad("alias bomb", "text/yaml", io.trailboss.testing.HostileYaml.ALIAS_BOMB),
                new Bad("deep yaml", "text/yaml", "[".repeat(20_000) + "]".repeat(20_000)),
                new Bad("yaml scalar", "text/yaml", "just text"),
                new Bad("xml", "application/xml", "<a><b/></a>"),
                new Bad("form", "application/x-www-form-urlencoded", "a=b&c=%ZZ"),
                new Bad("control characters", "application/json", "{\"name\": \"\u0000\u0001\ud800\"}"),
                new Bad("nine megabytes", "application/json", "{\"name\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}"));
    }

    /** Routes that read no body: what they are sent is ignored, so they are not in the corpus run. */
    private static boolean takesNoBody(ApiServer.Route r) {
        return r.method().equals("DELETE") || r.path().equals("/logout") || r.path().endsWith("/pause") || r.path().endsWith("/resume")
                || r.path().equals("/api/v1/agent/hello") || r.path().endsWith("/lifecycle/continue") || r.path().endsWith("/disable");
    }

    /**
     * Bad bodies a route rightly accepts: an optional body may be empty; a target's params are any JSON object (so
     * odd names and types are data), a single param's value any JSON value; ARA's PATCH keeps ARA's leniency.
     */
    private static boolean acceptable(ApiServer.Route r, Bad bad) {
        String p = r.path();
        if (bad.name().equals("empty json") && (p.endsWith("/operations/{operation}/runs") || p.equals("/api/v1/agent/inputs"))) return true;
        if (p.equals("/api/v1/targets/{name}/params") || p.startsWith("/ara/api/v1/{resource}/{id}")) {
            return bad.name().equals("wrong types") || bad.name().equals("huge exponent");
        }
        if (p.equals("/api/v1/targets/{name}/params/{param}")) return List.of("wrong types", "huge exponent", "json array").contains(bad.name());
        return false;
    }

    /**
     * Mistral's validation routes (workflows, workbooks, actions) judge a definition: as Mistral 15 does, a bad one is a 200 that says
     * {@code "valid": false} and why (the client prints both columns); saying it is valid would be wrong.
     */
    private static boolean judgedInvalid(ApiServer.Route r, HttpResponse<String> answer) {
        if (!List.of("/mistral/v2/workflows/validate", "/mistral/v2/workbooks/validate", "/mistral/v2/actions/validate").contains(r.path()) || answer.statusCode() != 200) return false;
        Map<String, Object> body = io.trailboss.json.Json.readMap(answer.body());
        return Boolean.FALSE.equals(body.get("valid")) && body.get("error") instanceof String error && !error.isBlank();
    }

    private String credentialFor(ApiServer.Route r) {
        if (r.roles().contains(Access.AGENT)) return probes.agentToken();
        if (r.roles().equals(java.util.Set.of(Access.JOB))) return probes.jobToken();
        return server.adminToken;
    }

    @Test
    void every_route_that_takes_a_body_answers_bad_bodies_with_a_4xx() {
        List<ApiServer.Route> routes = server.api.routes().stream().filter(r -> !r.method().equals("GET") && !r.method().equals("HEAD")).toList();
        assertThat(routes).hasSizeGreaterThan(50);
        List<String> wrong = new ArrayList<>();
        for (ApiServer.Route r : routes) {
            if (takesNoBody(r)) continue;
            for (Bad bad : corpus()) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Authorization", "Bearer " + credentialFor(r));
                headers.put("Content-Type", bad.contentType());
                HttpResponse<String> answer;
                try {
                    answer = server.raw(r.method(), probes.fill(r.path()), headers, bad.body());
                } catch (IllegalStateException e) {
                    wrong.add(r + " with " + bad.name() + ": no answer (" + e.getCause() + ")");
                    continue;
                }
                if (answer.statusCode() >= 500 || (answer.statusCode() < 400 && !acceptable(r, bad) && !judgedInvalid(r, answer))) {
                    wrong.add(r + " with " + bad.name() + " -> " + answer.statusCode() + " " + abbreviate(answer.body()));
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(server.get("/health/live").status()).isEqualTo(200);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
