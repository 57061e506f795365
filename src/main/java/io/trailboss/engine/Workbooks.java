package io.trailboss.engine;

import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.DefinitionException.Problem;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.YamlNode;
import io.trailboss.definition.YamlReader;
import io.trailboss.model.Names;
import io.trailboss.model.Workbook;
import io.trailboss.model.Workflow;
import io.trailboss.store.SourceStore;
import io.trailboss.store.WorkbookStore;
import io.trailboss.store.WorkflowStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Mistral's workbooks: one document with a name, workflows and ad-hoc actions. Its workflows are stored as
 * {@code <workbook>.<workflow>}, each pointing at the workbook's document, where its siblings and actions are found
 * by their short names. As in Mistral, an update creates or replaces the workflows it holds and leaves the ones it
 * no longer holds; a delete removes the workbook and every workflow stored as part of it.
 */
public final class Workbooks {
    /** Mistral's scopes; Trailboss keeps the one given and shows it, nothing else depends on it. */
    public static final List<String> SCOPES = List.of("private", "public");

    private final Jdbi jdbi;
    private final Engine engine;
    private final WorkflowCatalog catalog;
    private final WorkbookStore workbooks = new WorkbookStore();
    private final WorkflowStore workflows = new WorkflowStore();
    private final SourceStore sources = new SourceStore();

    public Workbooks(Engine engine, WorkflowCatalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
        this.jdbi = engine.jdbi();
    }

    /** A checked workbook: its document, and the name, description and tags from its top level. */
    public record Checked(WorkflowDocument document, String name, String description, List<String> tags) {}

    /** Parses and checks a workbook: what a workflow document must be, and a name, description and tags that can be stored. */
    public Checked validate(String yaml) {
        YamlNode root = YamlReader.read(yaml);
        if (root instanceof YamlNode.Mapping top && top.get("workflows") == null && top.get("actions") == null) {
            throw new DefinitionException(new Problem(top.line(), top.column(), "",
                    "a workbook holds its workflows under 'workflows:' and its ad-hoc actions under 'actions:' (it has neither)"));
        }
        WorkflowDocument doc = catalog.validate(yaml);
        YamlNode.Mapping top = (YamlNode.Mapping) root;
        List<Problem> problems = new ArrayList<>();
        YamlNode nameNode = top.get("name");
        String name = doc.name();
        if (nameNode == null) {
            problems.add(new Problem(top.line(), top.column(), "name", "a workbook needs a 'name'"));
        } else {
            String bad = Names.problem("workbook", name);
            if (bad != null) problems.add(new Problem(nameNode.line(), nameNode.column(), "name", bad));
        }
        String description = null;
        YamlNode d = top.get("description");
        if (d != null) {
            if (!(d.plain() instanceof String text)) {
                problems.add(new Problem(d.line(), d.column(), "description", "'description' must be text"));
            } else {
                description = text;
                String bad = Names.descriptionProblem(text);
                if (bad != null) problems.add(new Problem(d.line(), d.column(), "description", bad));
            }
        }
        List<String> tags = tags(top.get("tags"), problems);
        if (name != null && problems.isEmpty()) {
            for (String own : concat(doc.workflows().keySet(), doc.actions().keySet())) {
                String bad = Names.lengthProblem("the name '" + Names.shown(doc.qualified(own)) + "' (workbook and name)", doc.qualified(own), Names.MAX_NAME);
                if (bad != null) problems.add(new Problem(nameNode.line(), nameNode.column(), "name", bad));
            }
        }
        if (!problems.isEmpty()) throw new DefinitionException(problems);
        return new Checked(doc, name, description, tags);
    }

    private static List<String> tags(YamlNode node, List<Problem> problems) {
        if (node == null) return List.of();
        List<String> tags = new ArrayList<>();
        if (node instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (item.plain() instanceof String s && !tags.contains(s)) tags.add(s);
                else problems.add(new Problem(item.line(), item.column(), "tags", "tags are distinct texts"));
            }
        } else {
            problems.add(new Problem(node.line(), node.column(), "tags", "'tags' must be a list of texts"));
        }
        int length = io.trailboss.json.Json.write(tags).length();
        if (length > Names.MAX_DESCRIPTION) {
            problems.add(new Problem(node.line(), node.column(), "tags", "the tags take " + length + " characters as JSON; at most " + Names.MAX_DESCRIPTION));
        }
        return tags;
    }

    /** Stores a new workbook and its workflows in one transaction; refuses (changing nothing) a name that is taken. */
    public Workbook create(String yaml, String scope) {
        Checked wb = validate(yaml);
        return taken(wb, () -> jdbi.inTransaction(h -> {
            if (workbooks.byName(h, wb.name()).isPresent()) throw new ConflictException("workbook '" + wb.name() + "' already exists");
            for (String own : wb.document().workflows().keySet()) {
                String name = wb.document().qualified(own);
                Optional<String> owner = workflows.workbookOf(h, name);
                if (owner.isPresent()) throw new ConflictException("workflow '" + name + "' already exists" + ownedBy(owner.get()));
            }
            long now = engine.clock.millis();
            Workbook stored = new Workbook(UUID.randomUUID().toString(), wb.name(), source(h, wb, yaml, now), wb.description(), wb.tags(), scope, now, now);
            workbooks.insert(h, stored);
            saveWorkflows(h, wb, stored, now);
            return stored;
        }));
    }

    /**
     * Replaces a workbook's document and creates or replaces the workflows it holds, in one transaction. A workflow
     * it no longer holds stays (as in Mistral) until the workbook is deleted.
     */
    public Workbook update(String yaml, String scope) {
        Checked wb = validate(yaml);
        return taken(wb, () -> jdbi.inTransaction(h -> {
            Workbook old = workbooks.byName(h, wb.name()).orElseThrow(() -> new NotFoundException("workbook '" + wb.name() + "' does not exist"));
            for (String own : wb.document().workflows().keySet()) {
                String name = wb.document().qualified(own);
                Optional<String> owner = workflows.workbookOf(h, name);
                if (owner.isPresent() && !owner.get().equals(wb.name())) {
                    throw new ConflictException("workflow '" + name + "' already exists" + ownedBy(owner.get()) + ", not as part of workbook '" + wb.name() + "'");
                }
            }
            long now = engine.clock.millis();
            Workbook stored = new Workbook(old.id(), old.name(), source(h, wb, yaml, now), wb.description(), wb.tags(), scope, old.createdAt(), now);
            workbooks.update(h, stored);
            saveWorkflows(h, wb, stored, now);
            return stored;
        }));
    }

    /** A name that a concurrent request took between the check and the insert is a conflict too, not a server error. */
    private static Workbook taken(Checked wb, java.util.function.Supplier<Workbook> write) {
        try {
            return write.get();
        } catch (org.jdbi.v3.core.JdbiException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                    throw new ConflictException("workbook '" + wb.name() + "' or one of its workflows was stored by another request at the same time");
                }
            }
            throw e;
        }
    }

    private static String ownedBy(String workbook) {
        return workbook.isEmpty() ? "" : " in workbook '" + workbook + "'";
    }

    private String source(Handle h, Checked wb, String yaml, long now) {
        String sha = sources.save(h, yaml, now);
        engine.definitions.remember(sha, wb.document());
        return sha;
    }

    private void saveWorkflows(Handle h, Checked wb, Workbook stored, long now) {
        for (WorkflowSpec spec : wb.document().workflows().values()) {
            String name = wb.document().qualified(spec.name());
            Optional<Workflow> existing = workflows.byName(h, name);
            Workflow w = new Workflow(existing.map(Workflow::id).orElse(UUID.randomUUID().toString()), name, stored.sourceSha(),
                    spec.description(), spec.tags(), spec.inputSummary(), existing.map(Workflow::createdAt).orElse(now), now);
            if (existing.isPresent()) workflows.update(h, w);
            else workflows.insert(h, w, stored.name());
        }
    }

    public Workbook get(String name) {
        return jdbi.withHandle(h -> workbooks.byName(h, name)).orElseThrow(() -> new NotFoundException("workbook '" + name + "' does not exist"));
    }

    public String source(Workbook w) {
        return jdbi.withHandle(h -> sources.find(h, w.sourceSha()).orElseThrow());
    }

    /** A page of workbooks in {@code order}, after the workbook {@code marker} (id or name) when given, only {@code name} when given. */
    public List<Workbook> list(WorkbookStore.Order order, boolean descending, String marker, String name, int limit) {
        return jdbi.withHandle(h -> {
            Workbook after = marker == null ? null
                    : workbooks.byIdOrName(h, marker).orElseThrow(() -> new NotFoundException("workbook '" + marker + "' (the marker) does not exist"));
            return workbooks.page(h, order, descending, after, name, limit);
        });
    }

    /** Removes a workbook and every workflow stored as part of it (its ad-hoc actions live in its document and go with it). */
    public void delete(String name) {
        jdbi.useTransaction(h -> {
            Workbook w = workbooks.byName(h, name).orElseThrow(() -> new NotFoundException("workbook '" + name + "' does not exist"));
            workflows.deleteWorkbook(h, w.name());
            workbooks.delete(h, w.id());
        });
    }

    private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
