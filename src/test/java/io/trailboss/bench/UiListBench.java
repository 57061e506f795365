package io.trailboss.bench;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.StartRequest;
import io.trailboss.model.ExecutionState;
import io.trailboss.record.AraResource;
import io.trailboss.record.Recordings;
import io.trailboss.store.Database;
import io.trailboss.store.ExecutionStore;
import io.trailboss.target.TargetSpec;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web UI's list pages over a large database: 100,000 recorded Ansible results (through
 * {@link Recordings}, posted concurrently so that its group commit writes them in batches), 10,000
 * finished executions whose jobs all ran on one target (a long job history), 1,010 targets in a tree,
 * manual steps waiting in the inbox, agent tokens. Then each list page is requested several times; the
 * server's time is read from the page's {@code Server-Timing} header, the client's is the whole request.
 */
final class UiListBench {
    private static final double BUDGET_MS = 200;

    record Sizes(int executions, int playbooks, int tasksPerPlaybook, int hostsPerPlaybook, int platforms, int sitesPerPlatform,
                 int manual, int agents, int repeats) {
        static Sizes full() {
            return new Sizes(10_000, 200, 10, 50, 10, 100, 100, 20, 10);
        }

        static Sizes quick() {
            return new Sizes(300, 4, 5, 10, 2, 10, 5, 3, 3);
        }

        int results() {
            return playbooks * tasksPerPlaybook * hostsPerPlaybook;
        }
    }

    private static final String NOOP = """
            version: '2.0'
            bench_ui_noop:
              description: one no-op job on a site
              tasks:
                touch:
                  action: std.noop
                  targets: site-0000
            """;
    private static final String MANUAL = """
            version: '2.0'
            bench_ui_manual:
              tasks:
                approve:
                  action: manual
                  input:
                    instructions: "Approve the **change**."
                    form:
                      - {name: ticket, type: string}
            """;

    private UiListBench() {}

    static int run(PrintStream out, Sizes sizes) {
        Path dir;
        try {
            dir = Files.createTempDirectory("trailboss-ui-bench");
        } catch (java.io.IOException e) {
            out.println("cannot create a temporary directory: " + e.getMessage());
            return 1;
        }
        try (Trailboss tb = new Trailboss(Database.embedded(dir.resolve("db")), Clock.systemUTC())) {
            ApiServer api = new ApiServer(tb, "127.0.0.1", 0).start();
            tb.recover();
            try {
                long t0 = System.nanoTime();
                fill(tb, sizes, out);
                out.printf(Locale.ROOT, "filled in %.1f s (H2 under %s)%n", (System.nanoTime() - t0) / 1e9, dir);
                return measure(out, "http://127.0.0.1:" + api.port(), tb, sizes);
            } finally {
                api.close();
            }
        } catch (Exception e) {
            out.println("ui-lists bench failed: " + e);
            e.printStackTrace(out);
            return 1;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void fill(Trailboss tb, Sizes sizes, PrintStream out) throws Exception {
        // targets: platforms with their sites
        for (int p = 0; p < sizes.platforms(); p++) {
            String platform = String.format(Locale.ROOT, "platform-%02d", p);
            tb.targets().create(new TargetSpec("platform", platform, null, Map.of("tier", p % 2 == 0 ? "gold" : "silver"), Map.of("php", "8.3"), List.of(), null));
            for (int s = 0; s < sizes.sitesPerPlatform(); s++) {
                String site = String.format(Locale.ROOT, "site-%04d", p * sizes.sitesPerPlatform() + s);
                tb.targets().create(new TargetSpec("site", site, platform, Map.of(), Map.of("docroot", "/srv/" + site), List.of(), null));
            }
        }
        tb.catalog().createOrUpdate(NOOP);
        tb.catalog().createOrUpdate(MANUAL);
        for (int a = 0; a < sizes.agents(); a++) tb.agents().tokens().issue("agent-" + a, List.of("site-" + String.format(Locale.ROOT, "%04d", 9000 + a)), Map.of());

        long t = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                work.add(pool.submit(() -> {
                    while (next.getAndIncrement() < sizes.executions()) tb.engine().start(new StartRequest("bench_ui_noop", Map.of(), Map.of(), null, null, null));
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        }
        ExecutionStore.Filter done = new ExecutionStore.Filter("bench_ui_noop", ExecutionState.SUCCESS, null, null, null);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (tb.queries().countExecutions(done) < sizes.executions()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("executions did not finish within 10 minutes");
            Thread.sleep(200);
        }
        out.printf(Locale.ROOT, "%,d executions (one job each on site-0000) in %.1f s%n", sizes.executions(), (System.nanoTime() - t) / 1e9);
        for (int m = 0; m < sizes.manual(); m++) tb.engine().start(new StartRequest("bench_ui_manual", Map.of(), Map.of(), null, null, null));

        t = System.nanoTime();
        Recordings rec = tb.recordings();
        String[] statuses = {"ok", "ok", "ok", "ok", "failed", "skipped"};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < sizes.playbooks(); p++) {
                final int pb = p;
                work.add(pool.submit(() -> {
                    long playbook = id(rec.create(AraResource.PLAYBOOKS, Map.of("ansible_version", "2.14.18", "path", "/srv/playbooks/site-" + pb + ".yml",
                            "name", "deploy site " + pb, "status", pb % 7 == 0 ? "failed" : "completed", "controller", "ctl-" + (pb % 3),
                            "labels", List.of("env:" + (pb % 2 == 0 ? "prod" : "staging")))));
                    long file = id(rec.create(AraResource.FILES, Map.of("playbook", playbook, "path", "/srv/playbooks/site-" + pb + ".yml", "content", "- hosts: all\n")));
                    long play = id(rec.create(AraResource.PLAYS, Map.of("playbook", playbook, "name", "deploy", "uuid", java.util.UUID.randomUUID().toString(), "status", "completed")));
                    List<Long> hosts = new ArrayList<>();
                    for (int h = 0; h < sizes.hostsPerPlaybook(); h++) {
                        hosts.add(id(rec.create(AraResource.HOSTS, Map.of("playbook", playbook, "name", "host-" + ((pb * 7 + h) % 2000)))));
                    }
                    for (int k = 0; k < sizes.tasksPerPlaybook(); k++) {
                        long task = id(rec.create(AraResource.TASKS, Map.of("playbook", playbook, "play", play, "file", file, "name", "step " + k,
                                "action", "command", "lineno", k + 1, "handler", false, "uuid", java.util.UUID.randomUUID().toString(), "status", "completed")));
                        List<Future<?>> results = new ArrayList<>();
                        for (int h = 0; h < hosts.size(); h++) {
                            long host = hosts.get(h);
                            String status = statuses[(k + h) % statuses.length];
                            results.add(pool.submit(() -> rec.create(AraResource.RESULTS, Map.of("playbook", playbook, "play", play, "task", task, "host", host,
                                    "status", status, "changed", false, "content", Map.of("msg", "done", "rc", 0)))));
                        }
                        for (Future<?> f : results) f.get();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        }
        out.printf(Locale.ROOT, "%,d recorded results (%,d playbooks) in %.1f s%n", sizes.results(), sizes.playbooks(), (System.nanoTime() - t) / 1e9);
    }

    private static long id(Map<String, Object> created) {
        return ((Number) created.get("id")).longValue();
    }

    private static int measure(PrintStream out, String base, Trailboss tb, Sizes sizes) throws Exception {
        long firstPlaybook = id(tb.recordings().list(AraResource.PLAYBOOKS, Map.of("order", List.of("id")), 1, 0).results().getFirst());
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("executions", "/ui/executions");
        pages.put("executions, state filter", "/ui/executions?state=SUCCESS");
        pages.put("executions, deep page", "/ui/executions?offset=" + Math.max(0, sizes.executions() - 50));
        pages.put("targets (top level)", "/ui/targets");
        pages.put("targets, children", "/ui/targets?parent=platform-01");
        pages.put("targets, search", "/ui/targets?q=site-01");
        pages.put("target + job history", "/ui/targets/site-0000");
        pages.put("job history, deep page", "/ui/targets/site-0000?offset=" + Math.max(0, sizes.executions() - 20));
        pages.put("playbooks", "/ui/recordings");
        pages.put("playbooks, label filter", "/ui/recordings?label=env:prod");
        pages.put("playbook page", "/ui/recordings/playbooks/" + firstPlaybook);
        pages.put("results", "/ui/recordings/results");
        pages.put("results, status filter", "/ui/recordings/results?status=failed");
        pages.put("hosts search", "/ui/recordings/hosts?name=host-1");
        pages.put("inbox", "/ui/inbox");
        pages.put("workflows", "/ui/workflows");
        pages.put("agents", "/ui/agents");
        HttpClient http = HttpClient.newHttpClient();
        out.printf(Locale.ROOT, "%n%-26s %12s %12s %12s %12s%n", "page (" + sizes.repeats() + " requests each)", "server med", "server max", "client med", "client max");
        int over = 0;
        for (Map.Entry<String, String> page : pages.entrySet()) {
            List<Double> server = new ArrayList<>();
            List<Double> client = new ArrayList<>();
            for (int i = 0; i < sizes.repeats() + 2; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + page.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                double clientMs = (System.nanoTime() - t) / 1e6;
                if (r.statusCode() != 200) throw new IllegalStateException(page.getValue() + " answered " + r.statusCode() + ": " + r.body());
                if (i < 2) continue; // the first requests warm the JIT and the database's caches
                client.add(clientMs);
                server.add(Double.parseDouble(r.headers().firstValue("Server-Timing").orElseThrow().replaceAll(".*dur=([0-9.]+).*", "$1")));
            }
            server.sort(null);
            client.sort(null);
            double med = server.get(server.size() / 2);
            if (med > BUDGET_MS) over++;
            out.printf(Locale.ROOT, "%-26s %9.1f ms %9.1f ms %9.1f ms %9.1f ms%s%n", page.getKey(), med, server.getLast(), client.get(client.size() / 2),
                    client.getLast(), med > BUDGET_MS ? "  over " + (int) BUDGET_MS + " ms" : "");
        }
        double[] load = new double[] {java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
        out.printf(Locale.ROOT, "%nload average after the run: %.2f; %d page(s) over the %d ms budget (server median)%n", load[0], over, (int) BUDGET_MS);
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            // a temporary directory
        }
    }
}
