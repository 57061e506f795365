package io.trailboss.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A template that reaches one of the sandbox's limits fails with a message naming the limit, instead of
 * rendering something shorter: range() longer than 10,000 numbers, a macro calling itself deeper than 20, a
 * list built past 100,000 items.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateLimitsTest {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        TestServer.Answer saved = server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                tl_range:
                  tasks:
                    count:
                      action: std.noop
                      publish:
                        numbers: "{{ range(100000000) | length }}"
                tl_macro:
                  tasks:
                    draw:
                      action: std.echo output="{% macro deeper(n) %}[{{ deeper(n) }}]{% endmacro %}{{ deeper(1) }}"
                tl_tree:
                  tasks:
                    draw:
                      action: std.echo output="{% macro down(n) %}{{ n }}{% if n > 0 %},{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(5) }}"
                tl_loop:
                  tasks:
                    count:
                      action: std.echo output="{% for i in range(20000) %}.{% endfor %}"
                tl_vars:
                  vars:
                    many: "{{ range(0, 1000000, 2) }}"
                  tasks:
                    t:
                      action: std.noop
                """);
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> finished(String workflow) {
        TestServer.Answer started = server.postJson("/api/v1/executions", Map.of("workflow", workflow));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + id).map().get("state")));
        Map<String, Object> task = (Map<String, Object>) ((List<Object>) server.get("/api/v1/executions/" + id + "/tasks").map().get("items")).getFirst();
        Map<String, Object> execution = new java.util.LinkedHashMap<>(server.get("/api/v1/executions/" + id).map());
        execution.put("task", task);
        return execution;
    }

    @Test
    void a_publish_over_a_range_longer_than_the_limit_fails_the_task_naming_the_limit() {
        Map<String, Object> e = finished("tl_range");
        assertThat(e.get("state")).isEqualTo("ERROR");
        assertThat(String.valueOf(((Map<?, ?>) e.get("task")).get("state_info")))
                .contains("range(0, 100000000) would give 100000000 numbers").contains("the limit is 10000");
    }

    @Test
    void a_loop_over_a_range_longer_than_the_limit_fails_the_job_instead_of_stopping_at_the_limit() {
        Map<String, Object> e = finished("tl_loop");
        assertThat(e.get("state")).isEqualTo("ERROR");
        assertThat(String.valueOf(((Map<?, ?>) e.get("task")).get("state_info"))).contains("the limit is 10000");
    }

    @Test
    void a_macro_that_calls_itself_without_end_fails_naming_the_depth_and_one_that_ends_renders() {
        Map<String, Object> endless = finished("tl_macro");
        assertThat(endless.get("state")).isEqualTo("ERROR");
        assertThat(String.valueOf(((Map<?, ?>) endless.get("task")).get("state_info"))).contains("a macro called itself more than 20 deep");
        Map<String, Object> tree = finished("tl_tree");
        assertThat(tree.get("state")).as(tree.toString()).isEqualTo("SUCCESS");
        assertThat(((Map<?, ?>) tree.get("task")).get("result")).isEqualTo("5,4,3,2,1,0");
    }

    @Test
    void a_start_whose_vars_reach_a_limit_is_refused_with_a_400_naming_it() {
        TestServer.Answer a = server.postJson("/api/v1/executions", Map.of("workflow", "tl_vars"));
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.body()).contains("range(0, 1000000, 2) would give 500000 numbers; the limit is 10000");
        assertThat(((Number) server.get("/api/v1/executions?workflow=tl_vars").map().get("total")).intValue()).isZero();
    }

    @Test
    void a_list_built_past_100000_items_fails_naming_the_limit() {
        String hundredAndOne = java.util.stream.IntStream.range(0, 101).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(",", "[", "]"));
        ExpressionException e = org.junit.jupiter.api.Assertions.assertThrows(ExpressionException.class, () -> new Expressions().evaluate(
                "{% set l = [] %}{% for i in range(1000) %}{% do l.extend(" + hundredAndOne + ") %}{% endfor %}{{ l | length }}", Map.of(), EvaluationScope.NONE));
        assertThat(e.getMessage()).contains("at most 100000 items");
    }
}
