package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every named thing created over the API (targets, profiles, workflows, operations, stages, triggers) follows
 * one rule: a letter or digit first, then letters, digits, '_', '.', ':', '@' or '-', at most 255. So no name
 * is '..', holds a '/', a quote, a space or a character that turns text around (U+202E).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamesTest {
    private static final List<String> BAD = List.of("..", "..x", "a/b", "a\u202Eb", "a'b", "a\"b", "a b", "-a", "n".repeat(256));
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                nm_noop:
                  tasks:
                    only:
                      action: std.noop
                """).status()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "nm-site")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String path(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void refusedName(TestServer.Answer a, String what, String name) {
        assertThat(a.status()).as(what + " '" + name + "': " + a.body()).isEqualTo(400);
        assertThat(a.body()).as(what + " '" + name + "'").contains("must start with a letter or digit");
    }

    @Test
    void operations_stages_and_triggers_refuse_names_that_targets_refuse() {
        for (String name : BAD) {
            if (!name.contains("/") && !name.startsWith(".")) {
                refusedName(server.send("PUT", "/api/v1/operations/" + path(name), "application/json",
                        "{\"kind\": \"site\", \"workflow\": \"nm_noop\"}"), "operation", name);
                refusedName(server.send("PUT", "/api/v1/stages/" + path(name), "application/json", "{\"workflow\": \"nm_noop\"}"), "stage", name);
                refusedName(server.send("PUT", "/api/v1/triggers/" + path(name), "application/json",
                        "{\"cron\": \"0 * * * *\", \"workflow\": \"nm_noop\"}"), "trigger", name);
            }
            refusedName(server.send("PUT", "/api/v1/operations", "application/json",
                    io.trailboss.json.Json.write(Map.of("operations", Map.of(name, Map.of("kind", "site", "workflow", "nm_noop"))))), "operation", name);
            refusedName(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", name)), "target", name);
            refusedName(server.postJson("/api/v1/profiles", Map.of("name", name)), "profile", name);
            refusedName(server.send("PUT", "/api/v1/stage-maps/kind:site", "application/json", io.trailboss.json.Json.write(Map.of("a", Map.of("next", name)))),
                    "stage", name);
        }
        assertThat(server.get("/api/v1/operations").map().get("items")).isEqualTo(List.of());
        assertThat(server.get("/api/v1/stages").map().get("items")).isEqualTo(List.of());
        assertThat(server.get("/api/v1/triggers").map().get("items")).isEqualTo(List.of());
    }

    @Test
    void workflows_follow_the_same_rule() {
        for (String name : List.of("..", "-x", "a\u202Eb", "_hidden")) {
            TestServer.Answer a = server.send("POST", "/api/v1/workflows/validate", "text/yaml",
                    "version: '2.0'\n'" + name.replace("'", "''") + "':\n  tasks:\n    t:\n      action: std.noop\n");
            assertThat(a.status()).as(name + ": " + a.body()).isEqualTo(400);
            assertThat(a.body()).contains("workflow name").contains("must start with a letter or digit");
        }
    }

    @Test
    void names_that_follow_the_rule_are_taken_by_every_kind_of_thing() {
        String name = "nm-0.ok_name:v2@dc1";
        assertThat(server.send("PUT", "/api/v1/operations/" + name, "application/json", "{\"kind\": \"site\", \"workflow\": \"nm_noop\"}").status()).isEqualTo(200);
        assertThat(server.send("PUT", "/api/v1/stages/" + name, "application/json", "{\"workflow\": \"nm_noop\"}").status()).isEqualTo(200);
        TestServer.Answer trigger = server.send("PUT", "/api/v1/triggers/" + name, "application/json", "{\"cron\": \"0 * * * *\", \"workflow\": \"nm_noop\", \"paused\": true}");
        assertThat(trigger.status()).as(trigger.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/operations/" + name).status()).isEqualTo(200);
        assertThat(server.send("DELETE", "/api/v1/operations/" + name, null, null).status()).isEqualTo(204);
        assertThat(server.send("DELETE", "/api/v1/stages/" + name, null, null).status()).isEqualTo(204);
        assertThat(server.send("DELETE", "/api/v1/triggers/" + name, null, null).status()).isEqualTo(204);
    }
}
