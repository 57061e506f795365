package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One object of each kind named {@code probe} (workflow, target, profile, param, operation, stage, trigger, a
 * playbook, a running execution with a waiting job), so a request to any route template reaches its handler.
 */
record Probes(String executionId, String jobId, String agentToken, String jobToken) {
    static Probes seed(TestServer server) {
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                probe:
                  input:
                    - note: ''
                  tasks:
                    wait:
                      action: std.async_noop
                """));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "probe")));
        ok(server.postJson("/api/v1/profiles", Map.of("name", "probe", "params", Map.of("a", 1))));
        ok(server.postJson("/api/v1/params", Map.of("name", "probe")));
        ok(server.send("PUT", "/api/v1/operations/probe", "application/json", "{\"kind\": \"machine\", \"workflow\": \"probe\"}"));
        ok(server.send("PUT", "/api/v1/stages/probe", "application/json", "{\"workflow\": \"probe\"}"));
        ok(server.send("PUT", "/api/v1/triggers/probe", "application/json", "{\"workflow\": \"probe\", \"webhook\": {\"auth\": \"token\"}}"));
        ok(server.postJson("/ara/api/v1/playbooks", Map.of("path", "/probe.yml", "status", "running", "ansible_version", "2.14.0")));
        String agent = (String) ok(server.postJson("/api/v1/agents/tokens", Map.of("name", "probe-agent", "targets", List.of("elsewhere")))).get("token");
        String execution = (String) ok(server.postJson("/api/v1/executions", Map.of("workflow", "probe"))).get("id");
        String[] job = new String[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> (job[0] = runningJob(server, execution)) != null);
        // the running job's token is handed only to its runner: give the job a known one (stored, like any, as its SHA-256)
        String jobToken = "tbj_" + job[0] + ".probe-" + java.util.UUID.randomUUID();
        server.tb.database().jdbi().useHandle(h -> h.createUpdate("update job set token = :hash where id = :id")
                .bind("hash", Passwords.sha256(jobToken)).bind("id", job[0]).execute());
        return new Probes(execution, job[0], agent, jobToken);
    }

    @SuppressWarnings("unchecked")
    static String runningJob(TestServer server, String execution) {
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items");
        if (tasks.isEmpty()) return null;
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs").map().get("items");
        return jobs.isEmpty() || !"RUNNING".equals(jobs.getFirst().get("state")) ? null : (String) jobs.getFirst().get("id");
    }

    static Map<String, Object> ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
        return a.body().isEmpty() ? Map.of() : a.map();
    }

    /** A route template with real objects in place of its parameters. */
    String fill(String path) {
        String p = path;
        if (p.startsWith("/ara")) p = p.replace("{resource}", "playbooks").replace("{id}", "1");
        if (p.contains("/executions/{id}")) p = p.replace("{id}", executionId);
        if (p.contains("/jobs/{id}") || p.contains("/manual/{job}")) p = p.replace("{id}", jobId).replace("{job}", jobId);
        if (p.contains("/stage-maps/{scope}")) p = p.replace("{scope}", "kind:machine");
        return p.replaceAll("\\{[^}]+}", "probe");
    }
}
