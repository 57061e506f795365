package io.trailboss.engine;

import io.trailboss.action.ActionRegistry;
import io.trailboss.definition.AdHocActionSpec;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.DefinitionException.Problem;
import io.trailboss.definition.DefinitionParser;
import io.trailboss.definition.InputParam;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.definition.YamlNode;
import io.trailboss.definition.YamlReader;
import io.trailboss.json.Json;
import io.trailboss.model.Names;
import io.trailboss.model.StoredAction;
import io.trailboss.store.AdHocActionStore;
import io.trailboss.store.SourceStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Ad-hoc actions stored on their own (Mistral's action-create): global, so that any workflow may call one by
 * name. A document of actions ({@code version: '2.0'}, then actions by name) is kept whole, as Mistral shows it,
 * and each of its actions gets a row. Workflows find them through the engine's documents ({@link Definitions}),
 * after their own ad-hoc actions. Each transaction that looks one up reads the change counter once and parses
 * again only after a change, so every node sees a change from the transaction after it committed.
 */
public final class GlobalActions {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GlobalActions.class);
    private final Jdbi jdbi;
    private final Clock clock;
    private final ActionRegistry registry;
    private final AdHocActionStore store = new AdHocActionStore();
    private final SourceStore sources = new SourceStore();
    /** Documents of actions by hash: a text never changes under its hash. */
    private final Map<String, WorkflowDocument> parsed = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(-1, Map.of());

    /** The actions by name as of one value of the change counter. */
    private record Snapshot(long version, Map<String, AdHocActionSpec> actions) {}

    /** From its construction on, the engine's documents call these actions. */
    public GlobalActions(Engine engine) {
        this.jdbi = engine.jdbi();
        this.clock = engine.clock();
        this.registry = engine.actions();
        engine.definitions().shareActions(this::in);
    }

    /**
     * The actions as the transaction of {@code h} sees them. A registered action's name never needs a look: no stored
     * action may take one ({@link #check}), so the engine's lookups of {@code std.echo} or {@code shell} cost nothing.
     */
    WorkflowDocument.SharedActions in(Handle h) {
        Snapshot[] seen = {null};
        return name -> {
            if (name == null || registry.find(name).isPresent()) return null;
            if (seen[0] == null) seen[0] = current(h);
            return seen[0].actions().get(name);
        };
    }

    private Snapshot current(Handle h) {
        long version = store.version(h);
        Snapshot known = snapshot;
        if (known.version() == version) return known;
        Map<String, AdHocActionSpec> actions = new HashMap<>();
        for (StoredAction a : store.all(h)) {
            try {
                AdHocActionSpec spec = document(h, a.sourceSha()).actions().get(a.name());
                if (spec != null) actions.put(a.name(), spec);
            } catch (DefinitionException e) {
                // stored before a stricter check: left out (a task that calls it fails as for an unknown action), not failing every lookup
                LOG.warn("ad-hoc action '{}' is left out: its document no longer reads: {}", a.name(), e.getMessage());
            }
        }
        // rows read after the counter are at least that new: a copy labelled with it is never older than its label
        Snapshot fresh = new Snapshot(version, Map.copyOf(actions));
        synchronized (this) {
            if (snapshot.version() < version) snapshot = fresh;
        }
        return fresh;
    }

    private WorkflowDocument document(Handle h, String sha) {
        WorkflowDocument doc = parsed.get(sha);
        if (doc != null) return doc;
        String text = sources.find(h, sha).orElseThrow(() -> new IllegalStateException("missing action source " + sha));
        doc = DefinitionParser.parseActions(text);
        parsed.put(sha, doc);
        return doc;
    }

    /** Parses and checks a document of actions, changing nothing; the problems of a create or update are these. */
    public WorkflowDocument validate(String yaml) {
        WorkflowDocument doc = DefinitionParser.parseActions(yaml);
        return jdbi.withHandle(h -> check(h, doc, yaml));
    }

    /** Stores every action of the document; refuses (changing nothing) if any name is taken. */
    public List<StoredAction> create(String yaml, String scope) {
        WorkflowDocument parsedDoc = DefinitionParser.parseActions(yaml);
        return taken(parsedDoc, () -> jdbi.inTransaction(h -> {
            WorkflowDocument doc = check(h, parsedDoc, yaml);
            long now = clock.millis();
            String sha = save(h, yaml, doc, now);
            List<StoredAction> out = new ArrayList<>();
            for (AdHocActionSpec a : doc.actions().values()) {
                if (store.byName(h, a.name()).isPresent()) throw new ConflictException("action '" + a.name() + "' already exists");
                StoredAction row = new StoredAction(UUID.randomUUID().toString(), a.name(), sha, a.description(), a.tags(), inputSummary(a.input()),
                        scope, now, null);
                store.insert(h, row);
                out.add(row);
            }
            return out;
        }));
    }

    /**
     * Replaces the actions of the document, which must all exist; refuses (changing nothing) otherwise. With
     * {@code identifier} (an id or name), the document holds one action, which replaces the one identified, and may
     * rename it.
     */
    public List<StoredAction> update(String yaml, String scope, String identifier) {
        WorkflowDocument parsedDoc = DefinitionParser.parseActions(yaml);
        if (identifier != null && parsedDoc.actions().size() > 1) {
            throw new InvalidInputException("id", "an update of one action (by id or name) takes a document of one action; this one defines "
                    + parsedDoc.actions().size() + ": " + String.join(", ", parsedDoc.actions().keySet()));
        }
        return taken(parsedDoc, () -> jdbi.inTransaction(h -> {
            WorkflowDocument doc = check(h, parsedDoc, yaml);
            long now = clock.millis();
            String sha = save(h, yaml, doc, now);
            List<StoredAction> out = new ArrayList<>();
            for (AdHocActionSpec a : doc.actions().values()) {
                String which = identifier != null ? identifier : a.name();
                StoredAction old = (identifier != null ? store.byIdOrName(h, which) : store.byName(h, which))
                        .orElseThrow(() -> new NotFoundException("action '" + which + "' does not exist"));
                if (!old.name().equals(a.name()) && store.byName(h, a.name()).isPresent()) {
                    throw new ConflictException("action '" + a.name() + "' already exists");
                }
                StoredAction row = new StoredAction(old.id(), a.name(), sha, a.description(), a.tags(), inputSummary(a.input()), scope,
                        old.createdAt(), now);
                store.update(h, row);
                out.add(row);
            }
            return out;
        }));
    }

    /** A name that a concurrent request took between the check and the write is a conflict too, not a server error. */
    private static List<StoredAction> taken(WorkflowDocument doc, java.util.function.Supplier<List<StoredAction>> write) {
        try {
            return write.get();
        } catch (org.jdbi.v3.core.JdbiException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                    throw new ConflictException("one of the actions " + String.join(", ", doc.actions().keySet()) + " was stored by another request at the same time");
                }
            }
            throw e;
        }
    }

    /** Deletes one action by id or name. Workflows that call it fail at that task from then on, as in Mistral. */
    public void delete(String identifier) {
        if (registry.find(identifier).isPresent()) {
            throw new InvalidInputException("name", "action '" + identifier + "' is a built-in action: it cannot be deleted");
        }
        jdbi.useTransaction(h -> {
            StoredAction a = store.byIdOrName(h, identifier).orElseThrow(() -> new NotFoundException("action '" + identifier + "' does not exist"));
            store.delete(h, a.id());
        });
    }

    public List<StoredAction> list() {
        return jdbi.withHandle(store::all);
    }

    public Optional<StoredAction> find(String idOrName) {
        return jdbi.withHandle(h -> store.byIdOrName(h, idOrName));
    }

    /** The document the action was defined in, whole. */
    public String source(StoredAction a) {
        return jdbi.withHandle(h -> sources.find(h, a.sourceSha()).orElseThrow());
    }

    private String save(Handle h, String yaml, WorkflowDocument doc, long now) {
        String sha = sources.save(h, yaml, now);
        parsed.putIfAbsent(sha, doc);
        return sha;
    }

    /**
     * What a document of actions must be beyond its syntax: names that no registered action has, and bases that
     * exist (registered, in the document, or stored) without a cycle; and what is stored of each fits its column.
     */
    private WorkflowDocument check(Handle h, WorkflowDocument doc, String yaml) {
        YamlNode.Mapping top = (YamlNode.Mapping) YamlReader.read(yaml);
        WorkflowDocument.SharedActions stored = in(h);
        List<Problem> problems = new ArrayList<>();
        for (AdHocActionSpec a : doc.actions().values()) {
            YamlNode at = top.keyNode(a.name());
            if (registry.find(a.name()).isPresent()) {
                problems.add(problem(at, a.name(), "'" + a.name() + "' is a built-in action: an ad-hoc action needs a name of its own"));
                continue;
            }
            Set<String> chain = new LinkedHashSet<>(List.of(a.name()));
            for (String base = a.base(); registry.find(base).isEmpty(); ) {
                AdHocActionSpec next = doc.actions().containsKey(base) ? doc.actions().get(base) : stored.find(base);
                if (next == null) {
                    problems.add(problem(at, a.name() + ".base", "base action '" + base + "' does not exist"));
                    break;
                }
                if (!chain.add(base)) {
                    problems.add(problem(at, a.name() + ".base", "the bases of action '" + a.name() + "' go round in a circle: "
                            + String.join(" -> ", chain) + " -> " + base));
                    break;
                }
                base = next.base();
            }
            String tooLong = a.description() == null ? null : Names.descriptionProblem(a.description());
            if (tooLong != null) problems.add(problem(at, a.name() + ".description", tooLong));
            tooLong = Names.lengthProblem("the tags of action '" + a.name() + "' as JSON", Json.write(a.tags()), Names.MAX_DESCRIPTION);
            if (tooLong != null) problems.add(problem(at, a.name() + ".tags", tooLong));
            tooLong = Names.lengthProblem("the input of action '" + a.name() + "' as one line", inputSummary(a.input()), Names.MAX_DESCRIPTION);
            if (tooLong != null) problems.add(problem(at, a.name() + ".input", tooLong));
        }
        if (!problems.isEmpty()) throw new DefinitionException(problems);
        return doc;
    }

    private static Problem problem(YamlNode at, String path, String message) {
        return new Problem(at == null ? 0 : at.line(), at == null ? 0 : at.column(), path, message);
    }

    /** The input as Mistral shows an ad-hoc action's: names, and {@code name=default} with the default as Python's json.dumps writes it. */
    static String inputSummary(List<InputParam> input) {
        List<String> parts = new ArrayList<>();
        for (InputParam p : input) parts.add(p.required() ? p.name() : p.name() + "=" + io.trailboss.expr.Functions.dumps(p.defaultValue()));
        return String.join(", ", parts);
    }
}
