package io.trailboss.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inbox", mixinStandardHelpOptions = true,
        description = "List what waits for a person across executions, oldest first: manual steps and prompts of running jobs.")
final class InboxCommand implements Callable<Integer> {
    @CommandLine.Mixin ServerOption server;
    @Option(names = "--limit", defaultValue = "50") int limit;
    @Option(names = "--offset", defaultValue = "0") int offset;
    @Option(names = "--json", description = "Print the server's answer as JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
        Client.Response r = server.client().send("GET", "/api/v1/inbox?limit=" + limit + "&offset=" + offset, null, null);
        if (json || !r.ok()) return Client.print(r);
        Map<?, ?> page = (Map<?, ?>) r.json();
        List<?> items = (List<?>) page.get("items");
        if (items.isEmpty()) {
            System.out.println("nothing waits for a person");
            return 0;
        }
        String format = "%-7s %-36s %-24s %-16s %-16s %-12s %s%n";
        System.out.printf(format, "KIND", "ID", "SINCE", "WORKFLOW", "TASK", "TARGET", "WHAT");
        for (Object o : items) {
            Map<?, ?> i = (Map<?, ?>) o;
            String what = "manual".equals(i.get("kind")) ? String.valueOf(i.get("instructions")) : String.valueOf(i.get("question"));
            what = what.strip().lines().findFirst().orElse("");
            if (what.length() > 60) what = what.substring(0, 57) + "...";
            System.out.printf(format, i.get("kind"), i.get("id"), i.get("since"), i.get("workflow"), i.get("task"),
                    i.get("target") == null ? "-" : i.get("target"), what);
        }
        long total = ((Number) page.get("total")).longValue();
        if (total > offset + items.size()) System.out.println("(" + items.size() + " of " + total + "; --offset " + (offset + items.size()) + " for more)");
        return 0;
    }
}
