package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.action.AnsibleAction;
import io.trailboss.json.Json;
import io.trailboss.record.Recordings;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A running job's token writes through /ara only the recordings of playbooks its own job created and
 * what lies below them; any other playbook (another job's, a person's) is a 403 and stays as it was.
 * People with the operator role keep full access.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRecordingScopeTest {
    private static final String ARA = "/ara/api/v1";
    private TestServer server;
    private String jobA;
    private String jobB;
    private String tokenA;
    private String tokenB;
    private String operator;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        operator = SecuredServer.serviceToken(server, "ops", "operator");
        Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                two:
                  tasks:
                    a:
                      action: std.async_noop
                    b:
                      action: std.async_noop
                """));
        String execution = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "two"))).get("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items");
            if (tasks.size() < 2) return false;
            for (var t : tasks) {
                var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items");
                if (jobs.isEmpty() || !"RUNNING".equals(jobs.getFirst().get("state"))) return false;
                if (t.get("name").equals("a")) jobA = (String) jobs.getFirst().get("id");
                else jobB = (String) jobs.getFirst().get("id");
            }
            return true;
        });
        // a running job's token goes only to its runner: give both jobs known ones (stored, like any, as their SHA-256)
        tokenA = "tbj_" + jobA + ".secret-a-" + java.util.UUID.randomUUID();
        tokenB = "tbj_" + jobB + ".secret-b-" + java.util.UUID.randomUUID();
        server.tb.database().jdbi().useHandle(h -> {
            h.createUpdate("update job set token = :hash where id = :id").bind("hash", Passwords.sha256(tokenA)).bind("id", jobA).execute();
            h.createUpdate("update job set token = :hash where id = :id").bind("hash", Passwords.sha256(tokenB)).bind("id", jobB).execute();
        });
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** As the ARA callback sends it: HTTP Basic, user "job", the job's token as the password. */
    private HttpResponse<String> asJob(String token, String method, String path, Object body) {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("job:" + token).getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = body == null ? Map.of("Authorization", basic) : Map.of("Authorization", basic, "Content-Type", "application/json");
        return server.raw(method, path, headers, body == null ? null : Json.write(body));
    }

    private long created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ((Number) Json.readMap(r.body()).get("id")).longValue();
    }

    /** A playbook with a play, file, task, host and result below it, written with the given token. */
    private Map<String, Long> recording(String token) {
        long playbook = created(asJob(token, "POST", ARA + "/playbooks", Map.of("path", "/site.yml", "ansible_version", "2.14.0", "status", "running")));
        return below(token, playbook);
    }

    private Map<String, Long> below(String token, long playbook) {
        long play = created(asJob(token, "POST", ARA + "/plays", Map.of("name", "p", "uuid", "u-" + playbook, "playbook", playbook)));
        long file = created(asJob(token, "POST", ARA + "/files", Map.of("path", "/site.yml", "content", "- hosts: all", "playbook", playbook)));
        long task = created(asJob(token, "POST", ARA + "/tasks", Map.of("name", "t", "action", "ping", "lineno", 1, "handler", false,
                "play", play, "file", file, "playbook", playbook)));
        long host = created(asJob(token, "POST", ARA + "/hosts", Map.of("name", "web1", "playbook", playbook)));
        long result = created(asJob(token, "POST", ARA + "/results", Map.of("status", "ok", "host", host, "task", task, "play", play, "playbook", playbook)));
        long record = created(asJob(token, "POST", ARA + "/records", Map.of("key", "k", "value", "v", "playbook", playbook)));
        return Map.of("playbooks", playbook, "plays", play, "files", file, "tasks", task, "hosts", host, "results", result, "records", record);
    }

    @Test
    void a_job_writes_what_lies_below_the_playbooks_it_created() {
        Map<String, Long> mine = recording(tokenA);
        assertThat(asJob(tokenA, "PATCH", ARA + "/playbooks/" + mine.get("playbooks"), Map.of("status", "completed",
                "labels", List.of("trailboss_job:" + jobA, "site"))).statusCode()).isEqualTo(200);
        assertThat(asJob(tokenA, "PATCH", ARA + "/hosts/" + mine.get("hosts"), Map.of("ok", 1)).statusCode()).isEqualTo(200);
        assertThat(asJob(tokenA, "PATCH", ARA + "/tasks/" + mine.get("tasks"), Map.of("status", "completed")).statusCode()).isEqualTo(200);
        assertThat(asJob(tokenA, "DELETE", ARA + "/records/" + mine.get("records"), null).statusCode()).isEqualTo(204);
    }

    @Test
    void a_job_may_not_write_to_another_jobs_playbook_or_to_one_a_person_recorded() {
        Map<String, Long> theirs = recording(tokenB);
        long byPerson = ((Number) SecuredServer.json(SecuredServer.as(server, operator, "POST", ARA + "/playbooks", "application/json",
                Json.write(Map.of("path", "/ops.yml", "ansible_version", "2.14.0")))).get("id")).longValue();
        var before = SecuredServer.snapshot(server);
        for (var e : theirs.entrySet()) {
            HttpResponse<String> patch = asJob(tokenA, "PATCH", ARA + "/" + e.getKey() + "/" + e.getValue(), Map.of());
            assertThat(patch.statusCode()).as("PATCH " + e.getKey()).isEqualTo(403);
            assertThat(Json.readMap(patch.body()).get("detail").toString()).contains("job " + jobA + " may write only the recordings of playbooks it created");
            assertThat(asJob(tokenA, "PUT", ARA + "/" + e.getKey() + "/" + e.getValue(), Map.of()).statusCode()).as("PUT " + e.getKey()).isEqualTo(403);
            assertThat(asJob(tokenA, "DELETE", ARA + "/" + e.getKey() + "/" + e.getValue(), null).statusCode()).as("DELETE " + e.getKey()).isEqualTo(403);
        }
        assertThat(asJob(tokenA, "PATCH", ARA + "/playbooks/" + byPerson, Map.of("status", "failed")).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "DELETE", ARA + "/playbooks/" + byPerson, null).statusCode()).isEqualTo(403);
        // nor create below them
        long playbook = theirs.get("playbooks");
        assertThat(asJob(tokenA, "POST", ARA + "/plays", Map.of("uuid", "x", "playbook", playbook)).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "POST", ARA + "/hosts", Map.of("name", "web9", "playbook", byPerson)).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "POST", ARA + "/records", Map.of("key", "x", "value", "y", "playbook", playbook)).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "POST", ARA + "/results", Map.of("status", "ok", "host", theirs.get("hosts"), "task", theirs.get("tasks"),
                "play", theirs.get("plays"), "playbook", playbook)).statusCode()).isEqualTo(403);
        assertThat(SecuredServer.snapshot(server)).isEqualTo(before);
    }

    @Test
    void a_job_may_not_link_its_objects_to_another_playbooks_or_label_a_playbook_as_another_jobs() {
        Map<String, Long> theirs = recording(tokenB);
        long mine = created(asJob(tokenA, "POST", ARA + "/playbooks", Map.of("path", "/mine.yml", "ansible_version", "2.14.0")));
        long myPlay = created(asJob(tokenA, "POST", ARA + "/plays", Map.of("uuid", "mine", "playbook", mine)));
        long myHost = created(asJob(tokenA, "POST", ARA + "/hosts", Map.of("name", "web1", "playbook", mine)));
        // a result in its own playbook pointing at another playbook's task would show in that playbook
        HttpResponse<String> linked = asJob(tokenA, "POST", ARA + "/results", Map.of("status", "ok", "host", myHost, "task", theirs.get("tasks"),
                "play", myPlay, "playbook", mine));
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(403);
        assertThat(linked.body()).contains("belongs to another playbook");
        // moving its own play into another playbook
        assertThat(asJob(tokenA, "PATCH", ARA + "/plays/" + myPlay, Map.of("playbook", theirs.get("playbooks"))).statusCode()).isEqualTo(403);
        // the ansible action finds a job's recording by its label: another job's is refused
        assertThat(Recordings.JOB_LABEL).isEqualTo(AnsibleAction.JOB_LABEL);
        assertThat(asJob(tokenA, "PATCH", ARA + "/playbooks/" + mine, Map.of("labels", List.of("trailboss_job:" + jobB))).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "POST", ARA + "/playbooks", Map.of("path", "/x.yml", "ansible_version", "2.14.0",
                "labels", List.of("trailboss_job:" + jobB))).statusCode()).isEqualTo(403);
        // labels are shared by every playbook: not a job's to write
        long label = ((Number) SecuredServer.json(SecuredServer.as(server, operator, "POST", ARA + "/labels", "application/json",
                Json.write(Map.of("name", "shared")))).get("id")).longValue();
        assertThat(asJob(tokenA, "DELETE", ARA + "/labels/" + label, null).statusCode()).isEqualTo(403);
        assertThat(asJob(tokenA, "POST", ARA + "/labels", Map.of("name", "mine")).statusCode()).isEqualTo(403);
    }

    @Test
    void an_operator_keeps_full_access_to_every_recording() {
        Map<String, Long> theirs = recording(tokenB);
        assertThat(SecuredServer.as(server, operator, "PATCH", ARA + "/plays/" + theirs.get("plays"), "application/json", "{\"status\": \"completed\"}")
                .statusCode()).isEqualTo(200);
        assertThat(SecuredServer.as(server, operator, "DELETE", ARA + "/playbooks/" + theirs.get("playbooks"), null, null).statusCode()).isEqualTo(204);
        // and a job reads every recording, as before
        assertThat(asJob(tokenA, "GET", ARA + "/playbooks", null).statusCode()).isEqualTo(200);
    }
}
