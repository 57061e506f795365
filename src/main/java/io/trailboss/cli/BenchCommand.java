package io.trailboss.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the engine on the embedded database and PostgreSQL, jobs through remote agents, what recording Ansible runs costs (ara), or one against three server nodes on one PostgreSQL database (nodes), or the web UI's list pages over a large database (ui-lists), or YAQL queries over 10,000 items (yaql); prints a table of figures. Options: --scenario engine|agents|ara|nodes|ui-lists|yaql|all, --db h2|postgres|both, --pg-url URL, --agents N, --quick.")
final class BenchCommand implements Callable<Integer> {
    // the benchmark parses its own options; picocli hands them over untouched
    @CommandLine.Unmatched
    List<String> args;

    @Override
    public Integer call() throws Exception {
        return io.trailboss.bench.Bench.run(args == null ? new String[0] : args.toArray(String[]::new), System.out);
    }
}
