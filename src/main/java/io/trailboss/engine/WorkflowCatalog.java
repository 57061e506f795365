package io.trailboss.engine;

import io.trailboss.action.Action;
import io.trailboss.definition.AdHocActionSpec;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.DefinitionException.Problem;
import io.trailboss.definition.DefinitionParser;
import io.trailboss.definition.InputParam;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.YamlNode;
import io.trailboss.definition.YamlReader;
import io.trailboss.model.Workflow;
import io.trailboss.store.SourceStore;
import io.trailboss.store.WorkflowStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Stored workflows: validated on the way in, kept with the exact document they came from. */
public final class WorkflowCatalog {
    private final Jdbi jdbi;
    private final Engine engine;
    private final WorkflowStore workflows = new WorkflowStore();
    private final SourceStore sources = new SourceStore();

    public WorkflowCatalog(Engine engine) {
        this.engine = engine;
        this.jdbi = engine.jdbi();
    }

    /**
     * Parses and checks a document: syntax, structure, and that every action it names exists (registered, its own
     * ad-hoc action, or a global one).
     */
    public WorkflowDocument validate(String yaml) {
        WorkflowDocument doc = DefinitionParser.parse(yaml);
        List<Problem> problems = jdbi.withHandle(h -> actionProblems(doc.sharing(engine.definitions.sharedIn(h)), engine.actions, yaml));
        if (!problems.isEmpty()) throw new DefinitionException(problems);
        return doc;
    }

    /** Every action a document names must exist, and get only the inputs it declares. */
    public static List<Problem> actionProblems(WorkflowDocument doc, io.trailboss.action.ActionRegistry registry) {
        return actionProblems(doc, registry, null);
    }

    /**
     * As above; with the document's {@code yaml}, problems an action finds inside its input point
     * at their own line and column (else at the task's).
     */
    public static List<Problem> actionProblems(WorkflowDocument doc, io.trailboss.action.ActionRegistry registry, String yaml) {
        YamlNode[] root = {null};
        List<Problem> problems = new ArrayList<>();
        for (AdHocActionSpec a : doc.actions().values()) {
            if (doc.action(a.base()) == null && registry.find(a.base()).isEmpty()) {
                problems.add(new Problem(0, 0, "actions." + a.name(), "base action '" + a.base() + "' does not exist"));
            }
        }
        for (WorkflowSpec wf : doc.workflows().values()) {
            for (TaskSpec t : wf.tasks().values()) {
                if (t.action() == null) continue;
                String name = t.action().name();
                String where = wf.name() + ".tasks." + t.name();
                if (doc.action(name) != null) continue;
                Optional<Action> action = registry.find(name);
                if (action.isEmpty()) {
                    problems.add(new Problem(t.line(), t.column(), where, "unknown action '" + name + "'"));
                    continue;
                }
                Map<String, Object> given = new LinkedHashMap<>(t.action().inlineParams());
                given.putAll(t.input());
                List<String> declared = action.get().parameters().stream().map(InputParam::name).toList();
                for (String key : given.keySet()) {
                    if (!declared.contains(key)) {
                        problems.add(new Problem(t.line(), t.column(), where, "action '" + name + "' has no input '" + key + "'"
                                + (declared.isEmpty() ? " (it takes none)" : " (it takes: " + String.join(", ", declared) + ")")));
                    }
                }
                for (InputParam p : action.get().parameters()) {
                    if (p.required() && !given.containsKey(p.name())) {
                        problems.add(new Problem(t.line(), t.column(), where, "action '" + name + "' needs input '" + p.name() + "'"));
                    }
                }
                for (Action.InputProblem p : action.get().check(given)) {
                    if (root[0] == null && yaml != null) root[0] = YamlReader.read(yaml);
                    YamlNode at = locate(root[0], wf.name(), t.name(), p.path());
                    problems.add(new Problem(at == null ? t.line() : at.line(), at == null ? t.column() : at.column(), where + ".input." + p.path(), p.message()));
                }
            }
        }
        return problems;
    }

    /**
     * The node an input path ({@code form[1].type}) names under a task's {@code input}, or the
     * closest one found on the way; null when the input was not written as a mapping.
     */
    private static YamlNode locate(YamlNode root, String workflow, String task, String path) {
        if (!(root instanceof YamlNode.Mapping r)) return null;
        YamlNode node = r.get(workflow);
        for (String key : List.of("tasks", task, "input")) {
            node = node instanceof YamlNode.Mapping m ? m.get(key) : null;
        }
        if (node == null) return null;
        YamlNode found = node;
        for (String part : path.split("\\.")) {
            String key = part.contains("[") ? part.substring(0, part.indexOf('[')) : part;
            YamlNode next = null;
            if (found instanceof YamlNode.Mapping m) next = m.get(key);
            if (next != null && part.contains("[") && next instanceof YamlNode.Sequence seq) {
                int i = Integer.parseInt(part.substring(part.indexOf('[') + 1, part.indexOf(']')));
                next = i < seq.items().size() ? seq.items().get(i) : next;
            }
            if (next == null) return found;
            found = next;
        }
        return found;
    }

    /** Stores every workflow of the document; refuses (changing nothing) if any name is taken. */
    public List<Workflow> create(String yaml) {
        WorkflowDocument doc = validate(yaml);
        return jdbi.inTransaction(h -> {
            for (String name : doc.workflows().keySet()) {
                if (workflows.byName(h, name).isPresent()) throw new ConflictException("workflow '" + name + "' already exists");
            }
            return save(h, doc, yaml, false);
        });
    }

    /** Stores every workflow of the document, replacing the ones that exist. */
    public List<Workflow> createOrUpdate(String yaml) {
        WorkflowDocument doc = validate(yaml);
        return jdbi.inTransaction(h -> save(h, doc, yaml, true));
    }

    private List<Workflow> save(org.jdbi.v3.core.Handle h, WorkflowDocument doc, String yaml, boolean replace) {
        long now = engine.clock.millis();
        String sha = sources.save(h, yaml, now);
        engine.definitions.remember(sha, doc);
        List<Workflow> out = new ArrayList<>();
        for (WorkflowSpec spec : doc.workflows().values()) {
            Optional<Workflow> existing = replace ? workflows.byName(h, spec.name()) : Optional.empty();
            Workflow w = new Workflow(existing.map(Workflow::id).orElse(UUID.randomUUID().toString()), spec.name(), sha,
                    spec.description(), spec.tags(), spec.inputSummary(), existing.map(Workflow::createdAt).orElse(now), now);
            if (existing.isPresent()) workflows.update(h, w);
            else workflows.insert(h, w);
            out.add(w);
        }
        return out;
    }

    public Optional<Workflow> find(String idOrName) {
        return jdbi.withHandle(h -> workflows.byIdOrName(h, idOrName));
    }

    public String source(Workflow w) {
        return jdbi.withHandle(h -> sources.find(h, w.sourceSha()).orElseThrow());
    }

    public WorkflowSpec spec(Workflow w) {
        return jdbi.withHandle(h -> engine.definitions.document(h, w.sourceSha()).workflow(w.name()));
    }

    public List<Workflow> list(int limit, int offset) {
        return jdbi.withHandle(h -> workflows.list(h, limit, offset));
    }

    public long count() {
        return jdbi.withHandle(workflows::count);
    }

    public void delete(String idOrName) {
        jdbi.useTransaction(h -> {
            Workflow w = workflows.byIdOrName(h, idOrName).orElseThrow(() -> new NotFoundException("workflow '" + idOrName + "' does not exist"));
            workflows.delete(h, w.name());
        });
    }
}
