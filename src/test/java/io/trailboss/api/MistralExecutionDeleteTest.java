package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.MistralCli.Run;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mistral's execution-delete through its own client: a finished execution goes with everything it owns, a live one
 * only when forced (as Mistral 15: 403 with the reason otherwise), and a forced delete stops what runs.
 */
class MistralExecutionDeleteTest extends MistralClientTestBase {
    /** An execution's state, read over the REST API. */
    private static String state(TestServer s, String id) {
        return String.valueOf(s.get("/mistral/v2/executions/" + id).map().get("state"));
    }

    private static List<String> ids(TestServer s, String sql, Object... args) {
        return s.tb.database().jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) q.bind(i, args[i]);
            return q.mapTo(String.class).list();
        });
    }

    /** Rows of every table that holds something of these executions or their jobs, by table. */
    private static Map<String, Long> owned(TestServer s, List<String> executions, List<String> jobs) {
        Map<String, String> byExecution = Map.of("execution", "id", "task_execution", "execution_id", "job", "execution_id", "timer", "execution_id",
                "task_directive", "execution_id", "control_log", "execution_id", "job_prompt", "execution_id", "idempotency_key", "execution_id");
        Map<String, Long> out = new LinkedHashMap<>();
        s.tb.database().jdbi().useHandle(h -> {
            byExecution.forEach((table, column) -> out.put(table, executions.isEmpty() ? 0L
                    : h.createQuery("select count(*) from " + table + " where " + column + " in (<ids>)").bindList("ids", executions).mapTo(Long.class).one()));
            for (String table : List.of("job_log", "agent_input")) {
                out.put(table, jobs.isEmpty() ? 0L : h.createQuery("select count(*) from " + table + " where job_id in (<ids>)").bindList("ids", jobs).mapTo(Long.class).one());
            }
        });
        return out;
    }

    private static List<String> jobsOf(TestServer s, List<String> executions) {
        return s.tb.database().jdbi().withHandle(h -> h.createQuery("select id from job where execution_id in (<ids>)").bindList("ids", executions).mapTo(String.class).list());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void a_finished_execution_goes_with_its_sub_workflows_tasks_jobs_and_logs_and_nothing_else_changes(String db) throws Exception {
        TestServer s = server(db);
        String p = "del_" + db;
        mistral(s, "workflow-create", file("""
                version: '2.0'
                %1$s_parent:
                  tasks:
                    say:
                      action: shell
                      input:
                        script: echo hello from a job
                      on-success: [child]
                    child:
                      workflow: %1$s_child
                      input:
                        items: [1, 2, 3]
                %1$s_child:
                  input:
                    - items
                  tasks:
                    each:
                      with-items: i in <%% $.items %%>
                      action: std.echo output="<%% $.i %%>"
                """.formatted(p)).toString());
        String kept = mistral(s, "execution-create", p + "_child", "{\"items\": [9]}", "-f", "value", "-c", "ID").trim();
        String parent = mistral(s, "execution-create", p + "_parent", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(s, parent).equals("SUCCESS") && state(s, kept).equals("SUCCESS"));
        List<String> tree = ids(s, "select id from execution where root_execution_id = ?", parent);
        assertThat(tree).hasSize(2);
        List<String> jobs = jobsOf(s, tree);
        assertThat(jobs).hasSize(5); // the script, the sub-workflow, three items
        Map<String, Long> before = owned(s, tree, jobs);
        assertThat(before.get("task_execution")).isEqualTo(3);
        assertThat(before.get("job_log")).isPositive();
        List<String> keptJobs = jobsOf(s, List.of(kept));
        Map<String, Long> keptBefore = owned(s, List.of(kept), keptJobs);

        assertThat(mistral(s, "execution-delete", parent)).contains("Request to delete execution " + parent + " has been accepted.");
        assertThat(owned(s, tree, jobs)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        for (String id : tree) assertThat(run(s, "execution-get", id).out()).contains("execution '" + id + "' does not exist");
        assertThat(owned(s, List.of(kept), keptJobs)).isEqualTo(keptBefore);
        assertThat(state(s, kept)).isEqualTo("SUCCESS");
        assertThat(mistral(s, "execution-list", "-f", "value", "-c", "ID")).contains(kept).doesNotContain(parent);

        Run again = run(s, "execution-delete", parent);
        assertThat(again.code()).isNotZero();
        assertThat(again.out()).contains("execution '" + parent + "' does not exist");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void a_live_execution_is_refused_unless_forced_and_a_forced_delete_stops_its_script(String db) throws Exception {
        TestServer s = server(db);
        String wf = "del_live_" + db;
        Path pidFile = Files.createTempFile("del-live", ".pid");
        mistral(s, "workflow-create", file("""
                version: '2.0'
                %s:
                  tasks:
                    long:
                      action: shell
                      input:
                        script: |
                          echo $$ > %s
                          echo started
                          sleep 120
                    later:
                      action: std.noop
                      wait-before: 600
                """.formatted(wf, pidFile)).toString());
        String id = mistral(s, "execution-create", wf, "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(pidFile).trim().matches("\\d+")
                && !ids(s, "select chunk from job_log where job_id in (select id from job where execution_id = ?)", id).isEmpty());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        mistral(s, "execution-update", id, "-s", "PAUSED");
        List<String> jobs = jobsOf(s, List.of(id));
        Map<String, Long> before = owned(s, List.of(id), jobs);
        assertThat(before.get("control_log")).isPositive();
        assertThat(before.get("timer")).isPositive();

        Run refused = run(s, "execution-delete", id);
        assertThat(refused.code()).isNotZero();
        assertThat(refused.out()).contains("execution " + id + " is PAUSED: only a finished execution can be deleted").contains("--force");
        TestServer.Answer rest = s.send("DELETE", "/mistral/v2/executions/" + id, null, null);
        assertThat(rest.status()).isEqualTo(403);
        assertThat(rest.map().get("faultstring")).asString().contains("only a finished execution can be deleted");
        assertThat(s.send("DELETE", "/mistral/v2/executions/" + id + "?force=perhaps", null, null).map().get("faultstring")).asString()
                .contains("'force' must be true or false");
        assertThat(owned(s, List.of(id), jobs)).isEqualTo(before);
        assertThat(state(s, id)).isEqualTo("PAUSED");

        assertThat(mistral(s, "execution-delete", id, "--force")).contains("has been accepted");
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false);
        // whatever the script's end still had to say is not kept for a job that is gone
        Thread.sleep(500);
        assertThat(owned(s, List.of(id), jobs)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(run(s, "execution-get", id).out()).contains("execution '" + id + "' does not exist");
    }

    @Test
    void a_sub_workflow_execution_can_go_alone_and_its_parent_stays_readable() throws Exception {
        TestServer s = server("h2");
        mistral(s, "workflow-create", file("""
                version: '2.0'
                del_sub_parent:
                  tasks:
                    call:
                      workflow: del_sub_child
                      publish:
                        got: "{{ task().result.said }}"
                del_sub_child:
                  tasks:
                    say:
                      action: std.echo output="hi"
                      publish:
                        said: "{{ task().result }}"
                  output:
                    said: "{{ _.said }}"
                """).toString());
        String parent = mistral(s, "execution-create", "del_sub_parent", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(s, parent).equals("SUCCESS"));
        String child = ids(s, "select id from execution where root_execution_id = ? and id <> ?", parent, parent).getFirst();
        mistral(s, "execution-delete", child);
        assertThat(run(s, "execution-get", child).out()).contains("does not exist");
        assertThat(state(s, parent)).isEqualTo("SUCCESS");
        assertThat(mistral(s, "task-list", parent, "-f", "value", "-c", "Name", "-c", "State").trim()).isEqualTo("call SUCCESS");
        assertThat(mistral(s, "execution-get-report", "--no-errors-only", parent)).contains("task 'call' [SUCCESS]");
        assertThat(mistral(s, "execution-get-output", parent)).contains("\"got\": \"hi\"");
    }

    @Test
    void a_live_execution_of_an_operation_run_is_not_force_deleted_and_once_ended_goes_while_its_run_stays() throws Exception {
        TestServer s = server("h2");
        mistral(s, "workflow-create", file("""
                version: '2.0'
                del_op_wait:
                  tasks:
                    wait:
                      action: std.async_noop
                """).toString());
        assertThat(s.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "del-op-host")).status()).isEqualTo(201);
        assertThat(s.send("PUT", "/api/v1/operations/del_op_wait", "application/json", "{\"kind\": \"machine\", \"workflow\": \"del_op_wait\"}").status()).isEqualTo(200);
        Map<String, Object> started = s.postJson("/api/v1/targets/del-op-host/operations/del_op_wait/runs", Map.of()).map();
        String id = (String) started.get("execution_id");
        String runId = (String) started.get("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(s, id).equals("RUNNING"));

        Run forced = run(s, "execution-delete", id, "--force");
        assertThat(forced.code()).isNotZero();
        assertThat(forced.out()).contains("is RUNNING for run " + runId).contains("cancel it, and delete it once it has ended");
        assertThat(state(s, id)).isEqualTo("RUNNING");

        mistral(s, "execution-update", id, "-s", "CANCELLED");
        await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(s.get("/api/v1/runs/" + runId).map().get("state")));
        mistral(s, "execution-delete", id);
        assertThat(run(s, "execution-get", id).out()).contains("does not exist");
        assertThat(s.get("/api/v1/runs/" + runId).map()).containsEntry("state", "CANCELLED").containsEntry("execution_id", id);
    }

    @Test
    void the_native_api_deletes_the_same_way_and_says_what_went() throws Exception {
        TestServer s = server("h2");
        mistral(s, "workflow-create", file("""
                version: '2.0'
                del_native:
                  tasks:
                    wait:
                      action: std.async_noop
                """).toString());
        String id = mistral(s, "execution-create", "del_native", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(s, id).equals("RUNNING"));
        TestServer.Answer live = s.send("DELETE", "/api/v1/executions/" + id, null, null);
        assertThat(live.status()).isEqualTo(409);
        assertThat(live.map().get("detail")).asString().contains("is RUNNING: only a finished execution can be deleted");
        TestServer.Answer forced = s.send("DELETE", "/api/v1/executions/" + id + "?force=true", null, null);
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.map()).containsEntry("deleted", List.of(id)).containsEntry("tasks", 1).containsEntry("jobs", 1);
        assertThat(s.get("/api/v1/executions/" + id).status()).isEqualTo(404);
    }

    @Test
    void an_unknown_execution_is_a_404_naming_it() throws Exception {
        TestServer s = server("h2");
        Run missing = run(s, "execution-delete", "no-such-execution");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.out()).contains("execution 'no-such-execution' does not exist");
        assertThat(s.send("DELETE", "/mistral/v2/executions/no-such-execution?force=true", null, null).status()).isEqualTo(404);
    }
}
