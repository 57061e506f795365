package io.trailboss.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Task controls on live executions over real HTTP: every control, dry runs, refusals, races, audit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskControlsTest {
    /** gate waits for an external completion, so tests decide when the run moves on. */
    private static final String CHAIN = """
            version: '2.0'
            chain:
              tasks:
                gate:
                  action: std.async_noop
                  on-success: middle
                middle:
                  action: std.echo output=middle
                  tags: [work]
                  on-success: last
                last:
                  action: std.echo output=last
                  tags: [work]
            """;
    private static final String FAN = """
            version: '2.0'
            fan:
              tasks:
                gate:
                  action: std.async_noop
                  on-success: [w1, w2, w3, w4]
                w1: {action: std.noop, tags: [wave]}
                w2: {action: std.noop, tags: [wave]}
                w3: {action: std.noop, tags: [wave]}
                w4: {action: std.noop, tags: [wave]}
            """;
    private static final String FAILING = """
            version: '2.0'
            failing:
              input: [marker]
              tasks:
                flaky:
                  action: shell
                  pause-on-fail: true
                  input:
                    script: |
                      if [ -f "{{ _.marker }}" ]; then echo fixed; exit 0; fi
                      echo broken; exit 3
                  on-success: after
                  on-error: handler
                after:
                  action: std.echo output=after
                handler:
                  action: std.echo output=handled
            """;
    private static final String PLAIN_FAIL = """
            version: '2.0'
            plain_fail:
              tasks:
                gate:
                  action: std.async_noop
                  on-success: breaks
                breaks:
                  action: std.fail
                  on-error: handler
                handler:
                  action: std.echo output=handled
            """;
    private static final String SLEEPER = """
            version: '2.0'
            sleeper:
              input: [pidfile, marker]
              tasks:
                sleepy:
                  action: shell
                  input:
                    script: |
                      if [ -f "{{ _.marker }}" ]; then echo second run; exit 0; fi
                      trap '' TERM
                      sleep 60 &
                      echo "$$ $!" > "{{ _.pidfile }}"
                      echo started
                      wait
                  on-success: done
                done:
                  action: std.echo output=done
            """;
    private static final String CHECKED = """
            version: '2.0'
            checked:
              input:
                - ok: false
              tasks:
                check:
                  action: std.echo output="{{ _.ok }}"
                  fail-on: "{{ not _.ok }}"
                  on-success: finish
                finish:
                  action: std.echo output=finished
            """;

    private static final String PERSON = """
            version: '2.0'
            person:
              tasks:
                ask:
                  action: manual
                  input:
                    instructions: Check the dashboard
                    form:
                      - {name: fine, type: boolean}
                  on-success: next
                next:
                  action: std.echo output=next
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        for (String wf : List.of(CHAIN, FAN, FAILING, PLAIN_FAIL, SLEEPER, CHECKED, PERSON)) {
            assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", wf).status()).isEqualTo(200);
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ------------------------------------------------------------------ helpers

    private String run(String workflow, Map<String, Object> input) {
        var a = server.postJson("/api/v1/executions", Map.of("workflow", workflow, "input", input));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return (String) a.map().get("id");
    }

    private String run(String workflow) {
        return run(workflow, Map.of());
    }

    private TestServer.Answer control(String execution, Map<String, Object> body) {
        return server.postJson("/api/v1/executions/" + execution + "/controls", body);
    }

    private Map<String, Object> ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.map();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> tasks(String execution) {
        return (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items");
    }

    /** The latest state of each task by name, as the API shows it. */
    private Map<String, String> states(String execution) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> t : tasks(execution)) out.put((String) t.get("name"), (String) t.get("state"));
        return out;
    }

    private String executionState(String execution) {
        return (String) server.get("/api/v1/executions/" + execution).map().get("state");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> jobs(String execution, String task) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> t : tasks(execution)) {
            if (task.equals(t.get("name"))) out.addAll((List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items"));
        }
        return out;
    }

    private String openGate(String execution) {
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(states(execution).get("gate")) && !jobs(execution, "gate").isEmpty()
                && "RUNNING".equals(jobs(execution, "gate").getFirst().get("state")));
        return (String) jobs(execution, "gate").getFirst().get("id");
    }

    /** The script's and its child's process ids, once the script has written them. */
    private static List<Long> startedPids(Path pidfile) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidfile) && Files.readString(pidfile).trim().contains(" "));
        return java.util.Arrays.stream(Files.readString(pidfile).trim().split(" ")).map(Long::parseLong).toList();
    }

    private static boolean allDead(List<Long> pids) {
        return pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
    }

    private TestServer.Answer complete(String job) {
        return server.postJson("/api/v1/jobs/" + job + "/complete", Map.of("state", "SUCCESS"));
    }

    private void awaitState(String execution, String state) {
        // on a timeout, say where the execution stood
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(executionState(execution))
                .as("execution %s, tasks %s", execution, states(execution)).isEqualTo(state));
    }

    private void awaitTask(String execution, String task, String state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> state.equals(states(execution).get(task)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> report, String key) {
        return ((List<Map<String, Object>>) report.get(key)).stream().map(t -> (String) t.get("task")).toList();
    }

    // ------------------------------------------------------------------ pause, resume, skip, unskip, block, unblock

    @Test
    void pause_holds_a_task_before_it_starts_and_resume_starts_it() {
        String ex = run("chain");
        String gate = openGate(ex);
        Map<String, Object> r = ok(control(ex, Map.of("action", "pause", "tasks", List.of("middle"))));
        assertThat(names(r, "affected")).containsExactly("middle");
        complete(gate);
        awaitTask(ex, "middle", "PAUSED");
        assertThat(states(ex)).doesNotContainKey("last");
        assertThat(executionState(ex)).isEqualTo("RUNNING");
        assertThat(jobs(ex, "middle")).isEmpty();

        ok(control(ex, Map.of("action", "resume", "tasks", "middle")));
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("middle", "SUCCESS").containsEntry("last", "SUCCESS");
    }

    @Test
    void skip_counts_a_pending_task_as_done_without_running_it_and_its_successors_run() {
        String ex = run("chain");
        String gate = openGate(ex);
        ok(control(ex, Map.of("action", "skip", "tasks", List.of("middle"))));
        complete(gate);
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("middle", "SKIPPED").containsEntry("last", "SUCCESS");
        assertThat(jobs(ex, "middle")).as("a skipped task runs no job").isEmpty();
    }

    @Test
    void skip_of_a_manual_step_waiting_for_a_person_cancels_it_and_its_successors_run() {
        String ex = run("person");
        await().atMost(Duration.ofSeconds(10)).until(() -> !jobs(ex, "ask").isEmpty() && "RUNNING".equals(jobs(ex, "ask").getFirst().get("state")));
        assertThat(server.get("/api/v1/inbox").body()).contains(ex);
        Map<String, Object> r = ok(control(ex, Map.of("action", "skip", "tasks", List.of("ask"))));
        assertThat(names(r, "affected")).containsExactly("ask");
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("ask", "SKIPPED").containsEntry("next", "SUCCESS");
        assertThat(jobs(ex, "ask").getFirst().get("state")).isEqualTo("CANCELLED");
        assertThat(server.get("/api/v1/inbox").body()).doesNotContain(ex);
    }

    @Test
    void unskip_drops_a_pending_skip() {
        String ex = run("chain");
        String gate = openGate(ex);
        ok(control(ex, Map.of("action", "skip", "tasks", List.of("middle"))));
        ok(control(ex, Map.of("action", "unskip", "tasks", List.of("middle"))));
        complete(gate);
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("middle", "SUCCESS");
        assertThat(jobs(ex, "middle")).hasSize(1);
    }

    @Test
    void block_keeps_a_task_and_its_successors_from_running_until_unblocked() {
        String ex = run("chain");
        String gate = openGate(ex);
        ok(control(ex, Map.of("action", "block", "tasks", List.of("middle"))));
        complete(gate);
        awaitTask(ex, "middle", "BLOCKED");
        assertThat(states(ex)).doesNotContainKey("last");
        assertThat(executionState(ex)).as("a blocked task keeps the execution open").isEqualTo("RUNNING");

        ok(control(ex, Map.of("action", "unblock", "tasks", List.of("middle"))));
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("middle", "SUCCESS").containsEntry("last", "SUCCESS");
    }

    @Test
    void held_task_can_be_skipped_or_blocked_while_it_waits() {
        String ex = run("chain");
        String gate = openGate(ex);
        ok(control(ex, Map.of("action", "pause", "tag", "work")));
        complete(gate);
        awaitTask(ex, "middle", "PAUSED");
        ok(control(ex, Map.of("action", "skip", "tasks", List.of("middle"))));
        awaitTask(ex, "last", "PAUSED");
        ok(control(ex, Map.of("action", "block", "tasks", List.of("last"))));
        assertThat(states(ex)).containsEntry("middle", "SKIPPED").containsEntry("last", "BLOCKED");
        ok(control(ex, Map.of("action", "skip", "tasks", List.of("last"))));
        awaitState(ex, "SUCCESS");
    }

    @Test
    void release_starts_the_next_n_held_tasks_oldest_first() {
        String ex = run("fan");
        String gate = openGate(ex);
        ok(control(ex, Map.of("action", "pause", "tag", "wave")));
        complete(gate);
        await().atMost(Duration.ofSeconds(10)).until(() -> states(ex).values().stream().filter("PAUSED"::equals).count() == 4);

        Map<String, Object> preview = ok(control(ex, Map.of("action", "release", "count", 2, "dry_run", true)));
        assertThat(names(preview, "affected")).containsExactly("w1", "w2");
        assertThat(names(preview, "not_eligible")).contains("w3", "w4", "gate");
        assertThat(states(ex).values().stream().filter("PAUSED"::equals).count()).as("a dry run changes nothing").isEqualTo(4);

        ok(control(ex, Map.of("action", "release", "count", 2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(states(ex).get("w1")) && "SUCCESS".equals(states(ex).get("w2")));
        assertThat(states(ex)).containsEntry("w3", "PAUSED").containsEntry("w4", "PAUSED");
        ok(control(ex, Map.of("action", "release", "count", 5)));
        awaitState(ex, "SUCCESS");
    }

    // ------------------------------------------------------------------ pause-on-fail, rerun

    @Test
    void pause_on_fail_holds_a_failed_task_and_rerun_runs_it_again(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path marker = dir.resolve("fixed");
        String ex = run("failing", Map.of("marker", marker.toString()));
        awaitTask(ex, "flaky", "PAUSED");
        assertThat(executionState(ex)).isEqualTo("RUNNING");
        assertThat(states(ex)).doesNotContainKey("handler");

        Files.writeString(marker, "x");
        Map<String, Object> r = ok(control(ex, Map.of("action", "rerun", "tasks", List.of("flaky"))));
        assertThat(names(r, "affected")).containsExactly("flaky");
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("flaky", "SUCCESS").containsEntry("after", "SUCCESS").doesNotContainKey("handler");
        assertThat(jobs(ex, "flaky")).extracting(j -> j.get("state")).containsExactly("FAILED", "SUCCEEDED");
    }

    @Test
    void resume_of_a_task_held_by_pause_on_fail_follows_on_error(@org.junit.jupiter.api.io.TempDir Path dir) {
        String ex = run("failing", Map.of("marker", dir.resolve("never").toString()));
        awaitTask(ex, "flaky", "PAUSED");
        ok(control(ex, Map.of("action", "resume", "tasks", List.of("flaky"))));
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("flaky", "ERROR").containsEntry("handler", "SUCCESS").doesNotContainKey("after");
    }

    @Test
    void skip_of_a_task_held_by_pause_on_fail_lets_its_successors_run(@org.junit.jupiter.api.io.TempDir Path dir) {
        String ex = run("failing", Map.of("marker", dir.resolve("never").toString()));
        awaitTask(ex, "flaky", "PAUSED");
        ok(control(ex, Map.of("action", "skip", "tasks", List.of("flaky"))));
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("flaky", "SKIPPED").containsEntry("after", "SUCCESS").doesNotContainKey("handler");
    }

    @Test
    void pause_on_fail_can_be_set_and_unset_on_a_live_execution() {
        String held = run("plain_fail");
        String gate = openGate(held);
        ok(control(held, Map.of("action", "set-pause-on-fail", "tasks", List.of("breaks"))));
        complete(gate);
        awaitTask(held, "breaks", "PAUSED");
        ok(control(held, Map.of("action", "resume", "tasks", List.of("breaks"))));
        awaitState(held, "SUCCESS");
        assertThat(states(held)).containsEntry("breaks", "ERROR").containsEntry("handler", "SUCCESS");

        String unset = run("plain_fail");
        String gate2 = openGate(unset);
        ok(control(unset, Map.of("action", "set-pause-on-fail", "tasks", List.of("breaks"))));
        ok(control(unset, Map.of("action", "unset-pause-on-fail", "tasks", List.of("breaks"))));
        complete(gate2);
        awaitState(unset, "SUCCESS");
        assertThat(states(unset)).containsEntry("breaks", "ERROR").containsEntry("handler", "SUCCESS");
    }

    // ------------------------------------------------------------------ interrupt

    @Test
    void interrupt_stops_a_running_job_with_sigterm_then_sigkill_and_rerun_runs_it_again(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pidfile = dir.resolve("pids");
        Path marker = dir.resolve("second");
        String ex = run("sleeper", Map.of("pidfile", pidfile.toString(), "marker", marker.toString()));
        List<Long> pids = startedPids(pidfile);

        Map<String, Object> r = ok(control(ex, Map.of("action", "interrupt", "tasks", List.of("sleepy"), "grace_seconds", 1)));
        assertThat(names(r, "affected")).containsExactly("sleepy");
        assertThat(states(ex)).containsEntry("sleepy", "INTERRUPTED");
        assertThat(jobs(ex, "sleepy").getFirst().get("state")).isEqualTo("CANCELLED");
        // the script ignores SIGTERM: only the SIGKILL after the grace period ends it and its child
        await().atMost(Duration.ofSeconds(8)).until(() -> allDead(pids));
        assertThat(executionState(ex)).as("an interrupted task waits for a decision").isEqualTo("RUNNING");

        Files.writeString(marker, "x");
        ok(control(ex, Map.of("action", "rerun", "tasks", List.of("sleepy"))));
        awaitState(ex, "SUCCESS");
        assertThat(jobs(ex, "sleepy")).extracting(j -> j.get("state")).containsExactly("CANCELLED", "SUCCEEDED");
    }

    @Test
    void cancel_of_an_execution_stops_its_running_processes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pidfile = dir.resolve("pids");
        String ex = run("sleeper", Map.of("pidfile", pidfile.toString(), "marker", dir.resolve("never").toString()));
        List<Long> pids = startedPids(pidfile);
        var a = server.send("PUT", "/api/v1/executions/" + ex, "application/json", "{\"state\": \"CANCELLED\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        // default grace: 10 s before SIGKILL for a script that ignores SIGTERM
        await().atMost(Duration.ofSeconds(20)).until(() -> allDead(pids));
        assertThat(executionState(ex)).isEqualTo("CANCELLED");
    }

    // ------------------------------------------------------------------ dry runs, refusals, audit

    @Test
    void dry_run_lists_what_a_control_would_do_and_changes_nothing() {
        String ex = run("chain");
        openGate(ex);
        Map<String, Object> r = ok(control(ex, Map.of("action", "pause", "dry_run", true)));
        assertThat(r.get("dry_run")).isEqualTo(true);
        assertThat(names(r, "affected")).containsExactly("middle", "last");
        assertThat(names(r, "not_eligible")).containsExactly("gate");
        @SuppressWarnings("unchecked")
        var gateNote = ((List<Map<String, Object>>) r.get("not_eligible")).getFirst();
        assertThat(gateNote.get("state")).isEqualTo("RUNNING");
        assertThat((String) gateNote.get("note")).contains("already started");

        complete((String) jobs(ex, "gate").getFirst().get("id"));
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("middle", "SUCCESS").containsEntry("last", "SUCCESS");
        assertThat((List<?>) server.get("/api/v1/executions/" + ex + "/controls").map().get("items")).as("a dry run is not audited").isEmpty();
    }

    @Test
    void invalid_controls_get_a_409_or_404_naming_each_task_state_and_change_nothing() {
        String ex = run("chain");
        openGate(ex);

        var unknownTask = control(ex, Map.of("action", "skip", "tasks", List.of("nope")));
        assertThat(unknownTask.status()).isEqualTo(404);
        assertThat(unknownTask.body()).contains("no task 'nope'").contains("gate, middle, last");

        var unknownExecution = control("no-such-execution", Map.of("action", "skip", "tasks", List.of("middle")));
        assertThat(unknownExecution.status()).isEqualTo(404);

        var unknownTag = control(ex, Map.of("action", "skip", "tag", "nope"));
        assertThat(unknownTag.status()).isEqualTo(404);

        // named tasks: one not eligible refuses the whole request
        var wrongState = control(ex, Map.of("action", "interrupt", "tasks", List.of("gate", "middle")));
        assertThat(wrongState.status()).isEqualTo(409);
        assertThat(wrongState.body()).contains("middle (PENDING): is not running");
        @SuppressWarnings("unchecked")
        var listed = (List<Map<String, Object>>) wrongState.map().get("tasks");
        assertThat(listed).extracting(t -> t.get("task") + "=" + t.get("state") + ":" + t.get("verdict"))
                .containsExactly("gate=RUNNING:eligible", "middle=PENDING:not eligible");
        assertThat(states(ex)).containsEntry("gate", "RUNNING");
        assertThat(jobs(ex, "gate").getFirst().get("state")).as("nothing changed").isEqualTo("RUNNING");

        assertThat(control(ex, Map.of("action", "dance")).status()).isEqualTo(400);
        assertThat(control(ex, Map.of("action", "skip", "count", 2)).status()).isEqualTo(400);
        assertThat(control(ex, Map.of("action", "skip", "state", "SLEEPING")).status()).isEqualTo(400);
        assertThat(control(ex, Map.of("action", "skip", "surprise", true)).status()).isEqualTo(400);
        assertThat(control(ex, Map.of("action", "unblock", "tasks", List.of("middle"))).status()).isEqualTo(409);

        complete((String) jobs(ex, "gate").getFirst().get("id"));
        awaitState(ex, "SUCCESS");
        var finished = control(ex, Map.of("action", "skip", "tasks", List.of("last")));
        assertThat(finished.status()).isEqualTo(409);
        assertThat(finished.body()).contains("is SUCCESS");
        assertThat((List<?>) server.get("/api/v1/executions/" + ex + "/controls").map().get("items")).isEmpty();
    }

    @Test
    void controls_are_audited_with_who_when_and_which_tasks_and_streamed_as_events() {
        String ex = run("chain");
        String gate = openGate(ex);
        io.trailboss.testing.SseRecorder events = new io.trailboss.testing.SseRecorder(server.base + "/api/v1/executions/" + ex + "/events");
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.events.isEmpty());
        var a = server.send("POST", "/api/v1/executions/" + ex + "/controls", "application/json", "{\"action\": \"skip\", \"tag\": \"work\", \"by\": \"alice\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        var paused = server.send("PUT", "/api/v1/executions/" + ex, "application/json", "{\"state\": \"PAUSED\", \"by\": \"bob\"}");
        assertThat(paused.status()).isEqualTo(200);
        server.send("PUT", "/api/v1/executions/" + ex, "application/json", "{\"state\": \"RUNNING\"}");
        complete(gate);
        awaitState(ex, "SUCCESS");
        @SuppressWarnings("unchecked")
        var audit = (List<Map<String, Object>>) server.get("/api/v1/executions/" + ex + "/controls").map().get("items");
        assertThat(audit).extracting(c -> c.get("action") + " by " + c.get("by")).containsExactly("skip by alice", "pause by bob", "resume by anonymous");
        assertThat(audit.getFirst().get("tasks")).isEqualTo(List.of("middle", "last"));
        assertThat(audit.getFirst().get("selector")).isEqualTo(Map.of("tag", "work"));
        assertThat((String) audit.getFirst().get("at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        await().atMost(Duration.ofSeconds(5)).until(events::closed);
        events.close();
        assertThat(events.events).filteredOn(e -> "control".equals(e.event())).extracting(e -> e.data().get("action") + " " + e.data().get("tasks"))
                .containsExactly("skip [middle, last]", "pause null", "resume null");
        assertThat(events.events).filteredOn(e -> "task".equals(e.event()) && "SKIPPED".equals(e.data().get("state"))).hasSize(2);
    }

    // ------------------------------------------------------------------ races

    @Test
    void a_skip_arriving_while_the_previous_job_runs_applies_when_the_task_is_reached() {
        String ex = run("chain");
        String gate = openGate(ex);
        CompletableFuture<TestServer.Answer> skip = CompletableFuture.supplyAsync(() -> control(ex, Map.of("action", "skip", "tasks", List.of("last"))));
        complete(gate);
        assertThat(skip.join().status()).isIn(200, 409);
        awaitState(ex, "SUCCESS");
        if (skip.join().status() == 200) assertThat(states(ex)).containsEntry("last", "SKIPPED");
        else assertThat(states(ex)).containsEntry("last", "SUCCESS");
    }

    @Test
    void a_completion_racing_an_interrupt_lets_exactly_one_of_them_win() {
        for (int i = 0; i < 10; i++) {
            String ex = run("chain");
            String gate = openGate(ex);
            CompletableFuture<TestServer.Answer> interrupt = CompletableFuture.supplyAsync(() -> control(ex, Map.of("action", "interrupt", "tasks", List.of("gate"))));
            CompletableFuture<TestServer.Answer> completion = CompletableFuture.supplyAsync(() -> complete(gate));
            int i1 = interrupt.join().status();
            int c1 = completion.join().status();
            assertThat(List.of(i1, c1)).as("interrupt %s, completion %s, tasks %s, jobs %s", interrupt.join().body(), completion.join().body(), states(ex), jobs(ex, "gate")).containsExactlyInAnyOrder(200, 409);
            if (i1 == 200) {
                assertThat(states(ex)).containsEntry("gate", "INTERRUPTED");
                ok(control(ex, Map.of("action", "skip", "tasks", List.of("gate"))));
            }
            awaitState(ex, "SUCCESS");
        }
    }

    // ------------------------------------------------------------------ rerun of an execution

    @Test
    void rerun_of_a_failed_execution_runs_its_failed_tasks_again_with_changed_input() {
        String ex = run("checked");
        awaitState(ex, "ERROR");
        Map<String, Object> preview = ok(server.postJson("/api/v1/executions/" + ex + "/rerun", Map.of("dry_run", true)));
        assertThat(names(preview, "affected")).containsExactly("check");
        assertThat(executionState(ex)).isEqualTo("ERROR");

        Map<String, Object> r = ok(server.postJson("/api/v1/executions/" + ex + "/rerun", Map.of("input", Map.of("ok", true), "env", Map.of("stage", "retry"), "by", "carol")));
        assertThat(names(r, "affected")).containsExactly("check");
        awaitState(ex, "SUCCESS");
        assertThat(states(ex)).containsEntry("check", "SUCCESS").containsEntry("finish", "SUCCESS");
        @SuppressWarnings("unchecked")
        var input = (Map<String, Object>) server.get("/api/v1/executions/" + ex).map().get("input");
        assertThat(input).containsEntry("ok", true);
        assertThat(server.get("/api/v1/executions/" + ex).map().get("params")).isEqualTo(Map.of("env", Map.of("stage", "retry")));
        @SuppressWarnings("unchecked")
        var audit = (List<Map<String, Object>>) server.get("/api/v1/executions/" + ex + "/controls").map().get("items");
        assertThat(audit).extracting(c -> c.get("action") + " by " + c.get("by")).containsExactly("rerun by carol");
    }

    @Test
    void rerun_from_a_chosen_task_of_a_finished_execution_runs_it_and_what_follows() {
        String ex = run("checked", Map.of("ok", true));
        awaitState(ex, "SUCCESS");
        ok(server.postJson("/api/v1/executions/" + ex + "/rerun", Map.of("task", "finish")));
        awaitState(ex, "SUCCESS");
        assertThat(tasks(ex)).extracting(t -> t.get("name")).containsExactly("check", "finish", "finish");
    }

    @Test
    void rerun_is_refused_for_a_running_execution_an_unknown_task_or_nothing_failed() {
        String live = run("chain");
        openGate(live);
        var running = server.postJson("/api/v1/executions/" + live + "/rerun", Map.of());
        assertThat(running.status()).isEqualTo(409);
        assertThat(running.body()).contains("RUNNING");

        String done = run("checked", Map.of("ok", true));
        awaitState(done, "SUCCESS");
        assertThat(server.postJson("/api/v1/executions/" + done + "/rerun", Map.of()).status()).isEqualTo(409);
        assertThat(server.postJson("/api/v1/executions/" + done + "/rerun", Map.of("task", "nope")).status()).isEqualTo(404);
        assertThat(server.postJson("/api/v1/executions/" + done + "/rerun", Map.of("task", "finish", "input", Map.of("unknown", 1))).status()).isEqualTo(400);
        assertThat(executionState(done)).isEqualTo("SUCCESS");
    }
}
