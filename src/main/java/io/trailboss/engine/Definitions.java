package io.trailboss.engine;

import io.trailboss.definition.DefinitionParser;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.model.Workflow;
import io.trailboss.store.SourceStore;
import io.trailboss.store.WorkflowStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Parsed documents by content hash (a document never changes under its hash, so the cache is
 * never stale), and workflow lookup by name: the calling document first, then stored workflows.
 */
public final class Definitions {
    private final SourceStore sources;
    private final WorkflowStore workflows;
    private final Map<String, WorkflowDocument> parsed = new ConcurrentHashMap<>();

    public Definitions(SourceStore sources, WorkflowStore workflows) {
        this.sources = sources;
        this.workflows = workflows;
    }

    public WorkflowDocument document(Handle h, String sha) {
        WorkflowDocument doc = parsed.get(sha);
        if (doc != null) return doc;
        String text = sources.find(h, sha).orElseThrow(() -> new IllegalStateException("missing workflow source " + sha));
        doc = DefinitionParser.parse(text);
        parsed.put(sha, doc);
        return doc;
    }

    public void remember(String sha, WorkflowDocument doc) {
        parsed.putIfAbsent(sha, doc);
    }

    /**
     * A resolved workflow: the name its execution goes by (the stored name: {@code <workbook>.<workflow>} for a
     * workbook's), its spec, the document (and hash) it lives in, and its stored row if any.
     */
    public record Resolved(String name, WorkflowSpec spec, WorkflowDocument document, String sha, Workflow row) {}

    /**
     * A workflow by name: in the calling document first (as Mistral looks in the caller's workbook first, by the
     * short name or the full one), then among stored workflows. {@code callerName}: the name the caller's execution
     * goes by, which tells whether the caller runs as part of a workbook.
     */
    public Optional<Resolved> resolve(Handle h, String name, WorkflowDocument context, String contextSha, String callerName) {
        WorkflowSpec own = context == null ? null : context.workflow(name);
        if (own != null) {
            boolean inWorkbook = context.name() != null && callerName != null && callerName.startsWith(context.name() + ".");
            return Optional.of(new Resolved(inWorkbook ? context.qualified(own.name()) : own.name(), own, context, contextSha, null));
        }
        return workflows.byIdOrName(h, name).map(row -> {
            WorkflowDocument doc = document(h, row.sourceSha());
            WorkflowSpec spec = doc.workflow(row.name());
            if (spec == null) throw new IllegalStateException("workflow " + row.name() + " missing from its document");
            return new Resolved(row.name(), spec, doc, row.sourceSha(), row);
        });
    }
}
