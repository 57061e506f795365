package io.trailboss.operation;

import io.trailboss.definition.WorkflowSpec;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.WorkflowCatalog;
import io.trailboss.model.Names;
import io.trailboss.model.Workflow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Operations: which workflows are offered on which target kind, and the form each one shows. */
public final class Operations {
    private static final Set<String> KEYS = Set.of("kind", "workflow", "description", "fields");
    private final Jdbi jdbi;
    private final Clock clock;
    private final WorkflowCatalog catalog;
    private final OperationStore store = new OperationStore();

    public Operations(Jdbi jdbi, Clock clock, WorkflowCatalog catalog) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.catalog = catalog;
    }

    /**
     * Declares (or redeclares) operations from a document {@code {operations: {NAME: {kind, workflow,
     * description, fields}}}}, as YAML or JSON gives it. All are checked before any is stored.
     */
    public List<Operation> declareAll(Map<String, Object> document) {
        List<FieldError> errors = new ArrayList<>();
        for (String key : document.keySet()) {
            if (!key.equals("operations")) errors.add(new FieldError(key, "unknown key (expected: operations)"));
        }
        if (!(document.get("operations") instanceof Map<?, ?> ops) || ops.isEmpty()) {
            errors.add(new FieldError("operations", "must be a mapping of operation names to {kind, workflow, description, fields}"));
            throw new FormException(errors);
        }
        List<Operation> checked = new ArrayList<>();
        ops.forEach((name, body) -> {
            try {
                if (!(body instanceof Map<?, ?> m)) throw FormException.of("operations." + name, "must be a mapping");
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) m;
                checked.add(check(String.valueOf(name), spec));
            } catch (FormException e) {
                e.errors().forEach(fe -> errors.add(fe.field().startsWith("operations.") ? fe : new FieldError("operations." + name + "." + fe.field(), fe.message())));
            }
        });
        if (!errors.isEmpty()) throw new FormException(errors);
        jdbi.useTransaction(h -> checked.forEach(op -> store.save(h, op)));
        return checked;
    }

    /** Declares one operation: {kind, workflow, description, fields}. */
    public Operation declare(String name, Map<String, Object> spec) {
        Operation op = check(name, spec);
        jdbi.useTransaction(h -> store.save(h, op));
        return op;
    }

    private Operation check(String name, Map<String, Object> spec) {
        List<FieldError> errors = new ArrayList<>();
        String badName = Names.problem("operation", name);
        if (badName != null) errors.add(new FieldError("name", badName));
        spec.keySet().forEach(k -> {
            if (!KEYS.contains(k)) errors.add(new FieldError(k, "unknown key (allowed: description, fields, kind, workflow)"));
        });
        String kind = text(spec, "kind", errors);
        if (kind != null && Names.kindProblem(kind) != null) errors.add(new FieldError("kind", Names.kindProblem(kind)));
        String workflow = text(spec, "workflow", errors);
        Object description = spec.get("description");
        if (description != null && !(description instanceof String)) errors.add(new FieldError("description", "must be text"));
        else if (Names.descriptionProblem((String) description) != null) errors.add(new FieldError("description", Names.descriptionProblem((String) description)));
        Map<String, Object> fields = new LinkedHashMap<>();
        if (spec.get("fields") instanceof Map<?, ?> f) f.forEach((k, v) -> fields.put(String.valueOf(k), v));
        else if (spec.get("fields") != null) errors.add(new FieldError("fields", "must be a mapping of input names to {type, description, pattern, min, max, choices}"));
        if (workflow != null) {
            try {
                Forms.checkNotes(spec(workflow), fields);
            } catch (FormException e) {
                errors.addAll(e.errors());
            } catch (NotFoundException e) {
                errors.add(new FieldError("workflow", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) throw new FormException(errors);
        long now = clock.millis();
        Operation existing = jdbi.withHandle(h -> store.byName(h, name)).orElse(null);
        return new Operation(name, kind, workflow, (String) description, fields, existing == null ? now : existing.createdAt(), now);
    }

    private static String text(Map<String, Object> spec, String key, List<FieldError> errors) {
        Object v = spec.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            errors.add(new FieldError(key, "is required (text)"));
            return null;
        }
        return s;
    }

    /** The workflow's parsed spec; NotFoundException if it is not stored. */
    public WorkflowSpec spec(String workflow) {
        Workflow w = catalog.find(workflow).orElseThrow(() -> new NotFoundException("workflow '" + workflow + "' does not exist"));
        return catalog.spec(w);
    }

    public Operation get(String name) {
        return jdbi.withHandle(h -> store.byName(h, name)).orElseThrow(() -> new NotFoundException("operation '" + name + "' does not exist"));
    }

    /** Every operation, or those offered on {@code kind}. */
    public List<Operation> list(String kind) {
        return jdbi.withHandle(h -> store.list(h, kind));
    }

    public void delete(String name) {
        if (!jdbi.inTransaction(h -> store.delete(h, name))) throw new NotFoundException("operation '" + name + "' does not exist");
    }

    /** The operation's form, from its workflow's inputs as they are now. */
    public List<FieldSpec> form(Operation op) {
        return Forms.form(spec(op.workflow()), op.fields());
    }
}
