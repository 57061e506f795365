package io.trailboss.cli;

import static io.trailboss.cli.WorkflowsCommand.enc;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit log (admin): who did what, newest first.")
final class AuditCommand implements Callable<Integer> {
    @CommandLine.Mixin ServerOption server;
    @Option(names = "--actor") String actor;
    @Option(names = "--action", description = "an action or its beginning: login, token., POST /api/v1/executions") String action;
    @Option(names = "--target") String target;
    @Option(names = "--since", description = "ISO-8601 time, e.g. 2026-01-31T12:00:00Z") String since;
    @Option(names = "--until") String until;
    @Option(names = "--limit", defaultValue = "100") int limit;
    @Option(names = "--offset", defaultValue = "0") int offset;

    public Integer call() throws Exception {
        StringBuilder q = new StringBuilder("/api/v1/audit?limit=" + limit + "&offset=" + offset);
        if (actor != null) q.append("&actor=").append(enc(actor));
        if (action != null) q.append("&action=").append(enc(action));
        if (target != null) q.append("&target=").append(enc(target));
        if (since != null) q.append("&since=").append(enc(since));
        if (until != null) q.append("&until=").append(enc(until));
        return Client.print(server.client().send("GET", q.toString(), null, null));
    }
}
