package io.trailboss.cli;

import io.trailboss.action.ActionRegistry;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.DefinitionParser;
import io.trailboss.definition.WorkflowDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a workflow file; prints each problem with its line and column. Exits 0 when valid.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "YAML file")
    Path file;

    @Override
    public Integer call() throws Exception {
        try {
            String text = Files.readString(file);
            WorkflowDocument doc = DefinitionParser.parse(text);
            var problems = io.trailboss.engine.WorkflowCatalog.actionProblems(doc, registry(), text);
            if (!problems.isEmpty()) throw new DefinitionException(problems);
            System.out.println(file + ": valid (" + String.join(", ", doc.workflows().keySet()) + ")");
            return 0;
        } catch (DefinitionException e) {
            e.problems().forEach(p -> System.err.println(file + ": " + p));
            return 1;
        }
    }

    /** The actions a server offers (shell scripts and manual steps are checked, never run here). */
    private static ActionRegistry registry() {
        ActionRegistry registry = ActionRegistry.standard();
        registry.register(new io.trailboss.action.ShellAction(java.util.Map::of));
        registry.register(new io.trailboss.manual.ManualAction());
        registry.register(new io.trailboss.action.AnsibleAction(java.util.Map::of));
        return registry;
    }
}
