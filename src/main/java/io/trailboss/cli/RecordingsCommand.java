package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "recordings", mixinStandardHelpOptions = true, description = "Ansible recordings (ARA's objects) on a running server.",
        subcommands = {RecordingsCommand.Prune.class})
final class RecordingsCommand {
    @Command(name = "prune", mixinStandardHelpOptions = true, description = "Delete recordings of playbooks that started longer ago than --older-than.")
    static final class Prune implements Callable<Integer> {
        private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(d|days?|w|weeks?)?");
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--older-than", required = true, description = "an age: 30d (days) or 4w (weeks); a bare number is days") String olderThan;

        public Integer call() throws Exception {
            Matcher m = AGE.matcher(olderThan.trim());
            if (!m.matches()) {
                System.err.println("error: --older-than must look like 30d or 4w, not '" + olderThan + "'");
                return 2;
            }
            long days = Long.parseLong(m.group(1)) * (m.group(2) != null && m.group(2).startsWith("w") ? 7 : 1);
            return Client.print(server.client().send("POST", "/api/v1/recordings/prune", "application/json", Json.write(Map.of("older_than_days", days))));
        }
    }
}
