package io.trailboss.cli;

import io.trailboss.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailboss expr}: one expression through the server's playground, over data or over a task of an execution. */
// picocli formats these texts: a % is written %%
@Command(name = "expr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a YAQL or Jinja expression on a running server (POST /api/v1/expressions/evaluate) and print its result as JSON.",
                "",
                "Over --data (JSON, or @file.json; without it $ and _ are null), or over a task of an execution as the engine evaluated "
                        + "it there: the task's data context with what it published, and task(), tasks(), execution(), env() of that "
                        + "execution. Without --task: over the execution's final context.",
                "",
                "The language, unless --language says: yaql when the expression is wrapped in <%% %%> or has no {{, else jinja.",
                "",
                "Exit status: 0 with the result on standard output; 1 when the expression fails or the server refuses, with its "
                        + "detail on standard error; 2 for bad usage.",
                ""},
        footer = {"", "Examples:",
                "  trailboss expr '$.hosts.where($.up).select($.name)' --data @hosts.json",
                "  trailboss expr '{{ _.name | upper }}' --data '{\"name\": \"ada\"}'",
                "  trailboss expr '<%% task().result %%>' --execution ID --task greet"})
final class ExprCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOption server;

    @Parameters(index = "0", paramLabel = "EXPR", description = "The expression: YAQL ($.x, or <%% $.x %%>) or Jinja ({{ _.x }}, or a template).")
    String expression;

    @Option(names = {"-l", "--language"}, paramLabel = "yaql|jinja", description = "The expression's language (default: guessed as said above).")
    String language;

    @Option(names = {"-d", "--data"}, paramLabel = "JSON|@FILE", description = "The data: JSON text, or @ and a JSON file's path.")
    String data;

    @Option(names = {"-e", "--execution"}, paramLabel = "ID", description = "Evaluate over this execution instead of --data.")
    String execution;

    @Option(names = {"-t", "--task"}, paramLabel = "NAME", description = "With --execution: over this task's data context (its latest run).")
    String task;

    /** yaql when the expression is wrapped in {@code <% %>} or has no {@code {{}, else jinja. */
    static String guessLanguage(String expression) {
        String s = expression.strip();
        if (s.startsWith("<%") && s.endsWith("%>")) return "yaql";
        return s.contains("{{") ? "jinja" : "yaql";
    }

    @Override
    public Integer call() throws Exception {
        String lang = language == null ? guessLanguage(expression) : language.strip().toLowerCase(Locale.ROOT);
        if (!lang.equals("yaql") && !lang.equals("jinja")) throw usage("--language must be yaql or jinja, not '" + language + "'");
        if (data != null && execution != null) throw usage("give either --data or --execution, not both");
        if (task != null && execution == null) throw usage("--task names a task of an execution: give --execution with it");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("language", lang);
        body.put("expression", expression);
        if (execution != null) {
            body.put("execution", execution);
            if (task != null) body.put("task", task);
        } else if (data != null) {
            body.put("data", data());
        }
        Client.Response r = server.client().send("POST", "/api/v1/expressions/evaluate", "application/json", Json.write(body));
        if (!r.ok()) return Client.print(r);
        Object answer = r.json();
        Object result = answer instanceof Map<?, ?> m ? m.get("result") : answer;
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        return 0;
    }

    private Object data() {
        String text = data;
        if (data.startsWith("@")) {
            try {
                text = Files.readString(Path.of(data.substring(1)));
            } catch (IOException | RuntimeException e) {
                throw usage("cannot read --data file '" + data.substring(1) + "': " + e.getMessage());
            }
        }
        try {
            return Json.read(text);
        } catch (IllegalArgumentException e) {
            throw usage("--data is not JSON" + (data.startsWith("@") ? " (in " + data.substring(1) + ")" : "") + ": " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
