package io.trailboss.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end and prints every figure (timings are not asserted: machines vary). */
class BenchTest {
    @Test
    void quick_run_on_h2_prints_every_figure() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--quick", "--db", "h2"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains(
                "chain of 10 tasks",
                "chain of 50 tasks",
                "task-to-task latency p50 (chain of 50)",
                "task-to-task latency p99 (chain of 50)",
                "10 parallel tasks joined (join: all)",
                "50 parallel tasks joined (join: all)",
                "with-items over 10 items",
                "with-items over 50 items",
                "one-task executions/s (8 clients",
                "Mistral 15 (reference*)",
                "measured earlier on the same kind of machine");
        assertThat(out).doesNotContain("failed");
    }

    @Test
    void quick_nodes_run_prints_workflows_and_jobs_per_second_for_one_and_three_server_processes() {
        String base = io.trailboss.testing.TestDatabases.PG_BASE;
        // skips without PostgreSQL, like every PostgreSQL test
        io.trailboss.testing.TestDatabases.freshPostgresUrl();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "nodes", "--quick", "--pg-url", base}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("nodes=1: 90 workflows, 270 jobs in ").contains("nodes=3: 90 workflows, 270 jobs in ")
                .contains("workflows/s").contains("jobs/s");
    }

    @Test
    void quick_agent_run_prints_throughput_and_log_latency() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "agents", "--agents", "2", "--quick"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains(
                "2 agent processes",
                "jobs through agents (60 jobs, 3 executions x 20 targets)",
                "log line -> SSE client latency p50 (10 lines)",
                "log line -> SSE client latency p99",
                "CPU per job: server / agents / jobs' processes",
                "what 2 idle cores would allow",
                "H2 file writes (commits) / KiB written, per job");
        assertThat(out).containsPattern("CPU per job: server / agents / jobs' processes +\\d+\\.\\d\\d / \\d+\\.\\d\\d / \\d+\\.\\d\\d ms");
        assertThat(out).doesNotContain("failed").as("on H2 alone unless --db is given").doesNotContain("server on PostgreSQL");
    }

    @Test
    void quick_agent_run_on_postgres_counts_the_database_processes_too() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "agents", "--agents", "1", "--quick", "--db", "postgres", "--pg-url", io.trailboss.testing.TestDatabases.PG_BASE},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("in-process server on PostgreSQL, 1 agent processes", "jobs through agents (60 jobs, 3 executions x 20 targets)",
                "log line -> SSE client latency p50 (10 lines)");
        assertThat(out).containsPattern("CPU: PostgreSQL \\(bench's backends, writers\\); per job +\\d+\\.\\d s; \\d+\\.\\d\\d ms");
        assertThat(out).doesNotContain("failed").doesNotContain("H2 file writes");
    }

    @Test
    void quick_ara_run_prints_wall_times_with_no_callback_ara_server_and_trailboss_and_ingest_rates() {
        io.trailboss.record.AraCallbackTest.requireAnsible();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "ara", "--quick"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("no callback", "ara-server", "trailboss adds", "20 tasks on 1 host", "5 tasks on 3 hosts",
                "ingest into trailboss on H2 (durable commits): 2,000 results", "HTTP alone",
                "java.net.http clients with authentication required (HTTP Basic password, kept-alive)",
                "java.net.http clients, a connection per post (as ARA's callback gets)",
                "CPU per refused post, server alone", "H2 file writes (commits) per result");
        assertThat(out).containsPattern("server-side ingest rate, 32 lean HTTP/1\\.1 clients in a separate process \\(kept-alive, as wrk\\): [0-9,]+ results/s");
        if (io.trailboss.bench.AraServerProcess.installed()) assertThat(out).contains("ingest, ara-server: 200 results posted by 4 concurrent clients");
        assertThat(out).doesNotContain("failed");
    }

    @Test
    void the_ui_lists_scenario_fills_a_database_and_times_every_list_page_on_the_server_and_the_client() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "ui-lists", "--quick"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("300 executions").contains("200 recorded results").contains("server med").contains("client med");
        for (String page : java.util.List.of("executions", "targets (top level)", "job history, deep page", "playbooks", "results", "hosts search",
                "inbox", "workflows", "agents")) {
            assertThat(out).containsPattern("(?m)^" + java.util.regex.Pattern.quote(page) + " +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms");
        }
    }

    @Test
    void quick_ara_ingest_run_measures_the_ingest_without_timing_playbooks() {
        io.trailboss.record.AraCallbackTest.requireAnsible();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--scenario", "ara-ingest", "--quick"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("ingest into trailboss on H2 (durable commits): 2,000 results (each a distinct body) per run", "HTTP alone",
                "java.net.http clients in the server's JVM (kept-alive)");
        // the server's CPU per result measured alone (clients in their own process), and the clients' beside it
        assertThat(out).containsPattern("CPU per result: server \\(Trailboss with H2, alone in its JVM\\) \\d+\\.\\d{3} ms; the client process \\d+\\.\\d{3} ms");
        assertThat(out).containsPattern("server-side ingest rate, 64 lean HTTP/1\\.1 clients in a separate process");
        // PostgreSQL's own CPU is counted when it runs here (the bench's default URL is 127.0.0.1)
        if (!out.contains("ingest on PostgreSQL skipped")) assertThat(out).containsPattern("CPU per result: Trailboss \\d+\\.\\d{3} ms, PostgreSQL \\d+\\.\\d{3} ms");
        assertThat(out).doesNotContain("trailboss adds", "20 tasks on 1 host", "failed");
    }

    @Test
    void the_postgres_url_is_the_option_else_the_environment_else_the_local_test_database() {
        // nothing listens on port 1: each run fails at once and names the URL it tried
        String fromEnvironment = "jdbc:postgresql://127.0.0.1:1/from_environment?user=postgres";
        String fromOption = "jdbc:postgresql://127.0.0.1:1/from_option?user=postgres";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(Bench.run(new String[] {"--db", "postgres", "--quick"}, new PrintStream(bytes, true, StandardCharsets.UTF_8), fromEnvironment)).isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("benchmark failed on PostgreSQL (" + fromEnvironment + ")");
        bytes.reset();
        assertThat(Bench.run(new String[] {"--db", "pg", "--quick", "--pg-url", fromOption}, new PrintStream(bytes, true, StandardCharsets.UTF_8), fromEnvironment)).isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("benchmark failed on PostgreSQL (" + fromOption + ")").doesNotContain("from_environment");
        bytes.reset();
        assertThat(Bench.run(new String[] {"--help"}, new PrintStream(bytes, true, StandardCharsets.UTF_8), null)).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("$TRAILBOSS_BENCH_PG_URL, else jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    @Test
    void rejects_an_unknown_database() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Bench.run(new String[] {"--db", "oracle"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--db must be h2, postgres or both");
        bytes.reset();
        assertThat(Bench.run(new String[] {"--scenario", "cloud"}, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(Bench.run(new String[] {"--agents", "0"}, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--scenario must be engine, agents, ara, ara-ingest, nodes, ui-lists, yaql or all").contains("--agents must be a number from 1 to 32");
    }
}
