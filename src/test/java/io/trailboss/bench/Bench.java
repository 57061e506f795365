package io.trailboss.bench;

import io.trailboss.app.Trailboss;
import io.trailboss.engine.EngineListener;
import io.trailboss.engine.StartRequest;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.store.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The engine benchmark: chains, parallel tasks with a join, with-items and many small executions,
 * all of {@code std.noop} tasks, against the embedded H2 database and PostgreSQL, with durable
 * commits. Prints one table; the real Mistral 15 figures from the brief are printed beside it as a
 * reference (they were measured earlier on the same kind of machine, not by this program).
 *
 * <p>Timings are wall-clock from the start request until the engine reports the execution final.
 * Task-to-task latency is the gap between the start of one task's action and the start of the next
 * task's action in a chain (runner timestamps on the jobs); a no-op action takes well under 1 ms,
 * so the gap is the engine's hand-over: outcome queued, transaction committed, next job dispatched.
 */
public final class Bench {
    static final String DEFAULT_PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** Where the PostgreSQL runs go when {@code --pg-url} is not given; unset: {@link #DEFAULT_PG}. */
    static final String PG_URL_ENV = "TRAILBOSS_BENCH_PG_URL";
    /** How the benchmarks are run: they are not in the server jar, only in a source checkout's test classes. */
    static final String USAGE = "usage: bin/trailboss bench [--scenario engine|agents|ara|ara-ingest|nodes|ui-lists|yaql|all] [--db h2|postgres|both]"
            + " [--pg-url JDBC_URL] [--agents N] [--tls] [--quick]\n"
            + "  (from a source checkout; the same as mvn -Pbench test -Dbench.args=\"OPTIONS\")\n"
            + "  --pg-url defaults to $" + PG_URL_ENV + ", else " + DEFAULT_PG;
    private static final long TIMEOUT_S = 300;

    private Bench() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Options: {@code --scenario engine|agents|ara|nodes|ui-lists|yaql|all} (default engine; {@code --agents N} alone means
     * agents), {@code --db h2|postgres|both}, {@code --pg-url URL}, {@code --agents N} (default 4),
     * {@code --quick}, {@code --tls} (the agent scenario over HTTPS). The agent scenario ({@link AgentBench}) runs on H2 unless {@code --db} is given.
     * The PostgreSQL URL is {@code --pg-url}, else the environment's {@value #PG_URL_ENV}, else {@value #DEFAULT_PG}.
     */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, System.getenv(PG_URL_ENV));
    }

    static int run(String[] args, PrintStream out, String pgUrlFromEnvironment) {
        String db = "both";
        String pgUrl = pgUrlFromEnvironment == null || pgUrlFromEnvironment.isBlank() ? DEFAULT_PG : pgUrlFromEnvironment.strip();
        boolean quick = false;
        String scenario = null;
        int agents = 4;
        boolean agentsGiven = false;
        boolean dbGiven = false;
        boolean tls = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db", "--pg-url", "--scenario", "--agents" -> {
                    if (i + 1 >= args.length) {
                        out.println(args[i] + " needs a value");
                        return 2;
                    }
                    switch (args[i]) {
                        case "--db" -> {
                            db = args[++i];
                            dbGiven = true;
                        }
                        case "--scenario" -> scenario = args[++i];
                        case "--agents" -> {
                            try {
                                agents = Integer.parseInt(args[++i]);
                            } catch (NumberFormatException e) {
                                agents = 0;
                            }
                            if (agents < 1 || agents > 32) {
                                out.println("--agents must be a number from 1 to 32, not '" + args[i] + "'");
                                return 2;
                            }
                            agentsGiven = true;
                        }
                        default -> pgUrl = args[++i];
                    }
                }
                case "--quick" -> quick = true;
                case "--tls" -> tls = true;
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    out.println("unknown option '" + args[i] + "' (expected --scenario, --db, --pg-url, --agents, --tls, --quick)");
                    return 2;
                }
            }
        }
        List<String> kinds = switch (db) {
            case "h2" -> List.of("h2");
            case "postgres", "pg" -> List.of("postgres");
            case "both" -> List.of("h2", "postgres");
            default -> null;
        };
        if (kinds == null) {
            out.println("--db must be h2, postgres or both, not '" + db + "'");
            return 2;
        }
        if (scenario == null) scenario = agentsGiven ? "agents" : "engine";
        if (!List.of("engine", "agents", "ara", "ara-ingest", "nodes", "ui-lists", "yaql", "all").contains(scenario)) {
            out.println("--scenario must be engine, agents, ara, ara-ingest, nodes, ui-lists, yaql or all, not '" + scenario + "'");
            return 2;
        }
        if (tls && !scenario.equals("agents")) {
            out.println("--tls applies to --scenario agents only");
            return 2;
        }
        if (scenario.equals("nodes")) {
            return NodesBench.run(out, pgUrl, quick ? NodesBench.QUICK : NodesBench.FULL);
        }
        if (scenario.equals("ara")) {
            return AraBench.run(out, quick ? AraBench.Sizes.quick() : AraBench.Sizes.full(), pgUrl);
        }
        if (scenario.equals("yaql")) {
            return YaqlBench.run(out, quick);
        }
        if (scenario.equals("ui-lists")) {
            return UiListBench.run(out, quick ? UiListBench.Sizes.quick() : UiListBench.Sizes.full());
        }
        if (scenario.equals("ara-ingest")) {
            // the ingest rates alone: one playbook run records the contents to post, no timed playbooks
            return AraBench.run(out, (quick ? AraBench.Sizes.quick() : AraBench.Sizes.full()).ingestOnly(), pgUrl);
        }
        if (scenario.equals("agents")) {
            AgentBench.Sizes agentSizes = quick ? AgentBench.Sizes.quick(agents) : AgentBench.Sizes.full(agents);
            int code = 0;
            // on H2 unless --db names PostgreSQL: the agents' figures are the embedded server's
            for (String kind : dbGiven ? kinds : List.of("h2")) code = Math.max(code, AgentBench.run(out, agentSizes, kind.equals("h2") ? null : pgUrl, tls));
            return code;
        }
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        out.printf(Locale.ROOT, "Trailboss engine benchmark%s: %d cores, JDK %s, std.noop tasks, durable commits%n",
                quick ? " (quick)" : "", Runtime.getRuntime().availableProcessors(), Runtime.version());
        out.printf(Locale.ROOT, "each figure is the median of %d run(s) after a warm-up; latency percentiles are over every"
                + " hand-over in those runs' long chains%n", sizes.repeats());
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (String kind : kinds) {
            try {
                columns.put(kind, measure(kind, pgUrl, sizes));
            } catch (Exception e) {
                failures.add((kind.equals("h2") ? "H2" : "PostgreSQL (" + pgUrl + ")") + ": " + e);
                columns.put(kind, Map.of());
            }
        }
        print(out, sizes, columns);
        for (String f : failures) out.println("benchmark failed on " + f);
        int agentCode = scenario.equals("all") ? AgentBench.run(out, quick ? AgentBench.Sizes.quick(agents) : AgentBench.Sizes.full(agents)) : 0;
        int araCode = scenario.equals("all") ? AraBench.run(out, quick ? AraBench.Sizes.quick() : AraBench.Sizes.full(), pgUrl) : 0;
        return failures.isEmpty() && agentCode == 0 && araCode == 0 ? 0 : 1;
    }

    /** How big each scenario is. */
    record Sizes(int chainShort, int chainLong, int parallelSmall, int parallelLarge, int itemsSmall, int itemsLarge,
                 int executions, int clients, int repeats) {
        static final Sizes FULL = new Sizes(50, 1000, 50, 1000, 50, 1000, 5000, 8, 3);
        static final Sizes QUICK = new Sizes(10, 50, 10, 50, 10, 50, 200, 8, 1);
    }

    /** One row of the table: a label, the size it ran at, and Mistral's reference figure if any. */
    record Row(String key, String label, String reference) {}

    static List<Row> rows(Sizes s) {
        return List.of(
                new Row("chainShort", "chain of " + s.chainShort() + " tasks", s.chainShort() == 50 ? "2.1-2.5 s" : "-"),
                new Row("chainLong", "chain of " + s.chainLong() + " tasks", "-"),
                new Row("p50", "task-to-task latency p50 (chain of " + s.chainLong() + ")", "-"),
                new Row("p99", "task-to-task latency p99 (chain of " + s.chainLong() + ")", "-"),
                new Row("parallelSmall", s.parallelSmall() + " parallel tasks joined (join: all)", s.parallelSmall() == 50 ? "2.0-2.5 s" : "-"),
                new Row("parallelLarge", s.parallelLarge() + " parallel tasks joined (join: all)", "-"),
                new Row("itemsSmall", "with-items over " + s.itemsSmall() + " items", s.itemsSmall() == 50 ? "2.4-3.2 s" : "-"),
                new Row("itemsLarge", "with-items over " + s.itemsLarge() + " items", "-"),
                new Row("throughput", "one-task executions/s (" + s.clients() + " clients, " + s.executions() + " runs)", "~11-14 /s"));
    }

    private static void print(PrintStream out, Sizes sizes, Map<String, Map<String, String>> columns) {
        List<Row> rows = rows(sizes);
        int w = rows.stream().mapToInt(r -> r.label().length()).max().orElse(10) + 2;
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "figure"));
        for (String kind : columns.keySet()) header.append(String.format(Locale.ROOT, "%14s", kind.equals("h2") ? "H2" : "PostgreSQL"));
        header.append("   Mistral 15 (reference*)");
        out.println();
        out.println(header);
        out.println("-".repeat(header.length()));
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", r.label()));
            for (Map<String, String> c : columns.values()) line.append(String.format(Locale.ROOT, "%14s", c.getOrDefault(r.key(), "failed")));
            line.append("   ").append(r.reference());
            out.println(line);
        }
        out.println();
        out.println("* Mistral 15 figures were measured earlier on the same kind of machine (2 cores), from BRIEF;");
        out.println("  Mistral is not installed here and was not run by this program.");
    }

    // ------------------------------------------------------------------ measuring

    private static Map<String, String> measure(String kind, String pgUrl, Sizes s) throws Exception {
        Path dir = null;
        ScratchSchema schema = null;
        Database database;
        if (kind.equals("h2")) {
            dir = Files.createTempDirectory("trailboss-bench-");
            database = Database.embedded(dir);
        } else {
            schema = ScratchSchema.create(pgUrl, "bench_");
            database = Database.connect(schema.url(), null, null);
        }
        try (Trailboss tb = new Trailboss(database, Clock.systemUTC())) {
            Run run = new Run(tb);
            tb.engine().addListener(run);
            run.define(s);
            run.warmUp(s);
            // every scenario runs `repeats` times, interleaved; the table shows the median run
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            List<Long> allGaps = new ArrayList<>();
            for (int r = 0; r < s.repeats(); r++) {
                sample(samples, "chainShort", run.timed("chain_" + s.chainShort()));
                String longId = run.startAndWait("chain_" + s.chainLong());
                sample(samples, "chainLong", run.lastNanos);
                for (long g : run.gaps(longId)) allGaps.add(g);
                sample(samples, "parallelSmall", run.timed("parallel_" + s.parallelSmall()));
                sample(samples, "parallelLarge", run.timed("parallel_" + s.parallelLarge()));
                sample(samples, "itemsSmall", run.timed("items_" + s.itemsSmall()));
                sample(samples, "itemsLarge", run.timed("items_" + s.itemsLarge()));
                samples.computeIfAbsent("throughput", k -> new ArrayList<>()).add(run.throughput(s.executions(), s.clients()));
            }
            Map<String, String> out = new LinkedHashMap<>();
            samples.forEach((key, values) -> out.put(key, key.equals("throughput")
                    ? String.format(Locale.ROOT, "%.0f /s", median(values))
                    : String.format(Locale.ROOT, "%.3f s", median(values) / 1e9)));
            long[] gaps = allGaps.stream().mapToLong(Long::longValue).sorted().toArray();
            out.put("p50", millis(percentile(gaps, 50)));
            out.put("p99", millis(percentile(gaps, 99)));
            return out;
        } finally {
            if (dir != null) deleteTree(dir);
            if (schema != null) {
                try {
                    schema.close();
                } catch (SQLException e) {
                    // left behind; harmless
                }
            }
        }
    }

    private static void sample(Map<String, List<Double>> samples, String key, long nanos) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add((double) nanos);
    }

    /**
     * H2's file writes so far, {count, bytes} ({@code info.FILE_WRITE}, {@code info.FILE_WRITE_BYTES}):
     * with {@code WRITE_DELAY=0} a commit is one chunk written, so the difference over a run tells
     * commits and page bytes per unit. {0, 0} on another database.
     */
    static long[] h2Writes(org.jdbi.v3.core.Jdbi jdbi) {
        try {
            java.util.Map<String, String> info = new java.util.HashMap<>();
            jdbi.useHandle(h -> h.createQuery("select setting_name, setting_value from information_schema.settings where setting_name in ('info.FILE_WRITE', 'info.FILE_WRITE_BYTES')")
                    .map((rs, ctx) -> info.put(rs.getString(1), rs.getString(2))).list());
            return new long[] {Long.parseLong(info.getOrDefault("info.FILE_WRITE", "0")), Long.parseLong(info.getOrDefault("info.FILE_WRITE_BYTES", "0"))};
        } catch (RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String millis(long ms) {
        return ms + " ms";
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) return -1;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    /** Waits for executions through the engine's listener (told after each commit). */
    static final class Run implements EngineListener {
        private final Trailboss tb;
        private final Map<String, CompletableFuture<Execution>> done = new ConcurrentHashMap<>();
        long lastNanos;

        Run(Trailboss tb) {
            this.tb = tb;
        }

        @Override
        public void executionChanged(Execution e) {
            if (e.state().isFinal()) future(e.id()).complete(e);
        }

        private CompletableFuture<Execution> future(String id) {
            return done.computeIfAbsent(id, k -> new CompletableFuture<>());
        }

        void define(Sizes s) {
            StringBuilder yaml = new StringBuilder("version: '2.0'\n");
            for (int n : new int[] {s.chainShort(), s.chainLong(), 5}) yaml.append(chain(n));
            for (int n : new int[] {s.parallelSmall(), s.parallelLarge(), 5}) yaml.append(parallel(n));
            for (int n : new int[] {s.itemsSmall(), s.itemsLarge(), 5}) yaml.append(items(n));
            yaml.append("one:\n  tasks:\n    only:\n      action: std.noop\n");
            tb.catalog().createOrUpdate(yaml.toString());
        }

        private static String chain(int n) {
            StringBuilder y = new StringBuilder("chain_" + n + ":\n  tasks:\n");
            for (int i = 0; i < n; i++) {
                y.append("    t").append(i).append(":\n      action: std.noop\n");
                if (i + 1 < n) y.append("      on-success: t").append(i + 1).append('\n');
            }
            return y.toString();
        }

        private static String parallel(int n) {
            StringBuilder y = new StringBuilder("parallel_" + n + ":\n  tasks:\n");
            for (int i = 0; i < n; i++) y.append("    p").append(i).append(":\n      action: std.noop\n      on-success: joined\n");
            y.append("    joined:\n      join: all\n      action: std.noop\n");
            return y.toString();
        }

        private static String items(int n) {
            return "items_" + n + ":\n  tasks:\n    each:\n      with-items: i in {{ range(0, " + n + ") }}\n      action: std.noop\n";
        }

        void warmUp(Sizes s) throws Exception {
            for (int i = 0; i < 3; i++) {
                timed("chain_5");
                timed("parallel_5");
                timed("items_5");
            }
            timed("chain_" + s.chainShort());
            throughput(Math.min(1000, s.executions()), s.clients());
        }

        /** Starts a workflow, waits until it ends successfully; returns the wall time in nanoseconds. */
        long timed(String workflow) throws Exception {
            startAndWait(workflow);
            return lastNanos;
        }

        String startAndWait(String workflow) throws Exception {
            long t0 = System.nanoTime();
            Execution started = tb.engine().start(StartRequest.of(workflow, Map.of()));
            Execution end = future(started.id()).get(TIMEOUT_S, TimeUnit.SECONDS);
            lastNanos = System.nanoTime() - t0;
            done.remove(started.id());
            if (end.state() != ExecutionState.SUCCESS) {
                throw new IllegalStateException(workflow + " ended " + end.state() + ": " + end.stateInfo());
            }
            return started.id();
        }

        /** {@code clients} threads start {@code total} one-task executions; executions/s until the last has ended. */
        double throughput(int total, int clients) throws Exception {
            AtomicInteger left = new AtomicInteger(total);
            List<CompletableFuture<Execution>> all = new ArrayList<>(total);
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>(total));
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                    try {
                        while (left.getAndDecrement() > 0) ids.add(tb.engine().start(StartRequest.of("one", Map.of())).id());
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            if (!errors.isEmpty()) throw new IllegalStateException("a client failed", errors.getFirst());
            for (String id : ids) all.add(future(id));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - t0;
            for (String id : ids) {
                Execution e = done.remove(id).join();
                if (e.state() != ExecutionState.SUCCESS) throw new IllegalStateException("execution " + id + " ended " + e.state());
            }
            return total / (nanos / 1e9);
        }

        /** Gaps in ms between consecutive task actions' starts in a chain, sorted. */
        long[] gaps(String executionId) {
            List<Long> starts = tb.engine().jdbi().withHandle(h -> h.createQuery("""
                    select j.started_at from job j join task_execution t on t.id = j.task_execution_id
                    where t.execution_id = :id order by t.seq""").bind("id", executionId).mapTo(Long.class).list());
            long[] gaps = new long[Math.max(0, starts.size() - 1)];
            for (int i = 1; i < starts.size(); i++) gaps[i - 1] = starts.get(i) - starts.get(i - 1);
            java.util.Arrays.sort(gaps);
            return gaps;
        }
    }
}
