package io.trailboss.graph;

import io.trailboss.definition.Join;
import io.trailboss.definition.TaskSpec;
import io.trailboss.definition.Transition;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.definition.WorkflowType;
import io.trailboss.model.ExecutionState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A workflow (and optionally the latest state of each of its tasks in an execution) as Graphviz
 * DOT or Mermaid flowchart text. Tasks are nodes with ids made safe and unique ({@code t_} and the
 * name with every other character than letters, digits and '_' replaced, numbered on a clash);
 * transitions are edges of three kinds (success, error, complete) told apart by colour, style and
 * label; the engine commands fail, succeed and pause lead to one special node each ({@code cmd_});
 * joins are marked; a reverse workflow is drawn from each task's {@code requires}, from the task
 * required to the task that requires it (the order they run in).
 */
public final class WorkflowGraph {
    public enum Format {
        DOT("text/vnd.graphviz"), MERMAID("text/plain");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        /** dot or mermaid (any case); null for anything else. */
        public static Format of(String word) {
            if (word == null) return null;
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "dot", "graphviz" -> DOT;
                case "mermaid" -> MERMAID;
                default -> null;
            };
        }
    }

    enum EdgeKind {
        SUCCESS("success", "#2e7d32"), ERROR("error", "#c62828"), COMPLETE("complete", "#1565c0"), REQUIRES("required by", "#616161");

        final String word;
        final String colour;

        EdgeKind(String word, String colour) {
            this.word = word;
            this.colour = colour;
        }
    }

    private record Node(String id, String name, List<String> lines, boolean join, String state, Transition.EngineCommand command) {}

    private record Edge(String from, String to, EdgeKind kind, String label) {}

    private static final int GUARD_MAX = 40;

    private final String title;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();

    private WorkflowGraph(String title) {
        this.title = title;
    }

    /** The workflow alone. */
    public static String render(WorkflowSpec spec, Format format) {
        return render(spec, format, Map.of(), null);
    }

    /**
     * The workflow with the state of each task that has run ({@code states}: task name → its latest
     * task execution's state); {@code title} (null: the workflow's name) labels the graph.
     */
    public static String render(WorkflowSpec spec, Format format, Map<String, ExecutionState> states, String title) {
        WorkflowGraph g = build(spec, states, title == null ? spec.name() : title);
        return format == Format.DOT ? g.dot() : g.mermaid();
    }

    private static WorkflowGraph build(WorkflowSpec spec, Map<String, ExecutionState> states, String title) {
        WorkflowGraph g = new WorkflowGraph(title);
        Map<String, String> ids = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (TaskSpec t : spec.tasks().values()) {
            String base = "t_" + t.name().replaceAll("[^A-Za-z0-9_]", "_");
            String id = base;
            for (int n = 2; !used.add(id); n++) id = base + "_" + n;
            ids.put(t.name(), id);
        }
        Map<Transition.EngineCommand, String> commands = new LinkedHashMap<>();
        for (TaskSpec t : spec.tasks().values()) {
            List<String> lines = new ArrayList<>();
            lines.add(t.name());
            boolean join = t.join() != null;
            if (join) lines.add("join: " + joinWord(t.join()));
            ExecutionState state = states.get(t.name());
            if (state != null) lines.add(state.name());
            g.nodes.add(new Node(ids.get(t.name()), t.name(), lines, join, state == null ? null : state.name(), null));
            g.transitions(t, t.onSuccess(), EdgeKind.SUCCESS, ids, commands);
            g.transitions(t, t.onError(), EdgeKind.ERROR, ids, commands);
            g.transitions(t, t.onComplete(), EdgeKind.COMPLETE, ids, commands);
        }
        if (spec.type() == WorkflowType.REVERSE) {
            for (TaskSpec t : spec.tasks().values()) {
                for (String required : t.requires() == null ? List.<String>of() : t.requires()) {
                    if (ids.containsKey(required)) g.edges.add(new Edge(ids.get(required), ids.get(t.name()), EdgeKind.REQUIRES, EdgeKind.REQUIRES.word));
                }
            }
        }
        commands.forEach((command, id) -> g.nodes.add(new Node(id, null, List.of(command.name().toLowerCase(Locale.ROOT)), false, null, command)));
        return g;
    }

    private void transitions(TaskSpec t, List<Transition> list, EdgeKind kind, Map<String, String> ids, Map<Transition.EngineCommand, String> commands) {
        if (list == null) return;
        for (Transition tr : list) {
            String label = kind.word + (tr.guard() == null ? "" : " if " + shorten(String.valueOf(tr.guard())));
            switch (tr) {
                case Transition.GoTo go -> {
                    if (ids.containsKey(go.task())) edges.add(new Edge(ids.get(t.name()), ids.get(go.task()), kind, label));
                }
                case Transition.Command c -> {
                    if (c.command() == Transition.EngineCommand.NOOP) continue;
                    String id = commands.computeIfAbsent(c.command(), k -> "cmd_" + k.name().toLowerCase(Locale.ROOT));
                    edges.add(new Edge(ids.get(t.name()), id, kind, label));
                }
            }
        }
    }

    private static String joinWord(Join join) {
        return switch (join.kind()) {
            case ALL -> "all";
            case ONE -> "one";
            case COUNT -> String.valueOf(join.count());
        };
    }

    private static String shorten(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= GUARD_MAX ? one : one.substring(0, GUARD_MAX - 1) + "…";
    }

    // ------------------------------------------------------------------ DOT

    private static String stateFill(String state) {
        return switch (ExecutionState.valueOf(state)) {
            case SUCCESS -> "#c8e6c9";
            case ERROR -> "#ffcdd2";
            case RUNNING -> "#bbdefb";
            case PAUSED -> "#fff9c4";
            case DELAYED -> "#ffe0b2";
            case WAITING, IDLE -> "#eeeeee";
            case CANCELLED -> "#d7ccc8";
            case SKIPPED -> "#e1f5fe";
            case BLOCKED -> "#cfd8dc";
            case INTERRUPTED -> "#ffab91";
        };
    }

    private static String commandFill(Transition.EngineCommand c) {
        return switch (c) {
            case FAIL -> "#ffcdd2";
            case SUCCEED -> "#c8e6c9";
            default -> "#fff9c4";
        };
    }

    private String dot() {
        StringBuilder out = new StringBuilder();
        out.append("digraph ").append(dotString(title)).append(" {\n");
        out.append("  graph [label=").append(dotString(title)).append(", labelloc=t, fontname=\"Helvetica\"];\n");
        out.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (Node n : nodes) {
            out.append("  ").append(n.id()).append(" [label=").append(dotString(String.join("\n", n.lines())));
            if (n.command() != null) {
                out.append(", shape=").append(switch (n.command()) {
                    case FAIL -> "octagon";
                    case SUCCEED -> "doublecircle";
                    default -> "circle";
                }).append(", style=filled, fillcolor=\"").append(commandFill(n.command())).append('"');
            }
            if (n.join()) out.append(", peripheries=2");
            if (n.state() != null) out.append(", fillcolor=\"").append(stateFill(n.state())).append("\", class=\"").append(n.state().toLowerCase(Locale.ROOT)).append('"');
            out.append("];\n");
        }
        for (Edge e : edges) {
            out.append("  ").append(e.from()).append(" -> ").append(e.to()).append(" [label=").append(dotString(e.label()))
                    .append(", color=\"").append(e.kind().colour).append("\", fontcolor=\"").append(e.kind().colour).append('"');
            switch (e.kind()) {
                case ERROR -> out.append(", style=dashed");
                case COMPLETE -> out.append(", style=bold");
                case REQUIRES -> out.append(", style=dotted");
                default -> { }
            }
            out.append("];\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** A DOT double-quoted string: backslashes and quotes escaped, line ends as \n. */
    static String dotString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> { }
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ------------------------------------------------------------------ Mermaid

    private String mermaid() {
        StringBuilder out = new StringBuilder();
        out.append("---\ntitle: \"").append(title.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\r\n]", " ")).append("\"\n---\n");
        out.append("flowchart TD\n");
        for (Node n : nodes) {
            String label = '"' + String.join("<br/>", n.lines().stream().map(WorkflowGraph::mermaidText).toList()) + '"';
            String shaped = n.command() != null ? "((" + label + "))" : n.join() ? "{{" + label + "}}" : "[" + label + "]";
            out.append("  ").append(n.id()).append(shaped).append('\n');
        }
        Map<EdgeKind, List<Integer>> byKind = new LinkedHashMap<>();
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            String arrow = switch (e.kind()) {
                case ERROR -> "-.->";
                case COMPLETE -> "==>";
                default -> "-->";
            };
            out.append("  ").append(e.from()).append(' ').append(arrow).append('|').append(mermaidEdgeLabel(e.label())).append("| ").append(e.to()).append('\n');
            byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(i);
        }
        byKind.forEach((kind, indexes) -> out.append("  linkStyle ")
                .append(String.join(",", indexes.stream().map(String::valueOf).toList()))
                .append(" stroke:").append(kind.colour).append(",color:").append(kind.colour).append('\n'));
        Map<String, List<String>> byClass = new LinkedHashMap<>();
        for (Node n : nodes) {
            String cls = n.command() != null ? "cmd_" + n.command().name().toLowerCase(Locale.ROOT) : n.state() == null ? null : n.state().toLowerCase(Locale.ROOT);
            if (cls != null) byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(n.id());
        }
        byClass.forEach((cls, ids) -> {
            String fill = cls.startsWith("cmd_")
                    ? commandFill(Transition.EngineCommand.valueOf(cls.substring(4).toUpperCase(Locale.ROOT)))
                    : stateFill(cls.toUpperCase(Locale.ROOT));
            out.append("  classDef ").append(cls).append(" fill:").append(fill).append('\n');
            out.append("  class ").append(String.join(",", ids)).append(' ').append(cls).append('\n');
        });
        return out.toString();
    }

    /** Text inside a quoted Mermaid label: characters Mermaid would read as syntax become entity codes. */
    static String mermaidText(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '#' -> out.append("#35;");
                case '"' -> out.append("#quot;");
                case '<' -> out.append("#lt;");
                case '>' -> out.append("#gt;");
                case '|' -> out.append("#124;");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An edge label: a plain word as it is ({@code -->|error|}), anything else quoted. */
    private static String mermaidEdgeLabel(String label) {
        return label.matches("[A-Za-z0-9 _-]+") ? label : '"' + mermaidText(label) + '"';
    }
}
