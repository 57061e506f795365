package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text longer than the column that keeps it is refused where it is given, with the field and the limit: a
 * description (4,000), a kind (64), a name (255), a task name (255, checked when the workflow is defined, not
 * at every start); what fits exactly is kept.
 */
class FieldLengthsTest {
    private static final String NOOP = """
            version: '2.0'
            fl_noop:
              tasks:
                only:
                  action: std.noop
            """;

    private static TestServer server(String db) {
        TestServer s = new TestServer(TestDatabases.of(db));
        assertThat(s.send("PUT", "/api/v1/workflows", "text/yaml", NOOP).status()).isEqualTo(200);
        return s;
    }

    private static void refused(TestServer.Answer a, String field, String... says) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        if (field != null) assertThat(a.map()).as(a.body()).containsEntry("field", field);
        for (String s : says) assertThat(a.body()).contains(s);
    }

    private static void ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_description_longer_than_4000_characters_is_refused_everywhere_one_is_given(String db) {
        String fits = "d".repeat(4000);
        String tooLong = "d".repeat(4001);
        try (TestServer s = server(db)) {
            refused(s.send("PUT", "/api/v1/operations/fl-op", "application/json", json(Map.of("kind", "site", "workflow", "fl_noop", "description", tooLong))),
                    "description", "at most 4000 characters");
            assertThat(s.get("/api/v1/operations/fl-op").status()).isEqualTo(404);
            ok(s.send("PUT", "/api/v1/operations/fl-op", "application/json", json(Map.of("kind", "site", "workflow", "fl_noop", "description", fits))));
            refused(s.send("PUT", "/api/v1/stages/fl-stage", "application/json", json(Map.of("workflow", "fl_noop", "description", tooLong))),
                    "description", "at most 4000 characters");
            ok(s.send("PUT", "/api/v1/stages/fl-stage", "application/json", json(Map.of("workflow", "fl_noop", "description", fits))));
            refused(s.postJson("/api/v1/profiles", Map.of("name", "fl-profile", "description", tooLong)), "description", "at most 4000 characters");
            ok(s.postJson("/api/v1/profiles", Map.of("name", "fl-profile", "description", fits)));
            refused(s.send("PATCH", "/api/v1/profiles/fl-profile", "application/json", json(Map.of("description", tooLong))), "description", "at most 4000");
            refused(s.postJson("/api/v1/params", Map.of("name", "fl_param", "description", tooLong)), "description", "at most 4000 characters");
            refused(s.postJson("/api/v1/executions", Map.of("workflow", "fl_noop", "description", tooLong)), "description", "at most 4000 characters");
            refused(s.postJson("/mistral/v2/executions", Map.of("workflow_name", "fl_noop", "description", tooLong)), "description", "at most 4000");
            assertThat(((Number) s.get("/api/v1/executions").map().get("total")).intValue()).isZero();
            ok(s.postJson("/api/v1/executions", Map.of("workflow", "fl_noop", "description", fits)));
            refused(s.send("PUT", "/api/v1/workflows", "text/yaml", NOOP.replace("fl_noop", "fl_described")
                    .replace("  tasks:", "  description: " + tooLong + "\n  tasks:")), null, "line 3, column 16", "at most 4000 characters");
            assertThat(s.get("/api/v1/workflows/fl_described").status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_kind_over_64_and_names_over_255_characters_are_refused_with_the_limit(String db) {
        try (TestServer s = server(db)) {
            refused(s.send("PUT", "/api/v1/operations/fl-kind", "application/json", json(Map.of("kind", "k".repeat(65), "workflow", "fl_noop"))),
                    "kind", "at most 64");
            ok(s.send("PUT", "/api/v1/operations/fl-kind", "application/json", json(Map.of("kind", "k".repeat(64), "workflow", "fl_noop"))));
            refused(s.send("PUT", "/api/v1/stage-maps/kind:site", "application/json", json(Map.of("s".repeat(256), Map.of("next", "b")))),
                    "s".repeat(256), "at most 255");
            refused(s.send("PUT", "/api/v1/stage-maps/kind:site", "application/json", json(Map.of("a", Map.of("next", "n".repeat(256))))),
                    "a.next", "at most 255");
            refused(s.send("PUT", "/api/v1/stage-maps/target:" + "t".repeat(300), "application/json", json(Map.of("a", Map.of("next", "b")))),
                    "scope", "a scope is");
            assertThat(s.get("/api/v1/stage-maps").map().get("items")).isEqualTo(List.of());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_task_name_over_255_characters_is_refused_when_the_workflow_is_defined_and_one_of_255_runs(String db) {
        try (TestServer s = server(db)) {
            String workflow = """
                    version: '2.0'
                    fl_long:
                      tasks:
                        %s:
                          action: std.noop
                    """;
            TestServer.Answer tooLong = s.send("PUT", "/api/v1/workflows", "text/yaml", workflow.formatted("t".repeat(300)));
            refused(tooLong, null, "line 4, column 5", "a task name holds at most 255");
            assertThat(s.get("/api/v1/workflows/fl_long").status()).isEqualTo(404);
            ok(s.send("PUT", "/api/v1/workflows", "text/yaml", workflow.formatted("t".repeat(255))));
            TestServer.Answer started = s.postJson("/api/v1/executions", Map.of("workflow", "fl_long"));
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            String id = (String) started.map().get("id");
            await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCESS".equals(s.get("/api/v1/executions/" + id).map().get("state")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void what_a_workflow_row_keeps_in_4000_characters_and_a_sub_workflows_name_are_checked_at_definition(String db) {
        try (TestServer s = server(db)) {
            String tags = String.join(", ", java.util.Collections.nCopies(500, "tag-name"));
            refused(s.send("PUT", "/api/v1/workflows", "text/yaml", NOOP.replace("fl_noop", "fl_tags").replace("  tasks:", "  tags: [" + tags + "]\n  tasks:")),
                    null, "line 3, column 9", "tags", "at most 4000");
            refused(s.send("PUT", "/api/v1/workflows", "text/yaml", NOOP.replace("fl_noop", "fl_input").replace("  tasks:", "  input:\n    - big: " + "x".repeat(4100) + "\n  tasks:")),
                    null, "line 4, column 5", "at most 4000");
            refused(s.send("PUT", "/api/v1/workflows", "text/yaml", NOOP.replace("fl_noop", "fl_sub").replace("action: std.noop", "workflow: " + "w".repeat(250))),
                    null, "line 5, column 17", "at most 246");
            for (String name : List.of("fl_tags", "fl_input", "fl_sub")) assertThat(s.get("/api/v1/workflows/" + name).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void the_user_header_is_refused_over_200_characters(String db) {
        try (TestServer s = server(db)) {
            String id = (String) s.postJson("/api/v1/executions", Map.of("workflow", "fl_noop")).map().get("id");
            var headers = new java.util.LinkedHashMap<String, String>();
            headers.put("Content-Type", "application/json");
            headers.put(Bodies.USER_HEADER, "u".repeat(201));
            if (s.authorization() != null) headers.put("Authorization", s.authorization());
            var answer = s.raw("PUT", "/mistral/v2/executions/" + id, headers, "{\"state\": \"PAUSED\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains(Bodies.USER_HEADER).contains("at most 200");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_trigger_with_a_name_of_255_characters_fires_and_its_run_says_it_requested_it(String db) {
        try (TestServer s = server(db)) {
            String name = "h".repeat(255);
            TestServer.Answer saved = s.send("PUT", "/api/v1/triggers/" + name, "application/json", json(Map.of("webhook", Map.of("auth", "token"), "workflow", "fl_noop")));
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            var headers = new java.util.LinkedHashMap<String, String>();
            headers.put("Content-Type", "application/json");
            headers.put("X-Trailboss-Token", (String) saved.map().get("secret"));
            var fired = s.raw("POST", "/api/v1/hooks/" + name, headers, "{}");
            assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
            assertThat(fired.body()).contains("STARTED");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void an_ara_result_delegated_to_more_hosts_than_its_column_holds_is_refused_with_a_400(String db) {
        try (TestServer s = server(db)) {
            long playbook = id(s.postJson("/ara/api/v1/playbooks", Map.of("ansible_version", "2.14", "path", "/fl.yml")));
            long play = id(s.postJson("/ara/api/v1/plays", Map.of("playbook", playbook, "uuid", "5254006e-7d3f-8a6b-3a8c-000000000001")));
            long file = id(s.postJson("/ara/api/v1/files", Map.of("playbook", playbook, "path", "/fl.yml", "content", "- hosts: all")));
            long task = id(s.postJson("/ara/api/v1/tasks", Map.of("playbook", playbook, "play", play, "file", file, "name", "t", "action", "ping",
                    "lineno", 1, "handler", false)));
            long host = id(s.postJson("/ara/api/v1/hosts", Map.of("playbook", playbook, "name", "h")));
            List<Long> many = java.util.stream.LongStream.range(1_000_000, 1_001_000).boxed().toList();
            TestServer.Answer result = s.postJson("/ara/api/v1/results", Map.of("playbook", playbook, "play", play, "task", task, "host", host,
                    "status", "ok", "delegated_to", many));
            assertThat(result.status()).as(result.body()).isEqualTo(400);
            assertThat(result.body()).contains("delegated_to").contains("at most 4000");
        }
    }

    private static long id(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return ((Number) a.map().get("id")).longValue();
    }

    private static String json(Object value) {
        return io.trailboss.json.Json.write(value);
    }
}
