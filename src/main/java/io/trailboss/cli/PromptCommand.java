package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "prompt", mixinStandardHelpOptions = true, description = "Answer a question a running job asked (`trailboss inbox` lists them).",
        subcommands = {PromptCommand.Answer.class})
final class PromptCommand {
    @Command(name = "answer", mixinStandardHelpOptions = true, description = "Send an answer (one line) to the job's standard input and close the prompt.")
    static final class Answer implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "prompt id") String prompt;
        @Parameters(index = "1", description = "the answer") String text;
        @Option(names = "--by", defaultValue = "${env:USER:-}", description = "Who answers (default: $USER).") String by;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("text", text);
            if (by != null && !by.isBlank()) body.put("by", by);
            Client.Response r = server.client().send("POST", "/api/v1/prompts/" + WorkflowsCommand.enc(prompt) + "/answer", "application/json", Json.write(body));
            if (!r.ok()) return Client.print(r);
            Map<?, ?> p = (Map<?, ?>) r.json();
            System.out.println("prompt " + p.get("id") + ": " + p.get("state") + " (job " + p.get("job_id") + ")");
            return 0;
        }
    }
}
