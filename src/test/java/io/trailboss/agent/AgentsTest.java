package io.trailboss.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real server and two real agent processes ({@code trailboss agent}, started like the jar's
 * main): jobs on targets the agents' tokens cover run on the agents, with their logs, stdin and
 * write-back; an agent killed with SIGKILL mid-job loses the job when its lease runs out and the
 * task's retry runs it on the other agent. The protocol's edges (tokens, hello after a restart,
 * repeated and late completions, oversized chunks) are checked over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentsTest {
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final String WORKFLOWS = """
            version: '2.0'
            remote:
              tasks:
                greet:
                  targets: {labels: {pool: agents}}
                  action: shell
                  input:
                    script: |
                      echo "hi from {{ target.name }} ({{ params.colour }})"
                      curl -sf -X PATCH -H "Authorization: Bearer $TRAILBOSS_TOKEN" -H 'Content-Type: application/json' \\
                        -d '{"params": {"greeted": "{{ target.name }}"}}' "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID/target/params" > /dev/null
                  on-success: [ask, here]
                ask:
                  targets: m1
                  action: shell
                  input:
                    script: |
                      printf 'your name? '
                      read answer
                      echo "got $answer on {{ target.name }}"
                here:
                  targets: local1
                  action: shell
                  input:
                    script: echo "local on {{ target.name }}"
            slow:
              input: [marker]
              tasks:
                nap:
                  targets: m2
                  retry: {count: 2, delay: 0}
                  action: shell
                  input:
                    script: |
                      # jobs share no files (each has its own /tmp and directory): the first run leaves its mark on its target
                      if curl -sf -H "Authorization: Bearer $TRAILBOSS_TOKEN" "$TRAILBOSS_SERVER/api/v1/targets/m2" | grep -q "{{ _.marker }}"; then echo "second run"; exit 0; fi
                      curl -sf -X PATCH -H "Authorization: Bearer $TRAILBOSS_TOKEN" -H 'Content-Type: application/json' \\
                        -d '{"params": {"napped": "{{ _.marker }}"}}' "$TRAILBOSS_SERVER/api/v1/jobs/$TRAILBOSS_JOB_ID/target/params" > /dev/null
                      echo "first run, sleeping"
                      sleep 12
            again:
              input: [word]
              tasks:
                greet:
                  targets: {labels: {pool: agents}}
                  action: shell
                  input:
                    script: echo "{{ _.word }} {{ target.name }} {{ params.colour }}"
            probe_wf:
              tasks:
                one:
                  targets: probe1
                  action: shell
                  input:
                    script: echo probe
            leaky:
              tasks:
                show:
                  targets: m1
                  action: shell
                  input:
                    script: |
                      echo "token=$TRAILBOSS_TOKEN part=${TRAILBOSS_TOKEN#*.}"
                      P='{{ params.pin }}'
                      printf 'pin=%s' "$(printf '%s' "$P" | cut -c1-6)"
                      sleep 1.5
                      printf '%s;\\n' "$(printf '%s' "$P" | cut -c7-)"
            masked_wf:
              tasks:
                one:
                  targets: masked1
                  action: shell
                  input:
                    script: echo never run here
            """;
    private static final String PIN = "agent-Pin-S3cret-77";

    private static final String MASK = io.trailboss.engine.Secrets.MASK;
    private TestServer server;
    private final Map<String, String> tokens = new HashMap<>();
    private final Map<String, Process> agents = new HashMap<>();
    private Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("trailboss-agents-");
        // the agents' jobs run as another user (nobody): their work directories must be reachable for it
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        server = new TestServer(TestDatabases.h2());
        server.tb.agents().setLease(LEASE);
        assertThat(server.postJson("/api/v1/params", Map.of("name", "pin", "secret", true)).status()).isEqualTo(201);
        for (String name : List.of("m1", "m2", "m3")) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", name, "labels", Map.of("pool", "agents"),
                    "params", name.equals("m1") ? Map.of("colour", "blue-" + name, "pin", PIN) : Map.of("colour", "blue-" + name))).status()).isEqualTo(201);
        }
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "local1")).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "probe1")).status()).isEqualTo(201);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "masked1", "params", Map.of("pin", PIN))).status()).isEqualTo(201);
        var defined = server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS);
        assertThat(defined.status()).as(defined.body()).isEqualTo(200);
        for (String name : List.of("agent-a", "agent-b")) {
            var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", name, "labels", Map.of("pool", "agents")));
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            tokens.put(name, (String) issued.map().get("token"));
            agents.put(name, startAgent(name));
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (Process p : agents.values()) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (server != null) server.close();
    }

    private Process startAgent(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent",
                "--server", server.base, "--token", tokens.get(name), "--label", "pool=agents", "--work-dir", workDir(name).toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    // ------------------------------------------------------------------ helpers

    /** Each agent makes its jobs' directories in a directory of its own (removed with each job). */
    private Path workDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve("work-" + name));
    }

    private String startExecution(String workflow, Map<String, Object> input) {
        var r = server.postJson("/api/v1/executions", Map.of("workflow", workflow, "input", input));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return (String) r.map().get("id");
    }

    private Map<String, Object> awaitEnd(String executionId, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCESS", "ERROR", "CANCELLED").contains(server.get("/api/v1/executions/" + executionId).map().get("state")));
        return server.get("/api/v1/executions/" + executionId).map();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> jobs(String executionId, String task) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + executionId + "/tasks").map().get("items")) {
            if (t.get("name").equals(task)) out.addAll((List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items"));
        }
        return out;
    }

    private Map<String, Object> job(String id) {
        return server.get("/api/v1/jobs/" + id).map();
    }

    private String log(String jobId) {
        return server.get("/api/v1/jobs/" + jobId + "/log").body();
    }

    private TestServer.Answer agentPost(String token, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path)).timeout(Duration.ofSeconds(40))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
            if (token != null) b.header("Authorization", "Bearer " + token);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new TestServer.Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects the lines of an SSE response as they arrive. */
    private record LineCollector(BlockingQueue<String> lines) implements java.util.concurrent.Flow.Subscriber<String> {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
        }

        @Override
        public void onError(Throwable t) {
            // cancelled or the server went away
        }

        @Override
        public void onComplete() {
            // the stream ended
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void jobs_on_covered_targets_run_on_the_agents_with_logs_stdin_and_write_back() throws Exception {
        String id = startExecution("remote", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !jobs(id, "ask").isEmpty());
        String ask = (String) jobs(id, "ask").get(0).get("id");
        // a live SSE client sees the prompt while the job still runs (it waits for stdin); the prompt
        // has no line end: the agent sends it within about a second
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        var stream = http.sendAsync(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/jobs/" + ask + "/log/stream"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(events)));
        String seen = null;
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); seen == null && System.nanoTime() < until; ) {
            String line = events.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("data:") && line.contains("your name? ")) seen = line;
        }
        assertThat(seen).as("the SSE client saw the prompt").isNotNull();
        assertThat(job(ask).get("state")).as("the job still runs when its line arrives").isEqualTo("RUNNING");
        assertThat(Json.readMap(seen.substring(5).trim())).containsEntry("job_id", ask);
        var sent = server.postJson("/api/v1/jobs/" + ask + "/input", Map.of("text", "Ada\n"));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);

        var e = awaitEnd(id, Duration.ofSeconds(20));
        assertThat(e.get("state")).as(String.valueOf(e.get("state_info"))).isEqualTo("SUCCESS");
        List<Map<String, Object>> greet = jobs(id, "greet");
        assertThat(greet).hasSize(3);
        for (var j : greet) {
            assertThat(j.get("state")).isEqualTo("SUCCEEDED");
            assertThat((String) j.get("runner")).startsWith("agent:agent-");
            assertThat(log((String) j.get("id"))).contains("hi from " + j.get("target") + " (blue-" + j.get("target") + ")\n")
                    .contains("params written back to " + j.get("target"));
            // the job's token reached the remote script, which wrote a param back to its own target
            assertThat(server.get("/api/v1/targets/" + j.get("target")).map().get("params").toString()).contains("greeted=" + j.get("target"));
        }
        var askJob = job(ask);
        assertThat((String) askJob.get("runner")).startsWith("agent:agent-");
        assertThat(log(ask)).isEqualTo("your name? got Ada on m1\n");
        assertThat(((Map<?, ?>) askJob.get("output")).get("exit_code")).isEqualTo(0);
        // a target no token covers runs on the server's local runner
        var here = jobs(id, "here").get(0);
        assertThat((String) here.get("runner")).startsWith("node:");
        assertThat(log((String) here.get("id"))).isEqualTo("local on local1\n");
        // a finished remote job takes no more input
        assertThat(server.postJson("/api/v1/jobs/" + ask + "/input", Map.of("text", "late\n")).status()).isEqualTo(409);
        // the SSE stream went on until the job ended: it saw the rest of the log, then the end
        List<String> rest = new ArrayList<>();
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !rest.contains("event:end") && System.nanoTime() < until; ) {
            String line = events.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) rest.add(line.replace(" ", ""));
        }
        assertThat(String.join("\n", rest)).contains("gotAdaonm1").contains("event:end");
        stream.cancel(true);

        // a second execution on the three targets: templates rendered per target (target, params, input)
        String second = startExecution("again", Map.of("word", "again on"));
        assertThat(awaitEnd(second, Duration.ofSeconds(20)).get("state")).isEqualTo("SUCCESS");
        for (var j : jobs(second, "greet")) {
            assertThat((String) j.get("runner")).startsWith("agent:agent-");
            assertThat(log((String) j.get("id"))).isEqualTo("again on " + j.get("target") + " blue-" + j.get("target") + "\n");
        }
        // each target's history: newest first, every job linked to the one before it on that target
        for (String target : List.of("m1", "m2", "m3")) {
            @SuppressWarnings("unchecked")
            var history = (List<Map<String, Object>>) server.get("/api/v1/targets/" + target + "/jobs").map().get("items");
            assertThat(history).as(target).hasSize(target.equals("m1") ? 3 : 2); // m1 also ran 'ask'
            assertThat(history.get(0).get("execution_id")).isEqualTo(second);
            for (int i = 0; i + 1 < history.size(); i++) {
                assertThat(history.get(i).get("target")).isEqualTo(target);
                assertThat(history.get(i).get("previous_job_id")).as(target + " job " + i).isEqualTo(history.get(i + 1).get("id"));
            }
            assertThat(history.get(history.size() - 1).get("previous_job_id")).as("the first job on " + target).isNull();
            assertThat(history.stream().map(j -> j.get("state")).toList()).containsOnly("SUCCEEDED");
        }
    }

    @Test
    @Order(2)
    void a_killed_agent_loses_its_job_within_the_lease_and_the_retry_runs_on_the_other_agent() throws Exception {
        String id = startExecution("slow", Map.of("marker", "marker-" + System.nanoTime()));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var js = jobs(id, "nap");
            return !js.isEmpty() && log((String) js.get(0).get("id")).contains("first run");
        });
        var first = jobs(id, "nap").get(0);
        String firstId = (String) first.get("id");
        String holder = ((String) first.get("runner")).substring("agent:".length());
        String other = holder.equals("agent-a") ? "agent-b" : "agent-a";
        assertThat(agents.get(other).isAlive()).isTrue();

        long killedAt = System.nanoTime();
        agents.get(holder).destroyForcibly();
        assertThat(agents.get(holder).waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(LEASE.plusSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> "LOST".equals(job(firstId).get("state")));
        long lostAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(lostAfter).as("lost after %d ms", lostAfter).isLessThanOrEqualTo(LEASE.toMillis() + 1500);
        assertThat((String) job(firstId).get("error")).contains("lease expired");

        var e = awaitEnd(id, Duration.ofSeconds(20));
        assertThat(e.get("state")).as(String.valueOf(e.get("state_info"))).isEqualTo("SUCCESS");
        var all = jobs(id, "nap");
        assertThat(all).hasSize(2);
        var second = all.stream().filter(j -> !j.get("id").equals(firstId)).findFirst().orElseThrow();
        assertThat(second.get("state")).isEqualTo("SUCCEEDED");
        assertThat(second.get("runner")).isEqualTo("agent:" + other);
        assertThat(log((String) second.get("id"))).isEqualTo("second run\n");

        // the killed agent's late report changes nothing; the survivor's repeated report is harmless
        var late = agentPost(tokens.get(holder), "/api/v1/agent/jobs/" + firstId + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of()));
        assertThat(late.status()).as(late.body()).isEqualTo(409);
        assertThat(late.contentType()).startsWith("application/problem+json");
        var again = agentPost(tokens.get(other), "/api/v1/agent/jobs/" + second.get("id") + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of("exit_code", 0)));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.map().get("changed")).isEqualTo(false);
        assertThat(agentPost(tokens.get(other), "/api/v1/agent/jobs/" + second.get("id") + "/complete", Map.of("state", "FAILED")).status()).isEqualTo(409);
        assertThat(job(firstId).get("state")).isEqualTo("LOST");
        assertThat(server.get("/api/v1/executions/" + id).map().get("state")).isEqualTo("SUCCESS");

        // the killed agent comes back: it says hello and takes work again
        agents.put(holder, startAgent(holder));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(dir.resolve(holder + ".log")).split("connected to", -1).length == 3);
    }

    @Test
    @Order(3)
    void tokens_claims_restarts_and_completions_over_the_protocol() throws Exception {
        // tokens: scoped, shown once, listed without secrets
        assertThat(server.postJson("/api/v1/agents/tokens", Map.of("name", "unscoped")).status()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/agents/tokens", Map.of("name", "agent-a", "targets", List.of("x"))).status()).isEqualTo(409);
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "probe", "targets", List.of("probe1")));
        assertThat(issued.status()).isEqualTo(201);
        String probe = (String) issued.map().get("token");
        String probeId = (String) issued.map().get("id");
        assertThat(server.get("/api/v1/agents/tokens").body()).doesNotContain(probe).doesNotContain("\"token\"").contains("\"probe\"");

        // bad tokens: 401 problem+json
        var none = agentPost(null, "/api/v1/agent/claim", Map.of("max", 1));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(agentPost(probe + "x", "/api/v1/agent/claim", Map.of("max", 1)).status()).isEqualTo(401);

        // a waiting claim is woken at once when a job for its targets is queued
        CompletableFuture<TestServer.Answer> waiting = CompletableFuture.supplyAsync(() -> agentPost(probe, "/api/v1/agent/claim", Map.of("max", 4, "wait_seconds", 15)));
        Thread.sleep(300);
        long queuedAt = System.nanoTime();
        String ex1 = startExecution("probe_wf", Map.of());
        var claim = waiting.get(10, TimeUnit.SECONDS);
        long wokeAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt);
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var claimed = (List<Map<String, Object>>) claim.map().get("jobs");
        assertThat(claimed).hasSize(1);
        assertThat(wokeAfter).isLessThan(900);
        String jobId = (String) claimed.get(0).get("id");
        assertThat(claimed.get(0).get("input").toString()).contains("echo probe");
        assertThat(job(jobId)).containsEntry("state", "RUNNING").containsEntry("runner", "agent:probe");
        // only offered: not the agent's until it acknowledges; a restart puts it back in the queue (not lost)
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", "too early\n")).status()).isEqualTo(409);
        assertThat(agentPost(probe, "/api/v1/agent/hello", Map.of()).map().get("lost_jobs")).isEqualTo(0);
        assertThat(job(jobId)).containsEntry("state", "QUEUED");
        var again = agentPost(probe, "/api/v1/agent/claim", Map.of("max", 4, "wait_seconds", 5));
        assertThat(again.body()).contains(jobId);
        assertThat(agentPost(probe, "/api/v1/agent/ack", Map.of("jobs", List.of(jobId, "nope"))).map().get("jobs")).isEqualTo(List.of(jobId));

        // log chunks: appended; an oversized one is refused with a clear message
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", "probe\n")).status()).isEqualTo(202);
        var big = agentPost(probe, "/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", "x".repeat(300_000)));
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.body()).contains("at most");
        assertThat(log(jobId)).isEqualTo("probe\n");
        // another agent may not write to it
        assertThat(agentPost(tokens.get("agent-a"), "/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", "intruder\n")).status()).isEqualTo(409);

        // the agent restarts: its hello fails the job it held
        var hello = agentPost(probe, "/api/v1/agent/hello", Map.of());
        assertThat(hello.map().get("lost_jobs")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "LOST".equals(job(jobId).get("state")));
        assertThat((String) job(jobId).get("error")).contains("agent restarted");
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + jobId + "/complete", Map.of("state", "SUCCEEDED")).status()).isEqualTo(409);
        assertThat(awaitEnd(ex1, Duration.ofSeconds(10)).get("state")).isEqualTo("ERROR");
        assertThat(job(jobId).get("state")).isEqualTo("LOST");

        // a normal run: claim, complete; repeating is harmless, a different report a conflict
        String ex2 = startExecution("probe_wf", Map.of());
        @SuppressWarnings("unchecked")
        var second = (List<Map<String, Object>>) agentPost(probe, "/api/v1/agent/claim", Map.of("max", 1, "wait_seconds", 10)).map().get("jobs");
        String job2 = (String) second.get(0).get("id");
        assertThat(agentPost(probe, "/api/v1/agent/ack", Map.of("jobs", List.of(job2))).map().get("jobs")).isEqualTo(List.of(job2));
        var hb = agentPost(probe, "/api/v1/agent/heartbeat", Map.of("jobs", List.of(job2, jobId)));
        assertThat(hb.map().get("stop")).isEqualTo(List.of(jobId));
        var done = agentPost(probe, "/api/v1/agent/jobs/" + job2 + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of("exit_code", 0)));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.map().get("changed")).isEqualTo(true);
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + job2 + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of("exit_code", 0))).map().get("changed")).isEqualTo(false);
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + job2 + "/complete", Map.of("state", "FAILED", "error", "x")).status()).isEqualTo(409);
        assertThat(agentPost(probe, "/api/v1/agent/jobs/" + job2 + "/complete", Map.of("state", "BOGUS")).status()).isEqualTo(400);
        // the batch call answers each result on its own: a repeat is harmless, a lost or unknown job is refused
        var batch = agentPost(probe, "/api/v1/agent/complete", Map.of("results", List.of(
                Map.of("job_id", job2, "state", "SUCCEEDED", "output", Map.of("exit_code", 0)),
                Map.of("job_id", jobId, "state", "SUCCEEDED"),
                Map.of("job_id", "nope", "state", "FAILED", "error", "x"))));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var results = (List<Map<String, Object>>) batch.map().get("results");
        assertThat(results).extracting(r -> r.get("job_id") + "=" + r.get("status")).containsExactlyInAnyOrder(job2 + "=200", jobId + "=409", "nope=404");
        assertThat(results.stream().filter(r -> r.get("job_id").equals(job2)).findFirst().orElseThrow().get("changed")).isEqualTo(false);
        assertThat(agentPost(probe, "/api/v1/agent/complete", Map.of("results", List.of(Map.of("job_id", job2, "state", "BOGUS")))).status()).isEqualTo(400);
        assertThat(job(jobId).get("state")).isEqualTo("LOST");
        assertThat(awaitEnd(ex2, Duration.ofSeconds(10)).get("state")).isEqualTo("SUCCESS");

        // revoked: 401, and the listing says so
        assertThat(server.send("DELETE", "/api/v1/agents/tokens/" + probeId, null, null).status()).isEqualTo(204);
        var revoked = agentPost(probe, "/api/v1/agent/claim", Map.of("max", 1));
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.body()).contains("wrong or revoked");
        assertThat(server.get("/api/v1/agents/tokens").body()).contains("\"revoked_at\":\"");
        assertThat(server.send("DELETE", "/api/v1/agents/tokens/nope", null, null).status()).isEqualTo(404);

        // an agent process with a bad token stops with a clear error
        String java = ProcessHandle.current().info().command().orElse("java");
        Process bad = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent",
                "--server", server.base, "--token", probe).redirectErrorStream(true).start();
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(bad.getInputStream().readAllBytes());
        assertThat(bad.exitValue()).as(out).isEqualTo(3);
        assertThat(out).contains("refused the agent token");
    }

    @Test
    @Order(4)
    void an_agent_job_finds_its_token_and_a_secret_printed_in_two_pieces_masked_in_its_log() {
        String id = startExecution("leaky", Map.of());
        assertThat(awaitEnd(id, Duration.ofSeconds(30)).get("state")).isEqualTo("SUCCESS");
        var show = jobs(id, "show").getFirst();
        assertThat((String) show.get("runner")).startsWith("agent:agent-");
        assertThat(log((String) show.get("id"))).isEqualTo("token=" + MASK + " part=" + MASK + "\npin=" + MASK + ";\n");
        assertThat(String.valueOf(show.get("output"))).doesNotContain("tbj_").doesNotContain(PIN.substring(0, 6)).doesNotContain(PIN.substring(6));
    }

    @Test
    @Order(5)
    void the_server_masks_what_an_agent_sends_unmasked_a_token_and_a_secret_cut_across_chunks_included() {
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "raw-agent", "targets", List.of("masked1")));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String agent = (String) issued.map().get("token");
        String ex = startExecution("masked_wf", Map.of());
        @SuppressWarnings("unchecked")
        var claimed = (List<Map<String, Object>>) agentPost(agent, "/api/v1/agent/claim", Map.of("max", 1, "wait_seconds", 10)).map().get("jobs");
        String jobId = (String) claimed.getFirst().get("id");
        String jobToken = (String) claimed.getFirst().get("token");
        assertThat(agentPost(agent, "/api/v1/agent/ack", Map.of("jobs", List.of(jobId))).map().get("jobs")).isEqualTo(List.of(jobId));
        // an agent that masks nothing, and cuts its chunks in the middle of a secret
        String text = "token=" + jobToken + " pin=" + PIN + " part=" + jobToken.substring(jobToken.indexOf('.') + 1) + "\nend";
        for (int at = 0; at < text.length(); at += 9) {
            assertThat(agentPost(agent, "/api/v1/agent/jobs/" + jobId + "/log", Map.of("text", text.substring(at, Math.min(text.length(), at + 9)))).status()).isEqualTo(202);
        }
        var done = agentPost(agent, "/api/v1/agent/jobs/" + jobId + "/complete", Map.of("state", "SUCCEEDED", "output", Map.of("said", "my token is " + jobToken)));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(awaitEnd(ex, Duration.ofSeconds(10)).get("state")).isEqualTo("SUCCESS");
        assertThat(log(jobId)).isEqualTo("token=" + MASK + " pin=" + MASK + " part=" + MASK + "\nend");
        assertThat(job(jobId).get("output")).isEqualTo(Map.of("said", "my token is " + MASK));
    }
}
