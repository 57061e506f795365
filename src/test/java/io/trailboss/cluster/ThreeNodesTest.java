package io.trailboss.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three server processes on one PostgreSQL schema and two agent processes: 500 workflows, each with
 * a local shell task, an agent task after a timer, and a retry policy. Half are started through the
 * three nodes in turn; then one node is killed with SIGKILL while its scripts run, and the rest are
 * started through the two that are left. Every execution must end SUCCESS
 * with its own output, once; no script may have run more often than its retry policy allows (each
 * run appends a line to a file), and the survivors must show the dead node as recovered.
 */
class ThreeNodesTest {
    private static final int WORKFLOWS = 500;
    private static final String DEFINITION = """
            version: '2.0'
            spread:
              input: [n, file]
              tasks:
                here:
                  retry: {count: 2, delay: 1}
                  action: shell
                  input:
                    script: |
                      echo "$TRAILBOSS_EXECUTION_ID here $TRAILBOSS_JOB_ID" >> {{ _.file }}
                      sleep 1
                      echo "h{{ _.n }}"
                  publish: {here: "{{ task().result.output | trim }}"}
                  on-success: there
                there:
                  wait-before: 1
                  retry: {count: 2, delay: 1}
                  targets: remote1
                  action: shell
                  input:
                    script: |
                      echo "$TRAILBOSS_EXECUTION_ID there $TRAILBOSS_JOB_ID" >> {{ _.file }}
                      echo "t{{ _.n }}"
                  publish: {there: "{{ task().result.remote1.output | trim }}"}
              output:
                here: "{{ _.here }}"
                there: "{{ _.there }}"
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String admin = "adm_" + UUID.randomUUID();
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) p.destroyForcibly();
        for (Process p : processes) p.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void every_execution_finishes_once_and_no_script_runs_more_than_its_retries_allow_when_a_node_is_killed() throws Exception {
        dir = Files.createTempDirectory("trailboss-nodes-");
        String url = TestDatabases.freshPostgresUrl();
        List<String> nodes = new ArrayList<>();
        List<Process> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            servers.add(start(dir.resolve("node" + i + ".log"), "server", "--port", String.valueOf(port), "--data", dir.resolve("data" + i).toString(),
                    "--db-url", url, "--db-pool", "8"));
            String base = "http://127.0.0.1:" + port;
            nodes.add(base);
            // the first node migrates the fresh schema; the others start on the migrated one
            if (i == 0) awaitReady(base);
        }
        for (String base : nodes) awaitReady(base);
        assertThat(send(nodes.get(0), "PUT", "/api/v1/workflows", DEFINITION).statusCode()).isEqualTo(200);
        assertThat(send(nodes.get(1), "POST", "/api/v1/targets", Json.write(Map.of("kind", "machine", "name", "remote1"))).statusCode()).isEqualTo(201);
        // two agents for the remote target, on the two nodes that stay
        for (int i = 0; i < 2; i++) {
            var issued = send(nodes.get(i), "POST", "/api/v1/agents/tokens", Json.write(Map.of("name", "agent" + i, "targets", List.of("remote1"))));
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            String token = (String) Json.readMap(issued.body()).get("token");
            start(dir.resolve("agent" + i + ".log"), "agent", "--server", nodes.get(i), "--token", token, "--jobs", "32");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ((List<?>) Json.readMap(send(nodes.get(0), "GET", "/api/v1/nodes", null).body()).get("items")).size() == 3);

        Path runs = dir.resolve("runs.txt");
        Files.createFile(runs);
        Map<String, Integer> started = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        // the first half through the three nodes in turn
        startAll(pool, nodes, 0, WORKFLOWS / 2, runs, started);
        // midway: node 2 has local scripts running, jobs queued, timers armed and outcomes in flight
        Process victim = servers.get(2);
        victim.destroyForcibly();
        assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // the second half through the two that are left
        startAll(pool, nodes.subList(0, 2), WORKFLOWS / 2, WORKFLOWS, runs, started);
        pool.shutdown();
        assertThat(started).hasSize(WORKFLOWS);

        try (Connection db = DriverManager.getConnection(url)) {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(db, "select count(*) from execution where state in ('SUCCESS', 'ERROR', 'CANCELLED')") == WORKFLOWS);
            // exactly one task execution per task, and exactly one succeeded job per task execution
            assertThat(count(db, "select count(*) from (select execution_id, name from task_execution group by execution_id, name having count(*) > 1) d")).isZero();
            assertThat(count(db, "select count(*) from task_execution")).isEqualTo(2L * WORKFLOWS);
            assertThat(count(db, "select count(*) from (select task_execution_id from job where state = 'SUCCEEDED' group by task_execution_id having count(*) <> 1) d")).isZero();
            // the kill caught scripts running on node 2: their jobs were lost and retried
            long lost = count(db, "select count(*) from job where state = 'LOST'");
            System.out.println("jobs lost with the killed node: " + lost);
            assertThat(lost).isPositive();
        }
        for (var e : started.entrySet()) {
            Map<String, Object> ex = Json.readMap(send(nodes.get(e.getValue() % 2), "GET", "/api/v1/executions/" + e.getKey(), null).body());
            assertThat(ex.get("state")).as(e.getKey() + " " + ex.get("state_info")).isEqualTo("SUCCESS");
            assertThat(ex.get("output")).isEqualTo(Map.of("here", "h" + e.getValue(), "there", "t" + e.getValue()));
        }
        // real runs: every script ran at least once and at most 1 + retry count times
        Map<String, Integer> runsPerTask = new HashMap<>();
        for (String line : Files.readAllLines(runs)) {
            String[] f = line.split(" ");
            runsPerTask.merge(f[0] + " " + f[1], 1, Integer::sum);
        }
        for (String id : started.keySet()) {
            for (String task : List.of("here", "there")) {
                assertThat(runsPerTask.getOrDefault(id + " " + task, 0)).as(id + " " + task).isBetween(1, 3);
            }
        }
        assertThat(runsPerTask).hasSize(2 * WORKFLOWS);

        // the survivors show the dead node, recovered by one of them
        List<Map<String, Object>> listed = castList(Json.readMap(send(nodes.get(0), "GET", "/api/v1/nodes", null).body()).get("items"));
        assertThat(listed).hasSize(3);
        assertThat(listed.stream().filter(n -> Boolean.TRUE.equals(n.get("alive"))).count()).isEqualTo(2);
        Map<String, Object> dead = listed.stream().filter(n -> n.get("port").equals(URI.create(nodes.get(2)).getPort())).findFirst().orElseThrow();
        assertThat(dead.get("alive")).isEqualTo(false);
        assertThat(dead.get("recovered_by")).isNotNull();
    }

    private void awaitReady(String base) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> send(base, "GET", "/api/v1/health", null).statusCode() == 200);
    }

    private void startAll(ExecutorService pool, List<String> through, int from, int to, Path runs, Map<String, Integer> started) throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        for (int n = from; n < to; n++) {
            int k = n;
            calls.add(pool.submit(() -> {
                var r = send(through.get(k % through.size()), "POST", "/api/v1/executions",
                        Json.write(Map.of("workflow", "spread", "input", Map.of("n", k, "file", runs.toString()))));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                started.put((String) Json.readMap(r.body()).get("id"), k);
                return null;
            }));
        }
        for (Future<?> f : calls) f.get(120, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> castList(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Process start(Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TRAILBOSS_ADMIN_TOKEN", admin);
        // the scripts count their runs in a file of this test: jobs must see the machine's file system
        pb.environment().put("TRAILBOSS_JOB_ISOLATION", "none");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> send(String base, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin);
        if (body != null) b.header("Content-Type", body.startsWith("{") ? "application/json" : "text/yaml");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
