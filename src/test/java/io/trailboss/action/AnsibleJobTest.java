package io.trailboss.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.record.AraCallbackTest;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code ansible} action with real {@code ansible-playbook} and the real ARA callback: one job
 * over two local targets (connection local), its log live, its run recorded and linked to the job,
 * per-host stats and results in the task result, params written back, the temporary directory
 * removed; the same playbook on a remote agent; failures mapped from Ansible's return codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnsibleJobTest {
    private static final String PLAYBOOK = """
                    - name: configure the lab
                      hosts: all
                      gather_facts: false
                      tasks:
                        - name: say hello
                          debug:
                            msg: "{{ greeting }} from {{ inventory_hostname }} on port {{ port }} dir={{ playbook_dir }} pw={{ db_password | default('none') }}"
                        - name: wait so that the log is read while the job runs
                          command: sleep 3
                        - name: fail where asked
                          fail:
                            msg: "asked to fail on {{ inventory_hostname }}"
                          when: inventory_hostname in (fail_on | default([]))
                        - name: write the deployed version back
                          ara_record:
                            key: "trailboss_params:{{ inventory_hostname }}"
                            value: {deployed_version: "v{{ port }}"}
                            type: json
            """;

    private static String workflow(String name, String where) {
        return """
                version: '2.0'
                %s:
                  input:
                    - greeting: hello
                    - fail_on: []
                    - hosts: {labels: {group: lab}}
                  tasks:
                    play:
                      %s
                      action: ansible
                      input:
                        hosts: "{{ _.hosts }}"
                        extra_vars:
                          greeting: "{{ _.greeting }}"
                          fail_on: "{{ _.fail_on }}"
                        playbook: |
                %s
                """.formatted(name, where, PLAYBOOK.indent(10).stripTrailing());
    }

    /** A play that waits long on both hosts: something to interrupt. */
    private static final String LONG_PLAY = """
            version: '2.0'
            long_play:
              tasks:
                play:
                  action: ansible
                  input:
                    hosts: {labels: {group: lab}}
                    playbook: |
                      - hosts: all
                        gather_facts: false
                        tasks:
                          - command: sleep 4242
                  on-success: after
                after:
                  action: std.noop
            """;

    private TestServer server;
    private Process agent;
    private Path agentLog;

    @BeforeAll
    void start() throws IOException {
        AraCallbackTest.requireAnsible();
        server = new TestServer(TestDatabases.h2());
        assertThat(server.postJson("/api/v1/params", Map.of("name", "db_password", "secret", true)).status()).isEqualTo(201);
        for (String name : List.of("lab1", "lab2")) {
            var created = server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", name, "labels", Map.of("group", "lab"),
                    "params", Map.of("ansible_connection", "local", "ansible_python_interpreter", "/usr/bin/python3", "port", name.equals("lab1") ? 8081 : 8082,
                            "db_password", "s3cr3t-" + name)));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "controller", "name", "controller1")).status()).isEqualTo(201);
        var put = server.send("PUT", "/api/v1/workflows", "text/yaml", workflow("configure", "") + workflow("configure_remote", "targets: controller1").replace("version: '2.0'\n", ""));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", LONG_PLAY).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (agent != null) agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (server != null) server.close();
    }

    private String startExecution(String workflow, Map<String, Object> input) {
        var started = server.postJson("/api/v1/executions", Map.of("workflow", workflow, "input", input));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return (String) started.map().get("id");
    }

    private Map<String, Object> finished(String execution) {
        await().atMost(Duration.ofSeconds(120)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + execution).map().get("state")));
        return server.get("/api/v1/executions/" + execution).map();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> task(String execution) {
        return ((List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")).getFirst();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> jobs(String execution) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !((List<?>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")).isEmpty());
        String taskId = (String) task(execution).get("id");
        return (List<Map<String, Object>>) server.get("/api/v1/tasks/" + taskId + "/jobs").map().get("items");
    }

    @Test
    @SuppressWarnings("unchecked")
    void one_job_runs_the_playbook_over_both_targets_streams_its_log_records_the_run_and_writes_params_back() {
        String execution = startExecution("configure", Map.of("greeting", "bonjour"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs(execution).size() == 1);
        String jobId = (String) jobs(execution).getFirst().get("id");
        // the log is readable while ansible-playbook still runs (the sleep task)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> server.get("/api/v1/jobs/" + jobId + "/log").body().contains("TASK [wait so that the log is read while the job runs]"));
        assertThat(server.get("/api/v1/jobs/" + jobId).map().get("state")).isEqualTo("RUNNING");

        var e = finished(execution);
        assertThat(e.get("state")).as(e.get("state_info") + "\n" + server.get("/api/v1/jobs/" + jobId + "/log").body()).isEqualTo("SUCCESS");
        var job = server.get("/api/v1/jobs/" + jobId).map();
        assertThat(jobs(execution)).hasSize(1);
        assertThat(job.get("runner")).isEqualTo("node:" + server.tb.nodes().id());
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat(output.get("exit_code")).isEqualTo(0);
        String log = server.get("/api/v1/jobs/" + jobId + "/log").body();
        assertThat(log).contains("bonjour from lab1 on port 8081").contains("bonjour from lab2 on port 8082").contains("PLAY RECAP");
        // the hosts' secret params reach Ansible as host vars, but never the log, the job or the task in the API
        assertThat(log).contains("pw=********").doesNotContain("s3cr3t");
        assertThat(server.get("/api/v1/jobs/" + jobId).body()).doesNotContain("s3cr3t");
        assertThat(server.get("/api/v1/executions/" + execution + "/tasks").body()).doesNotContain("s3cr3t");

        // per-host stats and results in the task result
        Map<String, Object> result = (Map<String, Object>) task(execution).get("result");
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) result.get("hosts");
        assertThat(hosts).containsOnlyKeys("lab1", "lab2");
        for (String h : List.of("lab1", "lab2")) {
            assertThat(hosts.get(h)).containsEntry("ok", 3).containsEntry("changed", 2).containsEntry("failed", 0).containsEntry("skipped", 1).containsEntry("unreachable", 0);
            List<Map<String, Object>> results = ((Map<String, List<Map<String, Object>>>) result.get("results")).get(h);
            assertThat(results).extracting(r -> r.get("action")).containsExactly("debug", "command", "fail", "ara_record");
            assertThat(results).extracting(r -> r.get("status")).containsExactly("ok", "changed", "skipped", "changed");
        }

        // job -> recording and recording -> job
        long playbook = ((Number) result.get("playbook_id")).longValue();
        var recorded = server.get("/ara/api/v1/playbooks/" + playbook).map();
        assertThat(recorded.get("status")).isEqualTo("completed");
        assertThat((List<Map<String, Object>>) recorded.get("labels")).extracting(l -> l.get("name")).contains("trailboss_job:" + jobId);
        var byLabel = server.get("/ara/api/v1/playbooks?label=trailboss_job:" + jobId).map();
        assertThat(byLabel.get("count")).isEqualTo(1);
        var link = (List<Map<String, Object>>) server.get("/ara/api/v1/records?playbook=" + playbook + "&key=trailboss_job").map().get("results");
        assertThat(link).hasSize(1);
        var linkValue = server.get("/ara/api/v1/records/" + link.getFirst().get("id")).map().get("value");
        assertThat(String.valueOf(linkValue)).contains(jobId).contains(execution);

        // write-back through ara_record, to each host's own target
        assertThat((Map<String, Object>) output.get("written_back")).containsOnlyKeys("lab1", "lab2");
        assertThat(server.get("/api/v1/targets/lab1").body()).contains("\"deployed_version\"").contains("v8081");
        assertThat(server.get("/api/v1/targets/lab2").body()).contains("v8082");
        assertThat(log).contains("[trailboss] params written back to lab1: deployed_version");

        // the temporary directory (playbook_dir) is gone
        Matcher dir = Pattern.compile("dir=(/\\S+)").matcher(log);
        assertThat(dir.find()).isTrue();
        assertThat(Path.of(dir.group(1))).doesNotExist();
    }

    @Test
    void interrupting_an_ansible_task_stops_ansible_playbook_and_the_commands_it_started() {
        String execution = startExecution("long_play", Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> sleepers().size() == 2);
        // this server's own processes (other runs on the machine may have theirs)
        List<ProcessHandle> started = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("ansible-playbook") || p.info().commandLine().orElse("").matches(".*\\bsleep 4242$"))
                .toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(3);
        var interrupted = server.postJson("/api/v1/executions/" + execution + "/controls",
                Map.of("action", "interrupt", "tasks", List.of("play"), "grace_seconds", 2));
        assertThat(interrupted.status()).as(interrupted.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(jobs(execution).getFirst().get("state")).isEqualTo("CANCELLED");
        assertThat(server.postJson("/api/v1/executions/" + execution + "/controls", Map.of("action", "skip", "tasks", List.of("play"))).status()).isEqualTo(200);
        assertThat(finished(execution).get("state")).isEqualTo("SUCCESS");
    }

    /** The `sleep 4242` commands Ansible started on the two local hosts. */
    private static List<ProcessHandle> sleepers() {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").matches(".*\\bsleep 4242$")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_failed_host_fails_the_job_with_ansibles_exit_code_2_and_keeps_the_stats_of_both_hosts() {
        String execution = startExecution("configure", Map.of("fail_on", List.of("lab2")));
        var e = finished(execution);
        assertThat(e.get("state")).isEqualTo("ERROR");
        var job = jobs(execution).getFirst();
        assertThat(job.get("state")).isEqualTo("FAILED");
        assertThat((String) job.get("error")).isEqualTo("ansible-playbook: one or more hosts failed (exit code 2)");
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat(output.get("exit_code")).isEqualTo(2);
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) output.get("hosts");
        assertThat(hosts.get("lab2")).containsEntry("failed", 1);
        assertThat(hosts.get("lab1")).containsEntry("failed", 0).containsEntry("ok", 3);
        assertThat(server.get("/ara/api/v1/playbooks/" + output.get("playbook_id")).map().get("status")).isEqualTo("failed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_unreachable_host_fails_the_job_with_ansibles_exit_code_4() {
        var created = server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "down1",
                "params", Map.of("ansible_connection", "ssh", "ansible_host", "127.0.0.1", "ansible_port", 1, "port", 9)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String execution = startExecution("configure", Map.of("hosts", "down1"));
        assertThat(finished(execution).get("state")).isEqualTo("ERROR");
        var job = jobs(execution).getFirst();
        assertThat((String) job.get("error")).isEqualTo("ansible-playbook: one or more hosts were unreachable (exit code 4)");
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat(((Map<String, Map<String, Object>>) output.get("hosts")).get("down1")).containsEntry("unreachable", 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void limit_tags_and_check_reach_ansible_playbook() {
        var put = server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                limited:
                  tasks:
                    play:
                      action: ansible
                      input:
                        hosts: [lab1, lab2]
                        limit: lab1
                        tags: [picked]
                        check: true
                        playbook: |
                          - hosts: all
                            gather_facts: false
                            tasks:
                              - name: picked
                                debug: {msg: "picked on {{ inventory_hostname }} check={{ ansible_check_mode }}"}
                                tags: [picked]
                              - name: not picked
                                debug: {msg: never}
                                tags: [other]
                """);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        String execution = startExecution("limited", Map.of());
        var e = finished(execution);
        var job = jobs(execution).getFirst();
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(e.get("state")).as(log).isEqualTo("SUCCESS");
        assertThat(log).contains("picked on lab1 check=True").doesNotContain("picked on lab2").doesNotContain("not picked");
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat((Map<String, Object>) output.get("hosts")).containsOnlyKeys("lab1");
        assertThat(((Map<String, List<Map<String, Object>>>) output.get("results")).get("lab1")).extracting(r -> r.get("task")).containsExactly("picked");
        var arguments = (Map<String, Object>) server.get("/ara/api/v1/playbooks/" + output.get("playbook_id")).map().get("arguments");
        assertThat(arguments).containsEntry("check", true).containsEntry("subset", "lab1").containsEntry("tags", List.of("picked"));
    }

    @Test
    void the_documented_example_validates_offline() {
        var result = io.trailboss.cli.CliRun.run("validate", "docs/examples/ansible.yaml");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("valid (configure_lab)");
    }

    @Test
    void an_unknown_target_fails_the_job_before_anything_runs_and_names_the_target() {
        String execution = startExecution("configure", Map.of("hosts", List.of("lab1", "nope")));
        var e = finished(execution);
        assertThat(e.get("state")).isEqualTo("ERROR");
        var job = jobs(execution).getFirst();
        assertThat(job.get("state")).isEqualTo("FAILED");
        assertThat((String) job.get("error")).contains("unknown target 'nope'");
        assertThat(job.get("started_at")).isNull();
    }

    @Test
    void a_malformed_playbook_fails_with_its_line_and_column_and_runs_nothing() {
        server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                broken_playbook:
                  tasks:
                    play:
                      action: ansible
                      input:
                        hosts: lab1
                        playbook: |
                          - hosts: all
                            tasks:
                              - debug: {msg: [unclosed
                """);
        String execution = startExecution("broken_playbook", Map.of());
        var e = finished(execution);
        assertThat(e.get("state")).isEqualTo("ERROR");
        var job = jobs(execution).getFirst();
        assertThat((String) job.get("error")).startsWith("playbook is not valid YAML").contains("line");
        String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
        assertThat(log).doesNotContain("PLAY");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_same_playbook_runs_on_a_remote_agent_that_holds_the_controller_target() throws Exception {
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "ansible-agent", "targets", List.of("controller1")));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        agentLog = Files.createTempFile("trailboss-ansible-agent-", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent",
                "--server", server.base, "--token", (String) issued.map().get("token"), "--target", "controller1")
                .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
        String execution = startExecution("configure_remote", Map.of("greeting", "hi from the agent"));
        var e = finished(execution);
        List<Map<String, Object>> jobs = jobs(execution);
        assertThat(e.get("state")).as(e.get("state_info") + "\n" + Files.readString(agentLog)).isEqualTo("SUCCESS");
        assertThat(jobs).hasSize(1);
        var job = jobs.getFirst();
        assertThat(job.get("target")).isEqualTo("controller1");
        assertThat((String) job.get("runner")).isEqualTo("agent:ansible-agent");
        assertThat(server.get("/api/v1/jobs/" + job.get("id") + "/log").body()).contains("hi from the agent from lab2 on port 8082");
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat((Map<String, Object>) output.get("hosts")).containsOnlyKeys("lab1", "lab2");
        assertThat(output.get("playbook_id")).isNotNull();
        assertThat((Map<String, Object>) output.get("written_back")).containsOnlyKeys("lab1", "lab2");
        List<String> labels = new ArrayList<>();
        ((List<Map<String, Object>>) server.get("/ara/api/v1/playbooks/" + output.get("playbook_id")).map().get("labels")).forEach(l -> labels.add((String) l.get("name")));
        assertThat(labels).contains("trailboss_job:" + job.get("id"));
    }
}
