package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.SseRecorder;
import io.trailboss.testing.SseRecorder.Received;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The event streams over real HTTP: state first, then live changes and controls, then the end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamTest {
    private static final String GATED = """
            version: '2.0'
            ev_gated:
              tasks:
                first:
                  action: std.echo output=1
                  on-success: gate
                gate:
                  action: std.async_noop
                  on-success: last
                last:
                  action: std.noop
            """;
    private static final String QUICK = """
            version: '2.0'
            ev_quick:
              tasks:
                one:
                  action: std.noop
                  on-success: two
                two:
                  action: std.fail
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", GATED).status()).isEqualTo(200);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", QUICK).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String startExecution(String workflow) {
        return (String) server.postJson("/api/v1/executions", Map.of("workflow", workflow)).map().get("id");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> task(String executionId, String name) {
        var items = (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items");
        return items.stream().filter(t -> name.equals(t.get("name"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private String jobOf(String taskId) {
        var items = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + taskId + "/jobs").map().get("items");
        return (String) items.get(0).get("id");
    }

    private static String describe(Received r) {
        Map<String, Object> d = r.data();
        return switch (r.event()) {
            case "task" -> ((Map<?, ?>) d.get("task")).get("name") + " " + d.get("state");
            case "execution" -> "execution " + d.get("state");
            case "control" -> "control " + d.get("action");
            default -> r.event() + " " + d.getOrDefault("state", "");
        };
    }

    @Test
    void an_execution_stream_sends_the_current_state_then_live_changes_and_controls_in_order_then_ends() {
        String id = startExecution("ev_gated");
        await().atMost(Duration.ofSeconds(10)).until(() -> task(id, "gate") != null && "RUNNING".equals(task(id, "gate").get("state")));

        try (SseRecorder stream = new SseRecorder(server.base + "/api/v1/executions/" + id + "/events")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.events.size() >= 3);
            assertThat(stream.events.subList(0, 3)).extracting(EventStreamTest::describe)
                    .containsExactly("execution RUNNING", "first SUCCESS", "gate RUNNING");
            assertThat(stream.events.subList(0, 3)).allSatisfy(e -> assertThat(e.data()).containsEntry("snapshot", true).containsEntry("execution_id", id));
            assertThat(stream.events.get(1).data().get("task")).isEqualTo(Map.of("name", "first", "id", task(id, "first").get("id")));

            assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\": \"PAUSED\"}").status()).isEqualTo(200);
            assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\": \"RUNNING\"}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.names().stream().filter("execution"::equals).count() >= 3);
            assertThat(server.postJson("/api/v1/jobs/" + jobOf((String) task(id, "gate").get("id")) + "/complete", Map.of("state", "SUCCESS")).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).until(stream::closed);
            // "last RUNNING" is there unless the job ended in the same millisecond and its end was told first
            assertThat(stream.events.stream().map(EventStreamTest::describe).filter(d -> !d.equals("last RUNNING")).toList()).containsExactly(
                    "execution RUNNING", "first SUCCESS", "gate RUNNING",
                    "control pause", "execution PAUSED",
                    "control resume", "execution RUNNING",
                    "gate SUCCESS", "last SUCCESS", "execution SUCCESS",
                    "end SUCCESS");
            // live events carry increasing sequence numbers (also as the SSE id) and their time
            List<Received> live = stream.events.subList(3, stream.events.size() - 1);
            List<Long> seqs = live.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(5);
            assertThat(live).allSatisfy(e -> assertThat((String) e.data().get("at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
            assertThat(stream.events.get(3).data()).containsEntry("kind", "control").containsEntry("action", "pause").containsEntry("execution_id", id);
        }
    }

    @Test
    void a_stream_of_a_finished_execution_sends_its_final_state_and_ends_at_once() {
        String id = startExecution("ev_quick");
        await().atMost(Duration.ofSeconds(10)).until(() -> "ERROR".equals(server.get("/api/v1/executions/" + id).map().get("state")));
        try (SseRecorder stream = new SseRecorder(server.base + "/api/v1/executions/" + id + "/events")) {
            await().atMost(Duration.ofSeconds(5)).until(stream::closed);
            assertThat(stream.events).extracting(EventStreamTest::describe).containsExactly("one SUCCESS", "two ERROR", "execution ERROR", "end ERROR");
            assertThat((String) stream.events.get(1).data().get("state_info")).isNotBlank();
        }
    }

    @Test
    void the_global_stream_sees_the_changes_of_two_executions() {
        try (SseRecorder all = new SseRecorder(server.base + "/api/v1/events")) {
            String a = startExecution("ev_quick");
            String b = startExecution("ev_quick");
            await().atMost(Duration.ofSeconds(10)).until(() -> finished(all, a) && finished(all, b));
            for (String id : List.of(a, b)) {
                List<String> mine = all.events.stream().filter(e -> id.equals(e.data().get("execution_id"))).map(EventStreamTest::describe).toList();
                assertThat(mine).containsSubsequence("one SUCCESS", "two ERROR", "execution ERROR");
                assertThat(mine).doesNotHaveDuplicates();
            }
            List<Long> seqs = all.events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
            assertThat(all.closed()).isFalse();
        }
    }

    private static boolean finished(SseRecorder stream, String id) {
        return stream.events.stream().anyMatch(e -> "execution".equals(e.event()) && id.equals(e.data().get("execution_id")) && "ERROR".equals(e.data().get("state")));
    }

    @Test
    void the_global_stream_starts_with_the_executions_still_running() {
        String id = startExecution("ev_gated");
        await().atMost(Duration.ofSeconds(10)).until(() -> task(id, "gate") != null);
        try (SseRecorder all = new SseRecorder(server.base + "/api/v1/events")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> all.events.stream().anyMatch(e -> id.equals(e.data().get("execution_id")) && "task".equals(e.event())));
            Set<String> seen = new HashSet<>();
            all.events.stream().filter(e -> id.equals(e.data().get("execution_id"))).forEach(e -> seen.add(describe(e)));
            assertThat(seen).contains("execution RUNNING", "gate RUNNING");
            assertThat(server.send("PUT", "/api/v1/executions/" + id, "application/json", "{\"state\": \"CANCELLED\"}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> all.events.stream().anyMatch(e -> id.equals(e.data().get("execution_id")) && "control".equals(e.event())
                    && "cancel".equals(e.data().get("action"))));
        }
    }

    @Test
    void a_stream_of_an_unknown_execution_says_so_and_closes() {
        try (SseRecorder stream = new SseRecorder(server.base + "/api/v1/executions/nope/events")) {
            await().atMost(Duration.ofSeconds(5)).until(stream::closed);
            assertThat(stream.events).singleElement().satisfies(e -> {
                assertThat(e.event()).isEqualTo("error");
                assertThat(e.data()).containsEntry("status", 404).containsEntry("detail", "execution 'nope' does not exist");
            });
        }
    }
}
