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

    /** A resolved workflow: its spec, the document (and hash) it lives in, and its stored row if any. */
    public record Resolved(WorkflowSpec spec, WorkflowDocument document, String sha, Workflow row) {}

    public Optional<Resolved> resolve(Handle h, String name, WorkflowDocument context, String contextSha) {
        if (context != null && context.workflows().containsKey(name)) {
            return Optional.of(new Resolved(context.workflows().get(name), context, contextSha, null));
        }
        return workflows.byIdOrName(h, name).map(row -> {
            WorkflowDocument doc = document(h, row.sourceSha());
            WorkflowSpec spec = doc.workflows().get(row.name());
            if (spec == null) throw new IllegalStateException("workflow " + row.name() + " missing from its document");
            return new Resolved(spec, doc, row.sourceSha(), row);
        });
    }
}
