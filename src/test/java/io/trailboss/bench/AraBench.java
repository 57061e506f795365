package io.trailboss.bench;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What recording costs Ansible: the same playbooks (200 tasks on 1 host; 20 tasks on 10 hosts,
 * connection local) run with no callback, with ARA's callback posting to Debian's ARA server, and
 * with it posting to Trailboss; then the recording API's ingest rate, measured by posting results
 * (with contents taken from the real run) from concurrent clients, on both servers.
 */
final class AraBench {
    private static final Path ANSIBLE_PLAYBOOK = Path.of("/usr/bin/ansible-playbook");

    // araClients: Django's development server (ara-server's runserver) queues at most 5 connections, so more clients get reset
    record Sizes(int bigTasks, int wideTasks, int wideHosts, int repeats, int ingestResults, int araIngestResults, int clients, int araClients) {
        static Sizes full() {
            return new Sizes(200, 20, 10, 3, 20_000, 1_000, 32, 4);
        }

        static Sizes quick() {
            return new Sizes(20, 5, 3, 1, 2_000, 200, 32, 4);
        }

        /** No timed playbook runs (the warm-up run still records the contents the ingest posts). */
        Sizes ingestOnly() {
            return new Sizes(bigTasks, wideTasks, wideHosts, 0, ingestResults, araIngestResults, clients, araClients);
        }
    }

    private record Scenario(String name, Path playbook, Path inventory, int results) {}

    private AraBench() {}

    static int run(PrintStream out, Sizes s) {
        return run(out, s, null);
    }

    /** {@code pgUrl}: a PostgreSQL server on which the ingest is measured too (null or unreachable: H2 only). */
    static int run(PrintStream out, Sizes s, String pgUrl) {
        if (!Files.isExecutable(ANSIBLE_PLAYBOOK)) {
            out.println("ansible-playbook is not installed (apt-get install ansible-core python3-ara ara-server); the ara scenario needs it");
            return 1;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("trailboss-ara-bench-");
            out.printf(Locale.ROOT, "%nAnsible recording: %d cores, ansible-core %s, ARA callback (python3-ara) with default settings,"
                    + " Trailboss in-process on H2 (durable commits), ara-server = Debian's ara-manage runserver on SQLite%n",
                    Runtime.getRuntime().availableProcessors(), version());
            List<Scenario> scenarios = List.of(
                    scenario(dir, "big", s.bigTasks(), 1),
                    scenario(dir, "wide", s.wideTasks(), s.wideHosts()));
            try (Trailboss tb = new Trailboss(Database.embedded(dir.resolve("db")), Clock.systemUTC())) {
                ApiServer api = new ApiServer(tb, "127.0.0.1", 0).start();
                AraServerProcess ara = null;
                try {
                    tb.recover();
                    String trailboss = "http://127.0.0.1:" + api.port() + "/ara";
                    if (AraServerProcess.installed()) {
                        ara = AraServerProcess.start(dir.resolve("ara"));
                    } else {
                        out.println("ara-server is not installed (apt-get install ara-server): its column stays empty");
                    }
                    String callbacks = ask("ara.setup.callback_plugins");
                    String actions = ask("ara.setup.action_plugins");
                    // warm-up: Ansible's first run compiles its Python files; Trailboss's JIT
                    runPlaybook(scenarios.getFirst(), null, callbacks, actions, dir);
                    runPlaybook(scenarios.getFirst(), trailboss, callbacks, actions, dir);
                    if (s.repeats() > 0) out.printf(Locale.ROOT, "%-34s %12s %14s %14s %16s %16s%n", "playbook (median of " + s.repeats() + ")", "no callback",
                            "ara-server", "trailboss", "ara-server adds", "trailboss adds");
                    for (Scenario sc : s.repeats() > 0 ? scenarios : List.<Scenario>of()) {
                        List<Double> none = new ArrayList<>();
                        List<Double> viaAra = new ArrayList<>();
                        List<Double> viaTb = new ArrayList<>();
                        for (int i = 0; i < s.repeats(); i++) {
                            none.add(runPlaybook(sc, null, callbacks, actions, dir));
                            if (ara != null) viaAra.add(runPlaybook(sc, ara.url(), callbacks, actions, dir));
                            viaTb.add(runPlaybook(sc, trailboss, callbacks, actions, dir));
                        }
                        double n = Bench.median(none);
                        double a = ara == null ? Double.NaN : Bench.median(viaAra);
                        double t = Bench.median(viaTb);
                        out.printf(Locale.ROOT, "%-34s %10.2f s %12s %12.2f s %16s %14.2f s%n", sc.name(), n,
                                ara == null ? "-" : String.format(Locale.ROOT, "%.2f s", a), t,
                                ara == null ? "-" : String.format(Locale.ROOT, "%.2f s", a - n), t - n);
                    }
                    List<Map<String, Object>> contents = sampleContents(trailboss);
                    int n = s.ingestResults();
                    int cores = Runtime.getRuntime().availableProcessors();
                    // warm-up: the JIT of the posting path, through both kinds of client. A server's CPU per post keeps
                    // falling over its first few ten thousand posts (C2 compiling the path), so the lean warm-up is a full run
                    ingest(trailboss, contents, Math.max(200, n / 10), s.clients());
                    ingestLean(trailboss, contents, n, s.clients(), Clients.SEPARATE_PROCESS, false, null);
                    out.printf(Locale.ROOT, "ingest into trailboss on H2 (durable commits): %,d results (each a distinct body) per run, after a warm-up of %,d; load average %s%n",
                            n, n + Math.max(200, n / 10), loadAverage());
                    Lean apart = null;
                    for (int clients : new int[] {s.clients(), s.clients() * 2}) {
                        long[] writes0 = Bench.h2Writes(tb.database().jdbi());
                        Lean lean = ingestLean(trailboss, contents, n, clients, Clients.SEPARATE_PROCESS, false, null);
                        long[] writes = Bench.h2Writes(tb.database().jdbi());
                        if (apart == null) apart = lean;
                        out.printf(Locale.ROOT, "  server-side ingest rate, %d lean HTTP/1.1 clients in a separate process (kept-alive, as wrk): %,.0f results/s%n", clients, lean.rate());
                        out.printf(Locale.ROOT, "    CPU per result: server (Trailboss with H2, alone in its JVM) %.3f ms; the client process %.3f ms%n", lean.serverMs(), lean.clientMs());
                        out.printf(Locale.ROOT, "    H2 file writes (commits) per result: %.3f (%.1f results per commit), KiB written per result: %.2f%n",
                                (writes[0] - writes0[0]) / (double) n, n / (double) Math.max(1, writes[0] - writes0[0]), (writes[1] - writes0[1]) / 1024.0 / n);
                    }
                    Lean inside = ingestLean(trailboss, contents, n, s.clients(), Clients.IN_PROCESS, false, null);
                    out.printf(Locale.ROOT, "  %d lean clients in the server's JVM: %,.0f results/s; CPU per result, server and clients: %.3f ms%n", s.clients(), inside.rate(), inside.serverMs());
                    double cpu = cpuSeconds();
                    double tbRate = ingest(trailboss, contents, n, s.clients());
                    double keptCpu = (cpuSeconds() - cpu) * 1000 / n;
                    out.printf(Locale.ROOT, "  java.net.http clients in the server's JVM (kept-alive): %,.0f results/s; CPU per result, server and clients: %.3f ms%n", tbRate, keptCpu);
                    cpu = cpuSeconds();
                    double tbClose = ingest(trailboss, contents, n, s.clients(), true);
                    double closeCpu = (cpuSeconds() - cpu) * 1000 / n;
                    out.printf(Locale.ROOT, "  java.net.http clients, a connection per post (as ARA's callback gets): %,.0f results/s; CPU per result, server and clients: %.3f ms%n",
                            tbClose, closeCpu);
                    // the same with authentication required: every post carries a user's password (HTTP Basic), verified
                    // with Argon2id once and then remembered for 30 s
                    tb.auth().users().create("bench", "bench-password-1", List.of(io.trailboss.auth.Grant.global(io.trailboss.auth.Role.OPERATOR)));
                    tb.auth().mode(io.trailboss.auth.Auth.Mode.REQUIRED);
                    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("bench:bench-password-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    double tbAuth = ingest(trailboss, contents, n, s.clients(), false, basic);
                    out.printf(Locale.ROOT, "  java.net.http clients with authentication required (HTTP Basic password, kept-alive): %,.0f results/s%n", tbAuth);
                    tb.auth().mode(io.trailboss.auth.Auth.Mode.OPEN);
                    Lean refused = ingestLean(trailboss, contents, n, s.clients(), Clients.SEPARATE_PROCESS, true, null);
                    out.printf(Locale.ROOT, "  HTTP alone (%,d posts refused at once with a 400, no database), lean clients in a separate process: %,.0f posts/s%n", n, refused.rate());
                    out.printf(Locale.ROOT, "    CPU per refused post, server alone: %.3f ms; so the recording itself costs about %.3f ms of the server's CPU per result%n",
                            refused.serverMs(), apart.serverMs() - refused.serverMs());
                    cpu = cpuSeconds();
                    try {
                        double floor = httpFloor(trailboss, n, s.clients());
                        double floorCpu = (cpuSeconds() - cpu) * 1000 / n;
                        out.printf(Locale.ROOT, "  HTTP alone, java.net.http clients in the server's JVM: %,.0f posts/s; CPU per refused post, server and clients: %.3f ms%n", floor, floorCpu);
                    } catch (IOException e) {
                        // seen once at load 18: the JDK client reported a connection that answered nothing; the
                        // PostgreSQL figures below still count, so this line says so instead of ending the run
                        out.println("  HTTP alone, java.net.http clients in the server's JVM: failed: " + e.getMessage());
                    }
                    out.printf(Locale.ROOT, "  what %d idle cores would allow at the server's CPU per result (clients elsewhere): %,.0f results/s;"
                            + " with the lean clients' CPU too: %,.0f results/s (%d clients); load average %s%n", cores, cores * 1000 / apart.serverMs(),
                            cores * 1000 / (apart.serverMs() + apart.clientMs()), s.clients(), loadAverage());
                    if (pgUrl != null) ingestOnPostgres(out, pgUrl, contents, s);
                    if (ara != null) {
                        double araRate = ingest(ara.url(), contents, s.araIngestResults(), s.araClients());
                        out.printf(Locale.ROOT, "ingest, ara-server: %,d results posted by %d concurrent clients: %,.0f results/s%n", s.araIngestResults(), s.araClients(), araRate);
                        double tbFew = ingest(trailboss, contents, s.araIngestResults(), s.araClients());
                        out.printf(Locale.ROOT, "ingest, trailboss:  %,d results posted by %d concurrent clients: %,.0f results/s%n", s.araIngestResults(), s.araClients(), tbFew);
                    }
                } finally {
                    if (ara != null) ara.close();
                    api.close();
                }
            }
            return 0;
        } catch (Exception e) {
            out.println("ara benchmark failed: " + e);
            return 1;
        } finally {
            if (dir != null) Bench.deleteTree(dir);
        }
    }

    private static Scenario scenario(Path dir, String kind, int tasks, int hosts) throws IOException {
        StringBuilder pb = new StringBuilder("- name: bench\n  hosts: all\n  gather_facts: false\n  tasks:\n");
        for (int i = 0; i < tasks; i++) {
            pb.append("    - name: task ").append(i).append("\n      debug:\n        msg: \"task ").append(i).append(" on {{ inventory_hostname }}\"\n");
        }
        Path playbook = dir.resolve(kind + ".yml");
        Files.writeString(playbook, pb);
        StringBuilder inv = new StringBuilder("[all]\n");
        for (int h = 0; h < hosts; h++) inv.append("host").append(h).append(" ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
        Path inventory = dir.resolve(kind + ".ini");
        Files.writeString(inventory, inv);
        return new Scenario(tasks + " tasks on " + hosts + (hosts == 1 ? " host" : " hosts"), playbook, inventory, tasks * hosts);
    }

    /** Wall time of one ansible-playbook run, recording into {@code server} (null: no callback). */
    private static double runPlaybook(Scenario sc, String server, String callbacks, String actions, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ANSIBLE_PLAYBOOK.toString(), "-f", "10", "-i", sc.inventory().toString(), sc.playbook().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("ansible.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_LOCAL_TEMP", dir.resolve("tmp").toString());
        if (server != null) {
            env.put("ANSIBLE_CALLBACK_PLUGINS", callbacks);
            env.put("ANSIBLE_ACTION_PLUGINS", actions);
            env.put("ANSIBLE_CALLBACKS_ENABLED", "ara_default");
            env.put("ARA_API_CLIENT", "http");
            env.put("ARA_API_SERVER", server);
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ansible-playbook did not finish within 600 s");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String log = Files.readString(dir.resolve("ansible.log"));
        if (p.exitValue() != 0 || log.contains("Traceback")) throw new IOException("ansible-playbook failed (" + p.exitValue() + "): " + tail(log));
        return seconds;
    }

    /** The 1-, 5- and 15-minute load averages (what else ran on the cores shows in every rate). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** Result contents as the callback recorded them in the last run: what the ingest clients post. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> sampleContents(String api) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Object> page = get(http, api + "/api/v1/results?order=-id&limit=50");
        List<Map<String, Object>> contents = new ArrayList<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) page.get("results")) {
            contents.add((Map<String, Object>) get(http, api + "/api/v1/results/" + r.get("id")).get("content"));
        }
        if (contents.isEmpty()) throw new IOException("no recorded result to replay");
        return contents;
    }

    /**
     * Results per second that {@code api} stores: a playbook, play, file, task and hosts are created
     * as the callback does, then {@code count} results are posted by {@code clients} concurrent clients.
     */
    @SuppressWarnings("unchecked")
    static double ingest(String api, List<Map<String, Object>> contents, int count, int clients) throws Exception {
        return ingest(api, contents, count, clients, false);
    }

    /** {@code likeTheCallback}: posts say they are ARA's HTTP client, as the callback does (Trailboss then closes each connection). */
    static double ingest(String api, List<Map<String, Object>> contents, int count, int clients, boolean likeTheCallback) throws Exception {
        return ingest(api, contents, count, clients, likeTheCallback, null);
    }

    /** {@code authorization}: the Authorization header of every post (null: none). */
    static double ingest(String api, List<Map<String, Object>> contents, int count, int clients, boolean likeTheCallback, String authorization) throws Exception {
        AUTHORIZATION.set(authorization);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Posts posts = prepare(http, api, contents, count);
        String v1 = api + "/api/v1";
        double seconds = postConcurrently(http, count, clients, 201, "posting results failed", i -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(v1 + "/results")).header("Content-Type", "application/json");
            if (likeTheCallback) b.header("User-Agent", "ara-http-client_bench");
            if (authorization != null) b.header("Authorization", authorization);
            return b.POST(HttpRequest.BodyPublishers.ofString(posts.bodies().get(i)));
        });
        checkStored(http, posts, count);
        return count / seconds;
    }

    /** The result bodies to post (each distinct: its own task, host and content in turn) under a new playbook, play, file, 20 tasks and 10 hosts. */
    private record Posts(String v1, long playbook, List<String> bodies) {}

    private static Posts prepare(HttpClient http, String api, List<Map<String, Object>> contents, int count) throws IOException, InterruptedException {
        String v1 = api + "/api/v1";
        long playbook = id(post(http, v1 + "/playbooks", Map.of("ansible_version", "2.14.18", "status", "running", "path", "/bench/ingest.yml",
                "arguments", Map.of(), "controller", "bench")));
        long play = id(post(http, v1 + "/plays", Map.of("name", "ingest", "uuid", java.util.UUID.randomUUID().toString(), "playbook", playbook, "status", "running")));
        long file = id(post(http, v1 + "/files", Map.of("path", "/bench/ingest.yml", "content", "- hosts: all\n", "playbook", playbook)));
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(id(post(http, v1 + "/tasks", Map.of("name", "task " + i, "action", "debug", "lineno", i + 1, "tags", List.of(), "handler", false,
                    "play", play, "file", file, "playbook", playbook, "status", "running", "uuid", java.util.UUID.randomUUID().toString()))));
        }
        List<Long> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) hosts.add(id(post(http, v1 + "/hosts", Map.of("name", "host" + i, "playbook", playbook))));
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("playbook", playbook);
            body.put("play", play);
            body.put("task", tasks.get(i % tasks.size()));
            body.put("host", hosts.get(i % hosts.size()));
            body.put("content", contents.get(i % contents.size()));
            body.put("status", "ok");
            body.put("changed", false);
            body.put("ignore_errors", false);
            body.put("delegated_to", List.of());
            body.put("started", "2026-11-23T10:00:00.000000Z");
            body.put("ended", "2026-11-23T10:00:00.100000Z");
            bodies.add(Json.write(body));
        }
        return new Posts(v1, playbook, bodies);
    }

    /** Every post answered 201; this checks that every result is also stored, under its playbook. */
    private static void checkStored(HttpClient http, Posts posts, int count) throws IOException, InterruptedException {
        Map<String, Object> stored = get(http, posts.v1() + "/results?playbook=" + posts.playbook() + "&limit=1");
        if (((Number) stored.get("count")).intValue() != count) throw new IOException("stored " + stored.get("count") + " results of " + count);
    }

    /** Where the lean clients run: in this JVM (their CPU counted with the server's), or in a process of their own. */
    enum Clients { IN_PROCESS, SEPARATE_PROCESS }

    /**
     * An ingest measured with {@link LeanPosts}: results/s, the CPU per result of this process (the
     * server, plus the clients when they run in it), of the client process, and of PostgreSQL's
     * processes (NaN when not measured).
     */
    record Lean(double rate, double serverMs, double clientMs, double databaseMs) {}

    /**
     * The ingest of {@link #ingest} with lean HTTP/1.1 clients on kept-alive sockets; {@code expected}
     * 400 with {@code refused}: posts without their references, refused before the database.
     */
    static Lean ingestLean(String api, List<Map<String, Object>> contents, int count, int clients, Clients where, boolean refused,
                           PostgresCpu database) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AUTHORIZATION.remove();
        URI uri = URI.create(api);
        List<byte[]> requests = new ArrayList<>(count);
        String path = uri.getPath() + "/api/v1/results";
        Posts posts = null;
        if (refused) {
            // distinct bodies as well, so that nothing is cached between posts
            for (int i = 0; i < count; i++) {
                byte[] body = Json.write(Map.of("status", "ok", "content", Map.of("msg", "x " + i))).getBytes(StandardCharsets.UTF_8);
                requests.add(LeanPosts.request("POST", uri.getHost(), uri.getPort(), path, List.of(), body));
            }
        } else {
            posts = prepare(http, api, contents, count);
            for (String b : posts.bodies()) requests.add(LeanPosts.request("POST", uri.getHost(), uri.getPort(), path, List.of(), b.getBytes(StandardCharsets.UTF_8)));
        }
        int expected = refused ? 400 : 201;
        LeanPosts.Run run;
        double server;
        double db;
        if (where == Clients.IN_PROCESS) {
            double db0 = database == null ? 0 : database.seconds();
            run = LeanPosts.post(uri.getHost(), uri.getPort(), requests, clients, expected);
            db = database == null ? Double.NaN : database.seconds() - db0;
            server = run.cpuSeconds();
        } else {
            try (LeanPosts.ClientProcess p = new LeanPosts.ClientProcess(uri.getHost(), uri.getPort(), requests, clients, expected)) {
                double cpu0 = cpuSeconds();
                double db0 = database == null ? 0 : database.seconds();
                run = p.run();
                server = cpuSeconds() - cpu0;
                db = database == null ? Double.NaN : database.seconds() - db0;
            }
        }
        if (posts != null) checkStored(http, posts, count);
        return new Lean(count / run.seconds(), server * 1000 / count,
                where == Clients.IN_PROCESS ? 0 : run.cpuSeconds() * 1000 / count, db * 1000 / count);
    }

    /**
     * The same ingest into a Trailboss on PostgreSQL (a fresh schema, dropped afterwards), whose
     * commits of concurrent batches share the server's group commit: at the clients of the H2 run
     * and at twice as many.
     */
    private static void ingestOnPostgres(PrintStream out, String pgUrl, List<Map<String, Object>> contents, Sizes s) {
        ScratchSchema schema;
        try {
            schema = ScratchSchema.create(pgUrl, "ara_bench_");
        } catch (java.sql.SQLException e) {
            out.println("ingest on PostgreSQL skipped: " + pgUrl + " is not reachable (" + e.getMessage() + ")");
            return;
        }
        // the bench's connections carry their own application name, so that PostgreSQL's processes serving them can be found
        String application = "trailboss-" + schema.name();
        try (Trailboss tb = new Trailboss(Database.connect(PostgresCpu.withApplicationName(schema.url(), application), null, null), Clock.systemUTC())) {
            // the ingest path alone, as on H2 (PostgreSQL would otherwise require authentication by default)
            ApiServer api = new ApiServer(tb, "127.0.0.1", 0, io.trailboss.auth.Auth.Mode.OPEN).start();
            try {
                String url = "http://127.0.0.1:" + api.port() + "/ara";
                ingest(url, contents, Math.max(200, s.ingestResults() / 10), s.clients()); // warm-up
                ingestLean(url, contents, s.ingestResults(), s.clients(), Clients.SEPARATE_PROCESS, false, null);
                PostgresCpu pgCpu = PostgresCpu.local(pgUrl) ? new PostgresCpu(pgUrl, application) : null;
                out.printf(Locale.ROOT, "ingest into trailboss on PostgreSQL (%s): %,d results per run; load average %s%n",
                        pgCpu == null ? "elsewhere: its CPU not measured" : "on this machine", s.ingestResults(), loadAverage());
                int cores = Runtime.getRuntime().availableProcessors();
                for (int clients : new int[] {s.clients(), s.clients() * 2}) {
                    Lean lean = ingestLean(url, contents, s.ingestResults(), clients, Clients.SEPARATE_PROCESS, false, pgCpu);
                    out.printf(Locale.ROOT, "  server-side ingest rate, %d lean clients in a separate process (kept-alive): %,.0f results/s%n", clients, lean.rate());
                    out.printf(Locale.ROOT, "    CPU per result: Trailboss %.3f ms, PostgreSQL %.3f ms (its backends for these connections and its writers), the client process %.3f ms%n",
                            lean.serverMs(), lean.databaseMs(), lean.clientMs());
                    if (!Double.isNaN(lean.databaseMs())) {
                        out.printf(Locale.ROOT, "    what %d idle cores would allow at Trailboss's and PostgreSQL's CPU per result: %,.0f results/s%n",
                                cores, cores * 1000 / (lean.serverMs() + lean.databaseMs()));
                    }
                }
                double cpu = cpuSeconds();
                double db0 = pgCpu == null ? 0 : pgCpu.seconds();
                double rate = ingest(url, contents, s.ingestResults(), s.clients());
                out.printf(Locale.ROOT, "  java.net.http clients in the server's JVM, %d clients (kept-alive): %,.0f results/s; CPU per result: this process %.3f ms, PostgreSQL %.3f ms%n",
                        s.clients(), rate, (cpuSeconds() - cpu) * 1000 / s.ingestResults(), pgCpu == null ? Double.NaN : (pgCpu.seconds() - db0) * 1000 / s.ingestResults());
            } finally {
                api.close();
            }
        } catch (Exception e) {
            out.println("ingest on PostgreSQL failed: " + e);
        } finally {
            try {
                schema.close();
            } catch (java.sql.SQLException e) {
                out.println("could not drop schema " + schema.name() + ": " + e.getMessage());
            }
        }
    }

    /** Posts that Trailboss refuses before the database (a result without its references): what HTTP, JSON and a new connection per post cost alone. */
    static double httpFloor(String api, int count, int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String body = Json.write(Map.of("status", "ok", "content", Map.of("msg", "x")));
        double seconds = postConcurrently(http, count, clients, 400, "refused posts answered otherwise", i -> HttpRequest.newBuilder(URI.create(api + "/api/v1/results"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        return count / seconds;
    }

    /**
     * Sends {@code count} requests ({@code request} builds the i-th) from {@code clients} threads sharing one
     * JDK client, each answer expected to have status {@code expected}; answers the seconds it took.
     */
    private static double postConcurrently(HttpClient http, int count, int clients, int expected, String failure,
            java.util.function.IntFunction<HttpRequest.Builder> request) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count && errors.isEmpty()) {
                    try {
                        HttpResponse<String> r = http.send(request.apply(i).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != expected) errors.add(r.statusCode() + ": " + r.body());
                    } catch (IOException | InterruptedException e) {
                        errors.add(e.toString());
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!errors.isEmpty()) throw new IOException(failure + ": " + errors.peek());
        return seconds;
    }

    private static long id(Map<String, Object> m) {
        return ((Number) m.get("id")).longValue();
    }

    private static final ThreadLocal<String> AUTHORIZATION = new ThreadLocal<>();

    private static Map<String, Object> post(HttpClient http, String url, Map<String, Object> body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (AUTHORIZATION.get() != null) b.header("Authorization", AUTHORIZATION.get());
        HttpResponse<String> r = http.send(b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IOException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        return Json.readMap(r.body());
    }

    private static Map<String, Object> get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (AUTHORIZATION.get() != null) b.header("Authorization", AUTHORIZATION.get());
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        return Json.readMap(r.body());
    }

    private static String ask(String module) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-m", module).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) throw new IOException("python3-ara is not installed: " + out);
        return out;
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder(ANSIBLE_PLAYBOOK.toString(), "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor();
            return first.replaceAll(".*\\[core ([^\\]]+)\\].*", "$1");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static String tail(String log) {
        return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
    }
}
