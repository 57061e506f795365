package io.trailboss.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nodes", mixinStandardHelpOptions = true, description = "The server nodes sharing the server's database: identity, heartbeat, alive, load.")
final class NodesCommand implements Callable<Integer> {
    @CommandLine.Mixin ServerOption server;
    @Option(names = "--json", description = "Print the server's answer as JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
        Client.Response r = server.client().send("GET", "/api/v1/nodes", null, null);
        if (json || !r.ok()) return Client.print(r);
        Map<?, ?> body = (Map<?, ?>) r.json();
        System.out.printf("%-36s  %-24s  %-5s  %-24s  %-14s  %s%n", "NODE", "HOST:PORT", "ALIVE", "HEARTBEAT", "VERSION", "LOAD");
        for (Object o : (List<?>) body.get("items")) {
            Map<?, ?> n = (Map<?, ?>) o;
            Map<?, ?> load = n.get("load") instanceof Map<?, ?> m ? m : Map.of();
            String id = n.get("id") + (Boolean.TRUE.equals(n.get("self")) ? " *" : "");
            String alive = Boolean.TRUE.equals(n.get("alive")) ? "yes" : "no";
            System.out.printf("%-36s  %-24s  %-5s  %-24s  %-14s  jobs running %s, outcomes waiting %s, starts waiting %s%s%n", id,
                    n.get("host") + ":" + n.get("port"), alive, n.get("heartbeat_at"), n.get("version"),
                    load.get("local_jobs_running"), load.get("outcomes_waiting"), load.get("starts_waiting"),
                    n.get("recovered_by") == null ? "" : " (recovered by " + n.get("recovered_by") + ")");
        }
        return 0;
    }
}
