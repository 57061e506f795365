package io.trailboss.bench;

import io.trailboss.json.Json;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One server node, then three, on one PostgreSQL database (a fresh schema each time): the same
 * workload of workflows, each a chain of two local shell tasks and a no-op, started over HTTP
 * through the nodes in turn. Every node is a separate process (this jar's {@code server}), so each
 * has its own engine, pool and local runner. Wall-clock time runs from the first start request
 * until the database shows every execution final.
 */
final class NodesBench {
    record Sizes(int workflows, int clients) {}

    static final Sizes FULL = new Sizes(600, 24);
    static final Sizes QUICK = new Sizes(90, 12);
    private static final int JOBS_PER_WORKFLOW = 3;
    // connections per node: three nodes and their listeners stay well inside PostgreSQL's default 100
    private static final int POOL = 8;
    private static final String DEFINITION = """
            version: '2.0'
            bench_nodes:
              input: [n]
              tasks:
                first:
                  action: shell
                  input:
                    script: echo "first {{ _.n }}"
                  on-success: second
                second:
                  action: shell
                  input:
                    script: echo "second {{ _.n }}"
                  on-success: last
                last:
                  action: std.noop
            """;

    private NodesBench() {}

    static int run(PrintStream out, String pgBase, Sizes sizes) {
        List<String[]> rows = new ArrayList<>();
        for (int nodes : new int[] {1, 3}) {
            try {
                rows.add(measure(out, pgBase, sizes, nodes));
            } catch (Exception e) {
                out.println("nodes=" + nodes + " failed: " + e);
                return 1;
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%-6s %-10s %-6s %-9s %-12s %-8s%n", "nodes", "workflows", "jobs", "seconds", "workflows/s", "jobs/s");
        for (String[] r : rows) out.printf(Locale.ROOT, "%-6s %-10s %-6s %-9s %-12s %-8s%n", (Object[]) r);
        out.printf(Locale.ROOT, "(each workflow: 2 local shell jobs and 1 std.noop; %d HTTP clients start them round robin; %d connections per node; %d processors, load average %.2f)%n",
                sizes.clients(), POOL, Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return 0;
    }

    private static String[] measure(PrintStream out, String pgBase, Sizes sizes, int nodeCount) throws Exception {
        ScratchSchema schema = ScratchSchema.create(pgBase, "bench_nodes_");
        String url = schema.url();
        String admin = "bench_" + UUID.randomUUID();
        Path dir = Files.createTempDirectory("trailboss-bench-nodes-");
        List<Process> servers = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            for (int i = 0; i < nodeCount; i++) {
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                String java = ProcessHandle.current().info().command().orElse("java");
                ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "server",
                        "--port", String.valueOf(port), "--data", dir.resolve("data" + i).toString(), "--db-url", url, "--db-pool", String.valueOf(POOL))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("node" + i + ".log").toFile());
                pb.environment().put("TRAILBOSS_ADMIN_TOKEN", admin);
                servers.add(pb.start());
                bases.add("http://127.0.0.1:" + port);
            }
            for (String base : bases) waitReady(http, base, admin);
            HttpResponse<String> put = send(http, bases.get(0), admin, "PUT", "/api/v1/workflows", "text/yaml", DEFINITION);
            if (put.statusCode() != 200) throw new IllegalStateException("cannot store the workflow: " + put.body());
            ExecutorService pool = Executors.newFixedThreadPool(sizes.clients());
            long t0 = System.nanoTime();
            List<Future<Integer>> calls = new ArrayList<>();
            for (int n = 0; n < sizes.workflows(); n++) {
                int k = n;
                calls.add(pool.submit(() -> send(http, bases.get(k % bases.size()), admin, "POST", "/api/v1/executions", "application/json",
                        Json.write(Map.of("workflow", "bench_nodes", "input", Map.of("n", k)))).statusCode()));
            }
            for (Future<Integer> f : calls) {
                int status = f.get(300, TimeUnit.SECONDS);
                if (status != 201) throw new IllegalStateException("a start answered " + status);
            }
            pool.shutdown();
            long success;
            try (Connection c = DriverManager.getConnection(url)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
                while (true) {
                    long done = count(c, "select count(*) from execution where state in ('SUCCESS', 'ERROR', 'CANCELLED')");
                    if (done >= sizes.workflows()) break;
                    if (System.nanoTime() > deadline) throw new IllegalStateException("only " + done + " of " + sizes.workflows() + " executions ended in 600 s");
                    Thread.sleep(50);
                }
                success = count(c, "select count(*) from execution where state = 'SUCCESS'");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (success != sizes.workflows()) throw new IllegalStateException((sizes.workflows() - success) + " executions did not succeed");
            int jobs = sizes.workflows() * JOBS_PER_WORKFLOW;
            out.printf(Locale.ROOT, "nodes=%d: %d workflows, %d jobs in %.2f s%n", nodeCount, sizes.workflows(), jobs, seconds);
            return new String[] {String.valueOf(nodeCount), String.valueOf(sizes.workflows()), String.valueOf(jobs), String.format(Locale.ROOT, "%.2f", seconds),
                    String.format(Locale.ROOT, "%.1f", sizes.workflows() / seconds), String.format(Locale.ROOT, "%.1f", jobs / seconds)};
        } finally {
            for (Process p : servers) p.destroy();
            for (Process p : servers) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            try {
                schema.close();
            } catch (Exception e) {
                out.println("cannot drop schema " + schema.name() + ": " + e.getMessage());
            }
        }
    }

    private static void waitReady(HttpClient http, String base, String admin) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (send(http, base, admin, "GET", "/health/ready", null, null).statusCode() == 200) return;
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("node " + base + " did not become ready in 90 s");
    }

    private static long count(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HttpResponse<String> send(HttpClient http, String base, String admin, String method, String path, String type, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + admin);
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
