package io.trailboss.definition;

import java.util.Map;

/**
 * A whole YAML document: its workflows and ad-hoc actions, and the text it was read from. {@code shared} finds the
 * ad-hoc actions stored on their own (global ones, Mistral's action-create) that a document may call beside its own.
 */
public record WorkflowDocument(String name, Map<String, WorkflowSpec> workflows, Map<String, AdHocActionSpec> actions, String source,
        SharedActions shared) {

    /** Ad-hoc actions defined outside any document, by their full names; null when there is none of that name. */
    @FunctionalInterface
    public interface SharedActions {
        SharedActions NONE = name -> null;

        AdHocActionSpec find(String name);
    }

    public WorkflowDocument(String name, Map<String, WorkflowSpec> workflows, Map<String, AdHocActionSpec> actions, String source) {
        this(name, workflows, actions, source, SharedActions.NONE);
    }

    /** This document, calling the shared actions {@code shared} finds beside its own. */
    public WorkflowDocument sharing(SharedActions shared) {
        return new WorkflowDocument(name, workflows, actions, source, shared);
    }

    /**
     * A workflow of this document by its own name or, in a named document (a workbook), by the name it is
     * stored under ({@code <workbook>.<workflow>}); null when it holds none of that name.
     */
    public WorkflowSpec workflow(String name) {
        WorkflowSpec spec = workflows.get(name);
        String own = ownName(name);
        return spec != null || own == null ? spec : workflows.get(own);
    }

    /**
     * An ad-hoc action this document calls by {@code name}: its own first (by its own name or, in a workbook, as
     * {@code <workbook>.<action>}), then a shared one. Mistral 15 looks the same way: a workbook's workflow finds
     * {@code <workbook>.<action>} before a global action of the name it wrote. Null when none.
     */
    public AdHocActionSpec action(String name) {
        AdHocActionSpec spec = ownAction(name);
        return spec != null ? spec : shared.find(name);
    }

    /** An ad-hoc action defined in this document; null when none. */
    public AdHocActionSpec ownAction(String name) {
        AdHocActionSpec spec = actions.get(name);
        String own = ownName(name);
        return spec != null || own == null ? spec : actions.get(own);
    }

    /** The name a workbook's workflow or action is stored under; the name itself in an unnamed document. */
    public String qualified(String ownName) {
        return this.name == null ? ownName : this.name + "." + ownName;
    }

    private String ownName(String name) {
        return this.name != null && name != null && name.startsWith(this.name + ".") ? name.substring(this.name.length() + 1) : null;
    }
}
