package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.record.AraCallbackTest;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With authentication required, an {@code ansible} job records its run through the real ARA callback with
 * its own job token (HTTP Basic), reads it back and writes params back with the same token (audited as the job).
 */
class AnsibleWithAuthTest {
    @Test
    @SuppressWarnings("unchecked")
    void the_real_ara_callback_records_with_the_job_token_when_authentication_is_required() {
        AraCallbackTest.requireAnsible();
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "lab1", "labels", Map.of("group", "lab"),
                    "params", Map.of("ansible_connection", "local", "ansible_python_interpreter", "/usr/bin/python3"))));
            Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                    version: '2.0'
                    play:
                      tasks:
                        run:
                          action: ansible
                          input:
                            hosts: {labels: {group: lab}}
                            playbook: |
                              - hosts: all
                                gather_facts: false
                                tasks:
                                  - debug: {msg: hello}
                                  - ara_record:
                                      key: "trailboss_params:{{ inventory_hostname }}"
                                      value: {deployed: "yes"}
                                      type: json
                    """));
            String execution = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "play"))).get("id");
            await().atMost(Duration.ofSeconds(120)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + execution).map().get("state")));
            Map<String, Object> task = ((List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")).getFirst();
            Map<String, Object> job = ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + task.get("id") + "/jobs").map().get("items")).getFirst();
            String log = server.get("/api/v1/jobs/" + job.get("id") + "/log").body();
            assertThat(server.get("/api/v1/executions/" + execution).map().get("state")).as(log).isEqualTo("SUCCESS");
            assertThat(log).doesNotContain("Failed to post", "401", "this run is not recorded");
            Map<String, Object> output = (Map<String, Object>) job.get("output");
            long playbook = ((Number) output.get("playbook_id")).longValue();
            Map<String, Object> recorded = server.get("/ara/api/v1/playbooks/" + playbook).map();
            assertThat(recorded).containsEntry("status", "completed");
            assertThat(((List<Map<String, Object>>) recorded.get("labels")).stream().map(l -> l.get("name")).toList()).contains("trailboss_job:" + job.get("id"));
            assertThat((Map<String, Object>) output.get("written_back")).containsOnlyKeys("lab1");
            assertThat(server.get("/api/v1/targets/lab1/params").body()).contains("deployed");
            assertThat(server.get("/api/v1/audit?action=PATCH").body()).contains("job:" + job.get("id"));
        }
    }
}
