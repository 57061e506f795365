package io.trailboss.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the server process with SIGKILL at several moments while workflows run (chains with
 * timers, fan-out with concurrency, retries with delay, sub-workflows), restarts it each time,
 * and checks that every execution ends with the expected output and that no action whose job
 * had completed before a kill was run again afterwards.
 */
class CrashRecoveryTest {
    private static final String WORKFLOWS = """
            version: '2.0'
            crash_chain:
              input: [n, url]
              tasks:
                t1:
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-t1"}
                  publish: {c1: 1}
                  on-success: t2
                t2:
                  wait-before: 0.2
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-t2"}
                  publish: {c2: "{{ _.c1 + 1 }}"}
                  on-success: t3
                t3:
                  action: std.sleep seconds=0.3
                  publish: {c3: "{{ _.c2 + 1 }}"}
                  on-success: t4
                t4:
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-t4"}
                  publish: {total: "{{ _.c3 + _.n }}"}
              output:
                total: "{{ _.total }}"
            crash_fanout:
              input: [url]
              tasks:
                each:
                  with-items: i in {{ range(0, 8) | list }}
                  concurrency: 2
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-each-{{ _.i }}"}
                  publish: {squares: "{{ task().result | map(attribute='content') | map(attribute='count') | list }}"}
                  on-success: flaky
                flaky:
                  retry: {count: 3, delay: 0.3}
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-flaky"}
                  publish: {flaky_calls: "{{ task().result.content.count }}"}
                  on-success: child
                child:
                  workflow: crash_child url={{ _.url }}
                  publish: {child: "{{ task().result.done }}"}
              output:
                items: "{{ _.squares | length }}"
                flaky_calls: "{{ _.flaky_calls }}"
                child: "{{ _.child }}"
            crash_child:
              input: [url]
              tasks:
                c1:
                  action: std.sleep seconds=0.2
                  on-success: c2
                c2:
                  action: std.http url="{{ _.url }}" method=POST json={"key":"{{ execution().id }}-c2"}
                  publish: {done: yes}
            """;

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process server;
    private String base;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void every_execution_finishes_with_its_output_after_repeated_kill_9(String kind) throws Exception {
        HttpServer counter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        counter.createContext("/count", exchange -> {
            Map<String, Object> body = Json.readMap(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String key = String.valueOf(body.get("key"));
            int n = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            byte[] answer = Json.write(Map.of("count", n)).getBytes(StandardCharsets.UTF_8);
            int status = key.endsWith("-flaky") && n <= 2 ? 500 : 200;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        counter.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        counter.start();
        String url = "http://127.0.0.1:" + counter.getAddress().getPort() + "/count";
        Path data = Files.createTempDirectory("trailboss-crash-");
        String pgUrl = kind.equals("postgres") ? TestDatabases.freshPostgresUrl() : null;
        try {
            start(data, pgUrl);
            assertThat(send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOWS).statusCode()).isEqualTo(200);
            Map<String, Integer> chains = new LinkedHashMap<>();
            List<String> fanouts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Map<String, Object> input = i % 3 == 2 ? Map.of("url", url) : Map.of("n", i, "url", url);
                String wf = i % 3 == 2 ? "crash_fanout" : "crash_chain";
                var r = send("POST", "/api/v1/executions", "application/json", Json.write(Map.of("workflow", wf, "input", input)));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                String id = (String) Json.readMap(r.body()).get("id");
                if (wf.equals("crash_chain")) chains.put(id, i);
                else fanouts.add(id);
            }
            Map<String, Integer> completedBeforeKill = new HashMap<>();
            for (long pause : new long[] {400, 900, 700}) {
                Thread.sleep(pause);
                server.destroyForcibly();
                assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
                completedBeforeKill.putAll(completedActionCalls(data, pgUrl));
                start(data, pgUrl);
            }
            Map<String, Object> outputs = new HashMap<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (String id : concat(chains.keySet(), fanouts)) {
                    Map<String, Object> e = Json.readMap(send("GET", "/api/v1/executions/" + id, null, null).body());
                    if (!List.of("SUCCESS", "ERROR", "CANCELLED").contains(e.get("state"))) return false;
                    outputs.put(id, e.get("state") + " " + Json.write(e.get("output")));
                }
                return true;
            });
            chains.forEach((id, n) -> assertThat(outputs.get(id)).isEqualTo("SUCCESS {\"total\":" + (3 + n) + "}"));
            // a job in flight at a kill runs again (it never reported), so the flaky call may have been
            // made more than three times; the output must show the call that succeeded, i.e. the last one
            fanouts.forEach(id -> {
                int flakyCalls = calls.get(id + "-flaky").get();
                assertThat(flakyCalls).isGreaterThanOrEqualTo(3);
                assertThat(outputs.get(id)).isEqualTo("SUCCESS {\"items\":8,\"flaky_calls\":" + flakyCalls + ",\"child\":true}");
            });
            // an action whose job had committed as done before a kill never ran again
            assertThat(completedBeforeKill).isNotEmpty();
            completedBeforeKill.forEach((key, count) -> assertThat(calls.get(key).get()).as(key).isEqualTo(count));
        } finally {
            if (server != null) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            counter.stop(0);
        }
    }

    /** Reads, while the server is down, which std.http jobs had completed, and their call counts. */
    private Map<String, Integer> completedActionCalls(Path data, String pgUrl) {
        Map<String, Integer> out = new HashMap<>();
        try (Database db = pgUrl != null ? Database.connect(pgUrl, null, null) : Database.embedded(data)) {
            List<String> inputs = db.jdbi().withHandle(h -> h.createQuery("select input from job where action = 'std.http' and state = 'SUCCEEDED'").mapTo(String.class).list());
            for (String input : inputs) {
                Object json = Json.readMap(input).get("json");
                String key = String.valueOf(((Map<?, ?>) json).get("key"));
                out.put(key, calls.get(key).get());
            }
        }
        return out;
    }

    private static final String ADMIN_TOKEN = "tbk_crash-test-admin-" + java.util.UUID.randomUUID();

    private void start(Path data, String pgUrl) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "server",
                "--port", String.valueOf(port), "--data", data.toString()));
        if (pgUrl != null) cmd.addAll(List.of("--db", pgUrl));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // on PostgreSQL authentication is required: the first start registers this admin token for the test's calls
        pb.environment().put("TRAILBOSS_ADMIN_TOKEN", ADMIN_TOKEN);
        server = pb.redirectOutput(data.resolve("server-" + port + ".log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> send("GET", "/api/v1/health", null, null).statusCode() == 200);
    }

    private HttpResponse<String> send(String method, String path, String type, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (type != null) b.header("Content-Type", type);
        b.header("Authorization", "Bearer " + ADMIN_TOKEN);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> concat(java.util.Collection<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
