package io.trailboss.bench;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.EngineListener;
import io.trailboss.engine.StartRequest;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote-agent benchmark: a real server (in-process, on a free port, embedded H2 with durable
 * commits) and N real agent processes ({@code trailboss agent}, started like the jar's main), over
 * HTTP on the loopback interface.
 *
 * <ul>
 *   <li>Throughput: executions of a workflow whose one task has {@code targets: {labels: ...}} over
 *       many targets, all covered by the agents' tokens; each job is a trivial shell script
 *       ({@code true}: a real {@code /bin/sh} process). Jobs per second from the first start until
 *       the last execution has ended: every job claimed, acknowledged, run, reported, and its
 *       outcome committed by the engine.</li>
 *   <li>Log latency: a remote job prints its own wall-clock time ({@code date +%s%N}) on each line;
 *       an SSE client on {@code /api/v1/executions/{id}/log/stream} takes the difference on arrival.
 *       Both clocks are this machine's.</li>
 * </ul>
 */
final class AgentBench {
    private static final Pattern STAMP = Pattern.compile("ts=(\\d{15,})");

    /** How big the agent scenario is. */
    record Sizes(int agents, int targets, int executions, int logRuns, int logLines, int maxWarmUpRounds) {
        static Sizes full(int agents) {
            return new Sizes(agents, 100, 100, 3, 40, 20);
        }

        static Sizes quick(int agents) {
            return new Sizes(agents, 20, 3, 1, 10, 2);
        }

        int jobs() {
            return targets * executions;
        }
    }

    private AgentBench() {}

    static int run(PrintStream out, Sizes s) {
        return run(out, s, null);
    }

    /**
     * {@code pgUrl}: run the server on this PostgreSQL server, in a fresh schema dropped afterwards
     * (null: on embedded H2). PostgreSQL's own processes' CPU is counted too, when they run on this
     * machine and /proc shows them.
     */
    static int run(PrintStream out, Sizes s, String pgUrl) {
        return run(out, s, pgUrl, false);
    }

    /**
     * {@code tls}: the server serves HTTPS with a self-signed certificate (made for the run) and the agents pin it
     * by its fingerprint, as agents beyond loopback do.
     */
    static int run(PrintStream out, Sizes s, String pgUrl, boolean tls) {
        Path dir = null;
        List<Process> agents = new ArrayList<>();
        ScratchSchema schema = null;
        try {
            dir = Files.createTempDirectory("trailboss-agent-bench-");
            out.printf(Locale.ROOT, "%nRemote agents: in-process server on %s, %d agent processes over %s, trivial shell jobs (job directories in %s)%n",
                    pgUrl == null ? "H2 (durable commits)" : "PostgreSQL", s.agents(), tls ? "HTTPS (self-signed certificate pinned by the agents)" : "plain HTTP",
                    jobsRoot() == null ? "the system's temporary directory" : jobsRoot() + ", agents' --work-dir");
            Database database;
            PostgresCpu pgCpu = null;
            if (pgUrl == null) database = Database.embedded(dir.resolve("db"));
            else {
                schema = ScratchSchema.create(pgUrl, "agent_bench_");
                // the bench's connections carry their own application name, so that PostgreSQL's processes serving them can be found
                String application = "trailboss-" + schema.name();
                database = Database.connect(PostgresCpu.withApplicationName(schema.url(), application), null, null);
                if (PostgresCpu.local(pgUrl)) pgCpu = new PostgresCpu(pgUrl, application);
            }
            try (Trailboss tb = new Trailboss(database, Clock.systemUTC())) {
                // agents authenticate with their tokens; the SSE client of the latency probe reads without a login
                io.trailboss.tls.CertificateFiles certificate = null;
                if (tls) {
                    io.trailboss.tls.SelfSignedCertificate.Made made = io.trailboss.tls.SelfSignedCertificate.ensure(dir.resolve("tls"), List.of(), Clock.systemUTC());
                    certificate = new io.trailboss.tls.CertificateFiles(made.certificate(), made.key());
                }
                String fingerprint = certificate == null ? null : certificate.current().fingerprint();
                ApiServer api = new ApiServer(tb, "127.0.0.1", 0, io.trailboss.auth.Auth.Mode.OPEN,
                        certificate == null ? ApiServer.Transport.PLAIN : new ApiServer.Transport(certificate, List.of(), dir.resolve("tls"))).start();
                try {
                    tb.recover();
                    String base = api.url();
                    HttpClient http = fingerprint == null ? HttpClient.newHttpClient()
                            : HttpClient.newBuilder().sslContext(io.trailboss.tls.ClientTrust.of(null, List.of(fingerprint)).sslContext()).build();
                    Waiter waiter = new Waiter();
                    tb.engine().addListener(waiter);
                    define(tb, s);
                    for (int i = 0; i < s.agents(); i++) {
                        String name = "bench-agent-" + i;
                        String secret = tb.agents().tokens().issue(name, List.of(), Map.of("bench", "yes")).secret();
                        agents.add(startAgent(base, secret, fingerprint, dir.resolve(name + ".log")));
                    }
                    awaitConnected(dir, s.agents());

                    warmUp(out, tb, waiter, agents, pgCpu, s);
                    measureLatency(tb, http, base, 1, 5);

                    Cpu cpu0 = Cpu.read(agents, pgCpu);
                    long[] writes0 = Bench.h2Writes(tb.database().jdbi());
                    long t0 = System.nanoTime();
                    runJobs(tb, waiter, s.executions());
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Cpu used = Cpu.read(agents, pgCpu).minus(cpu0);
                    double serverCpu = used.server();
                    double agentsCpu = used.agents();
                    double shellsCpu = used.shells();
                    double pgSeconds = used.postgres();
                    long[] writes = Bench.h2Writes(tb.database().jdbi());
                    double perSecond = s.jobs() / seconds;

                    long[] delays = measureLatency(tb, http, base, s.logRuns(), s.logLines());
                    java.util.Arrays.sort(delays);

                    int w = 60;
                    out.println("-".repeat(w + 24));
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "jobs through agents (" + s.jobs() + " jobs, " + s.executions() + " executions x "
                            + s.targets() + " targets)", String.format(Locale.ROOT, "%.0f /s", perSecond));
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  wall time", String.format(Locale.ROOT, "%.2f s", seconds));
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU: server" + (pgUrl == null ? " (with H2)" : "") + " / agent JVMs (jobs' shells not included)",
                            String.format(Locale.ROOT, "%.1f / %.1f s", serverCpu, agentsCpu));
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU: the jobs' processes (reaped children of the agents)",
                            String.format(Locale.ROOT, "%.1f s", shellsCpu));
                    double perJob = 1000.0 / s.jobs();
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU per job: server / agents / jobs' processes",
                            String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", serverCpu * perJob, agentsCpu * perJob, shellsCpu * perJob));
                    if (pgCpu != null && !Double.isNaN(pgSeconds)) {
                        out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU: PostgreSQL (bench's backends, writers); per job",
                                String.format(Locale.ROOT, "%.1f s; %.2f ms", pgSeconds, pgSeconds * perJob));
                    } else if (pgUrl != null) {
                        out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU: PostgreSQL", "not counted (its processes are not readable here)");
                    }
                    double total = used.total() * perJob;
                    int cores = Runtime.getRuntime().availableProcessors();
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  CPU per job in all; what " + cores + " idle cores would allow",
                            String.format(Locale.ROOT, "%.2f ms; %.0f /s", total, cores * 1000.0 / total));
                    if (pgUrl == null) {
                        out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "  H2 file writes (commits) / KiB written, per job",
                                String.format(Locale.ROOT, "%.2f / %.1f", (writes[0] - writes0[0]) / (double) s.jobs(), (writes[1] - writes0[1]) / 1024.0 / s.jobs()));
                    }
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "log line -> SSE client latency p50 (" + delays.length + " lines)", millis(Bench.percentile(delays, 50)));
                    out.printf(Locale.ROOT, "%-" + w + "s%14s%n", "log line -> SSE client latency p99", millis(Bench.percentile(delays, 99)));
                    out.printf(Locale.ROOT, "goals on a 2-core machine: at least 500 jobs/s with 4 agents; p50 log latency under 50 ms%n");
                } finally {
                    for (Process p : agents) p.destroy();
                    for (Process p : agents) {
                        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                    }
                    api.close();
                }
            }
            return 0;
        } catch (Exception e) {
            out.println("agent benchmark failed: " + e);
            if (dir != null) {
                try {
                    for (int i = 0; i < s.agents(); i++) {
                        Path log = dir.resolve("bench-agent-" + i + ".log");
                        if (Files.exists(log)) {
                            List<String> lines = Files.readAllLines(log);
                            out.println("agent " + i + " log (last lines): " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
                        }
                    }
                } catch (Exception ignored) {
                    // no logs to show
                }
            }
            return 1;
        } finally {
            for (Process p : agents) p.destroyForcibly();
            if (dir != null) Bench.deleteTree(dir);
            if (schema != null) {
                try {
                    schema.close();
                } catch (java.sql.SQLException e) {
                    out.println("could not drop schema " + schema.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * CPU used so far by the server (this process), the agent JVMs, the jobs' processes they reaped,
     * and PostgreSQL's processes serving the bench (0 on H2; NaN when they could not be read, which
     * {@link #total} leaves out).
     */
    private record Cpu(double server, double agents, double shells, double postgres) {
        static Cpu read(List<Process> agents, PostgresCpu pgCpu) {
            return new Cpu(cpuSeconds(ProcessHandle.current()),
                    agents.stream().mapToDouble(p -> cpuSeconds(p.toHandle())).sum(),
                    agents.stream().mapToDouble(p -> reapedChildrenCpuSeconds(p.pid())).sum(),
                    pgCpu == null ? 0 : pgCpu.seconds());
        }

        Cpu minus(Cpu before) {
            return new Cpu(server - before.server, agents - before.agents, shells - before.shells, postgres - before.postgres);
        }

        double total() {
            return server + agents + shells + (Double.isNaN(postgres) ? 0 : postgres);
        }
    }

    /**
     * The server and the agents are long-running processes, measured in their steady state. Their
     * JIT compilers keep working through the first ten thousand jobs or so (a path run once per job
     * is compiled by C2 only after thousands of runs), and that CPU is not what a job costs. Rounds
     * of a third of the measured run go on until CPU per job stops falling: at least four rounds,
     * then until two rounds in a row are not 3% cheaper than the best before them, or
     * {@link Sizes#maxWarmUpRounds}. Each round is printed, so the warm-up curve is part of the result.
     */
    private static void warmUp(PrintStream out, Trailboss tb, Waiter waiter, List<Process> agents, PostgresCpu pgCpu, Sizes s) throws Exception {
        int executions = Math.max(1, s.executions() / 3);
        int jobs = executions * s.targets();
        double best = Double.MAX_VALUE;
        int flat = 0;
        for (int round = 1; round <= s.maxWarmUpRounds(); round++) {
            Cpu before = Cpu.read(agents, pgCpu);
            long t0 = System.nanoTime();
            runJobs(tb, waiter, executions);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Cpu used = Cpu.read(agents, pgCpu).minus(before);
            double perJob = used.total() * 1000 / jobs;
            out.printf(Locale.ROOT, "  warm-up round %2d: %5d jobs, %4.0f /s, CPU per job %.2f ms (server %.2f, agents %.2f, jobs' processes %.2f%s)%n",
                    round, jobs, jobs / seconds, perJob, used.server() * 1000 / jobs, used.agents() * 1000 / jobs, used.shells() * 1000 / jobs,
                    pgCpu == null ? "" : Double.isNaN(used.postgres()) ? ", PostgreSQL not counted"
                            : String.format(Locale.ROOT, ", PostgreSQL %.2f", used.postgres() * 1000 / jobs));
            flat = perJob > best * 0.97 ? flat + 1 : 0;
            best = Math.min(best, perJob);
            if (round >= 4 && flat >= 2) return;
        }
    }

    private static void define(Trailboss tb, Sizes s) {
        for (int i = 0; i < s.targets(); i++) {
            create(tb, "bench-" + i, Map.of("bench", "yes", "group", "load"));
        }
        create(tb, "bench-log", Map.of("bench", "yes", "group", "log"));
        tb.catalog().createOrUpdate("""
                version: '2.0'
                agent_jobs:
                  tasks:
                    run:
                      targets: {labels: {group: load}}
                      action: shell
                      input:
                        script: "true"
                agent_log:
                  input: [lines]
                  tasks:
                    talk:
                      targets: bench-log
                      action: shell
                      input:
                        script: |
                          sleep 0.5
                          i=0
                          while [ $i -lt {{ _.lines }} ]; do echo "ts=$(date +%s%N)"; sleep 0.02; i=$((i+1)); done
                """);
    }

    private static void create(Trailboss tb, String name, Map<String, String> labels) {
        tb.targets().create(new io.trailboss.target.TargetSpec("machine", name, null, labels, Map.of(), List.of(), null));
    }

    /** Where the agents make their jobs' directories: a memory file system when the machine has one (see {@code --work-dir}). */
    static Path jobsRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : null;
    }

    private static Process startAgent(String base, String token, String fingerprint, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // started as bin/trailboss starts an agent: with the JVM options chosen for agents
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(io.trailboss.agent.AgentProcess.JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "agent",
                "--server", base, "--token", token));
        if (fingerprint != null) command.addAll(List.of("--fingerprint", fingerprint));
        if (jobsRoot() != null) command.addAll(List.of("--work-dir", jobsRoot().toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitConnected(Path dir, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int connected = 0;
            for (int i = 0; i < n; i++) {
                Path log = dir.resolve("bench-agent-" + i + ".log");
                if (Files.exists(log) && Files.readString(log).contains("connected to")) connected++;
            }
            if (connected == n) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("the agents did not connect within 60 s");
    }

    /** Starts {@code n} executions of the many-target workflow and waits until all have succeeded. */
    private static void runJobs(Trailboss tb, Waiter waiter, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(tb.engine().start(StartRequest.of("agent_jobs", Map.of())).id());
        for (String id : ids) {
            Execution e = waiter.future(id).get(300, TimeUnit.SECONDS);
            waiter.done.remove(id);
            if (e.state() != ExecutionState.SUCCESS) throw new IllegalStateException("execution " + id + " ended " + e.state() + ": " + e.stateInfo());
        }
    }

    /** Runs the printing job {@code runs} times; answers each line's delay in ms from its print to its arrival over SSE. */
    private static long[] measureLatency(Trailboss tb, HttpClient http, String base, int runs, int lines) throws Exception {
        List<Long> delays = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            String id = tb.engine().start(StartRequest.of("agent_log", Map.of("lines", lines))).id();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/executions/" + id + "/log/stream"))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int seen = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                String event = null;
                // read to the end event: the server closes the stream when the execution is over
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("event:")) event = line.substring(6).trim();
                    if (line.startsWith("data:") && "log".equals(event)) {
                        Instant now = Instant.now();
                        long arrived = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                        Object text = Json.readMap(line.substring(5).trim()).get("text");
                        Matcher m = STAMP.matcher(String.valueOf(text));
                        while (m.find()) {
                            delays.add(TimeUnit.NANOSECONDS.toMillis(arrived - Long.parseLong(m.group(1))));
                            seen++;
                        }
                    }
                    if (line.startsWith("data:") && "end".equals(event)) break;
                }
            }
            if (seen < lines) throw new IllegalStateException("the SSE client saw " + seen + " of " + lines + " lines");
        }
        return delays.stream().mapToLong(Long::longValue).toArray();
    }

    private static double cpuSeconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /**
     * CPU of a process's children that it has waited for ({@code cutime + cstime} of
     * {@code /proc/PID/stat}): the jobs' shells, once reaped. 0 where there is no /proc.
     */
    static double reapedChildrenCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3, so cutime (16) and cstime (17) are at 13 and 14
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String millis(long ms) {
        return ms + " ms";
    }

    /** Waits for executions through the engine's listener (told after each commit). */
    private static final class Waiter implements EngineListener {
        final Map<String, CompletableFuture<Execution>> done = new ConcurrentHashMap<>();

        @Override
        public void executionChanged(Execution e) {
            if (e.state().isFinal()) future(e.id()).complete(e);
        }

        CompletableFuture<Execution> future(String id) {
            return done.computeIfAbsent(id, k -> new CompletableFuture<>());
        }
    }
}
