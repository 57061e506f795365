package io.trailboss.bench;

import io.trailboss.expr.yaql.Yaql;
import io.trailboss.expr.yaql.YaqlContext;
import io.trailboss.expr.yaql.YaqlExpression;
import io.trailboss.expr.yaql.YaqlOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * YAQL over 10,000 items, after warm-up, with Mistral's options (no iterator limit or memory quota): each
 * figure is one whole evaluation, the data's conversion to YAQL values included. The budget is 5 ms for the
 * filter-project-sum query Mistral workflows are made of.
 */
final class YaqlBench {
    private static final double BUDGET_MS = 5;
    private static final List<String> EXPRESSIONS = List.of(
            "$.where($.n > 500).select($.n).sum()",
            "$.where($.up).select($.name).len()",
            "$.select($.n).distinct().len()");

    private YaqlBench() {}

    static int run(PrintStream out, boolean quick) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("n", (long) (i % 1000));
            item.put("name", "host-" + i);
            item.put("up", i % 3 != 0);
            items.add(item);
        }
        YaqlContext context = YaqlContext.standard(YaqlOptions.MISTRAL);
        int warmup = quick ? 100 : 400;
        int runs = quick ? 50 : 200;
        out.println("yaql over 10,000 items (ms per evaluation, after " + warmup + " warm-up runs)");
        out.printf(Locale.ROOT, "%-42s %8s %8s %8s %s%n", "expression", "min", "median", "p90", "result");
        int code = 0;
        for (String text : EXPRESSIONS) {
            YaqlExpression e = Yaql.parse(text);
            Object result = null;
            for (int i = 0; i < warmup; i++) result = e.evaluate(items, context);
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                result = e.evaluate(items, context);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms[runs / 2];
            out.printf(Locale.ROOT, "%-42s %8.2f %8.2f %8.2f %s%n", text, ms[0], median, ms[runs * 9 / 10], result);
            if (text.equals(EXPRESSIONS.getFirst()) && median > BUDGET_MS) {
                out.printf(Locale.ROOT, "  over the %.0f ms budget%n", BUDGET_MS);
                code = 1;
            }
        }
        try {
            code = Math.max(code, chains(out, quick));
        } catch (Exception e) {
            out.println("the chain comparison failed: " + e);
            code = 1;
        }
        return code;
    }

    /** How much slower a chain whose publishes are YAQL may be than the same chain in Jinja. */
    private static final double CHAIN_BUDGET = 1.20;

    /**
     * The engine's chain of tasks whose every task publishes from the previous one's value, once with YAQL and
     * once with Jinja, on a fresh embedded database, alternating; the medians and their ratio.
     */
    private static int chains(PrintStream out, boolean quick) throws Exception {
        int n = quick ? 200 : 1000;
        int repeats = quick ? 3 : 5;
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("trailboss-bench-yaql-");
        try (io.trailboss.app.Trailboss tb = new io.trailboss.app.Trailboss(io.trailboss.store.Database.embedded(dir), java.time.Clock.systemUTC())) {
            Bench.Run run = new Bench.Run(tb);
            tb.engine().addListener(run);
            tb.catalog().createOrUpdate("version: '2.0'\n" + chain("chain_yaql", n, "<% $.v + 1 %>") + chain("chain_jinja", n, "{{ _.v + 1 }}"));
            run.timed("chain_yaql");
            run.timed("chain_jinja");
            long[] yaql = new long[repeats];
            long[] jinja = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                yaql[i] = run.timed("chain_yaql");
                jinja[i] = run.timed("chain_jinja");
            }
            Arrays.sort(yaql);
            Arrays.sort(jinja);
            double y = yaql[repeats / 2] / 1e6;
            double j = jinja[repeats / 2] / 1e6;
            out.printf(Locale.ROOT, "chain of %d tasks publishing the next value (median of %d, H2): YAQL %.0f ms, Jinja %.0f ms, YAQL/Jinja %.2f%n",
                    n, repeats, y, j, y / j);
            if (y / j > CHAIN_BUDGET) {
                out.printf(Locale.ROOT, "  YAQL is over the budget of %.0f%% slower than Jinja%n", (CHAIN_BUDGET - 1) * 100);
                return 1;
            }
            return 0;
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static String chain(String name, int n, String next) {
        StringBuilder y = new StringBuilder(name).append(":\n  vars:\n    v: 0\n  tasks:\n");
        for (int i = 0; i < n; i++) {
            y.append("    t").append(i).append(":\n      action: std.noop\n      publish:\n        v: \"").append(next).append("\"\n");
            if (i + 1 < n) y.append("      on-success: t").append(i + 1).append('\n');
        }
        return y.toString();
    }
}
