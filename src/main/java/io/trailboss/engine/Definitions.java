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
 * A document handed out calls the global ad-hoc actions as they are in the transaction that asked for it.
 */
public final class Definitions {
    private final SourceStore sources;
    private final WorkflowStore workflows;
    private final Map<String, WorkflowDocument> parsed = new ConcurrentHashMap<>();
    private volatile SharedSource shared = h -> WorkflowDocument.SharedActions.NONE;

    /** Where a transaction finds the global ad-hoc actions (see {@link GlobalActions}). */
    @FunctionalInterface
    public interface SharedSource {
        WorkflowDocument.SharedActions in(Handle h);
    }

    public Definitions(SourceStore sources, WorkflowStore workflows) {
        this.sources = sources;
        this.workflows = workflows;
    }

    /** From now on, documents handed out call the global ad-hoc actions {@code source} finds. */
    public void shareActions(SharedSource source) {
        this.shared = source;
    }

    /** The global ad-hoc actions as the transaction of {@code h} sees them. */
    public WorkflowDocument.SharedActions sharedIn(Handle h) {
        return shared.in(h);
    }

    /** The document stored under {@code sha}, calling the global ad-hoc actions as {@code h}'s transaction sees them. */
    public WorkflowDocument document(Handle h, String sha) {
        WorkflowDocument doc = parsed.get(sha);
        if (doc == null) {
            String text = sources.find(h, sha).orElseThrow(() -> new IllegalStateException("missing workflow source " + sha));
            doc = DefinitionParser.parse(text);
            parsed.put(sha, doc);
        }
        return doc.sharing(shared.in(h));
    }

    public void remember(String sha, WorkflowDocument doc) {
        // the cache keeps the document alone: a lookup of shared actions belongs to one transaction
        parsed.putIfAbsent(sha, doc.sharing(WorkflowDocument.SharedActions.NONE));
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
