package io.trailboss.definition;

import java.util.Map;

/** A whole YAML document: its workflows and ad-hoc actions, and the text it was read from. */
public record WorkflowDocument(String name, Map<String, WorkflowSpec> workflows, Map<String, AdHocActionSpec> actions, String source) {

    /**
     * A workflow of this document by its own name or, in a named document (a workbook), by the name it is
     * stored under ({@code <workbook>.<workflow>}); null when it holds none of that name.
     */
    public WorkflowSpec workflow(String name) {
        WorkflowSpec spec = workflows.get(name);
        String own = ownName(name);
        return spec != null || own == null ? spec : workflows.get(own);
    }

    /** An ad-hoc action of this document by its own name or, in a workbook, as {@code <workbook>.<action>}; null when none. */
    public AdHocActionSpec action(String name) {
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
