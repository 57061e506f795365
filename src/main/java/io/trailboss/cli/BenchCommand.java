package io.trailboss.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmarks are programs kept out of the server jar (they live with the test classes of a source
 * checkout); this command only says where to find them, so that an old habit gets an answer, not an
 * "unknown command".
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "The benchmarks are not part of the server jar: run them from a source checkout with "
                + "bin/trailboss bench [OPTIONS] (mvn -Pbench test -Dbench.args=\"OPTIONS\"); see docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {
    static final String HOW_TO_RUN = """
            The benchmarks are not part of the server jar. From a source checkout of Trailboss, run
              bin/trailboss bench [OPTIONS]
            which runs
              mvn -B -q -Pbench test -Dbench.args="OPTIONS"
            OPTIONS: --scenario engine|agents|ara|ara-ingest|nodes|ui-lists|yaql|all, --db h2|postgres|both,
            --pg-url JDBC_URL (default: $TRAILBOSS_BENCH_PG_URL, else jdbc:postgresql://127.0.0.1:5432/test?user=postgres),
            --agents N, --tls, --quick. The scenarios and their figures are described in docs/benchmarks.md.""";

    // whatever options an old command line gives are accepted and ignored: the answer is the same
    @CommandLine.Unmatched
    List<String> args;

    @Override
    public Integer call() {
        System.err.println(HOW_TO_RUN);
        return 1;
    }
}
