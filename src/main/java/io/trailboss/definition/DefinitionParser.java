package io.trailboss.definition;

import io.trailboss.definition.DefinitionException.Problem;
import io.trailboss.model.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns YAML text into a {@link WorkflowDocument} with Mistral Workflow Language v2 semantics,
 * collecting every problem it finds (with line and column) before failing.
 */
public final class DefinitionParser {
    private static final Set<String> TOP_KEYS_WORKBOOK = Set.of("version", "name", "description", "tags", "workflows", "actions");
    private static final Set<String> WORKFLOW_KEYS = Set.of(
            "type", "description", "tags", "input", "output", "output-on-error", "vars", "task-defaults", "tasks");
    private static final Set<String> TASK_KEYS = Set.of(
            "description", "action", "workflow", "input", "publish", "publish-on-error", "on-success", "on-error",
            "on-complete", "join", "with-items", "concurrency", "retry", "wait-before", "wait-after", "timeout",
            "pause-before", "fail-on", "keep-result", "tags", "requires", "safe-rerun", "targets", "pause-on-fail");
    private static final Set<String> TASK_DEFAULT_KEYS = Set.of(
            "on-success", "on-error", "on-complete", "retry", "wait-before", "wait-after", "timeout", "pause-before",
            "concurrency", "requires", "safe-rerun", "fail-on", "pause-on-fail");
    private static final Set<String> RETRY_KEYS = Set.of("count", "delay", "break-on", "continue-on");
    private static final Set<String> ACTION_KEYS = Set.of("description", "base", "base-input", "input", "output", "tags");
    private static final Pattern WITH_ITEM = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+in\\s+(.+?)\\s*$", Pattern.DOTALL);
    private static final Pattern COMMAND = Pattern.compile("^(fail|succeed|pause|noop)(?:\\s*\\(\\s*msg\\s*=\\s*(.*)\\)\\s*|\\s+msg\\s*=\\s*(.*))?$", Pattern.DOTALL);

    /** How a job names the sub-workflow it runs: this, then the workflow's name. */
    public static final String SUB_WORKFLOW = "workflow:";

    private final List<Problem> problems = new ArrayList<>();

    private DefinitionParser() {}

    public static WorkflowDocument parse(String text) {
        return new DefinitionParser().document(text);
    }

    /**
     * A document of ad-hoc actions alone (Mistral's action-create): {@code version: '2.0'}, then actions by name.
     * It comes back as a document with no workflows.
     */
    public static WorkflowDocument parseActions(String text) {
        return new DefinitionParser().actionsDocument(text);
    }

    private WorkflowDocument actionsDocument(String text) {
        YamlNode root = YamlReader.read(text);
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new DefinitionException(new Problem(root.line(), root.column(), "", "an action document must be a mapping with 'version' and actions by name"));
        }
        checkExpressions(root);
        version(top);
        Map<String, AdHocActionSpec> actions = new LinkedHashMap<>();
        top.entries().forEach((k, v) -> {
            if (k.equals("version")) return;
            String badName = Names.problem("action", k);
            if (badName != null) problem(top.keyNode(k), badName);
            else action(k, v, actions);
        });
        if (actions.isEmpty() && problems.isEmpty()) problem(top, "the document defines no action");
        if (!problems.isEmpty()) throw new DefinitionException(problems);
        return new WorkflowDocument(null, Map.of(), actions, text);
    }

    private void version(YamlNode.Mapping top) {
        YamlNode version = top.get("version");
        if (version == null) {
            problem(top, "missing 'version: \"2.0\"'");
        } else if (!"2.0".equals(String.valueOf(version.plain()))) {
            problem(version, "unsupported version '" + version.plain() + "': only '2.0' is supported");
        }
    }

    private WorkflowDocument document(String text) {
        YamlNode root = YamlReader.read(text);
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new DefinitionException(new Problem(root.line(), root.column(), "", "a workflow document must be a mapping with 'version' and workflows"));
        }
        checkExpressions(root);
        version(top);
        Map<String, WorkflowSpec> workflows = new LinkedHashMap<>();
        Map<String, AdHocActionSpec> actions = new LinkedHashMap<>();
        String name = null;
        if (top.get("workflows") != null || top.get("actions") != null) {
            for (String key : top.entries().keySet()) {
                if (!TOP_KEYS_WORKBOOK.contains(key)) problem(top.keyNode(key), "unknown key '" + key + "' in a workbook (allowed: " + sorted(TOP_KEYS_WORKBOOK) + ")");
            }
            name = optionalString(top, "name");
            YamlNode wfs = top.get("workflows");
            if (wfs != null) {
                YamlNode.Mapping m = mapping(wfs, "workflows");
                if (m != null) m.entries().forEach((k, v) -> workflow(k, v, workflows));
            }
            YamlNode acts = top.get("actions");
            if (acts != null) {
                YamlNode.Mapping m = mapping(acts, "actions");
                if (m != null) m.entries().forEach((k, v) -> action(k, v, actions));
            }
        } else {
            top.entries().forEach((k, v) -> {
                if (!k.equals("version")) workflow(k, v, workflows);
            });
        }
        if (workflows.isEmpty() && actions.isEmpty() && problems.isEmpty()) problem(top, "the document defines no workflow");
        if (!problems.isEmpty()) throw new DefinitionException(problems);
        return new WorkflowDocument(name, workflows, actions, text);
    }

    /** Refuses YAQL that does not parse, anywhere but in descriptions (which are text for people). */
    private void checkExpressions(YamlNode node) {
        switch (node) {
            case YamlNode.Scalar s -> {
                if (s.value() instanceof String str) {
                    String problem = io.trailboss.expr.Expressions.syntaxProblem(str);
                    if (problem != null) problem(s, problem);
                }
            }
            case YamlNode.Sequence seq -> seq.items().forEach(this::checkExpressions);
            case YamlNode.Mapping map -> map.entries().forEach((k, v) -> {
                if (!k.equals("description")) checkExpressions(v);
            });
        }
    }

    private void workflow(String name, YamlNode node, Map<String, WorkflowSpec> out) {
        YamlNode.Mapping wf = mapping(node, name);
        if (wf == null) return;
        String badName = Names.problem("workflow", name);
        if (badName != null) problem(node, badName);
        unknownKeys(wf, WORKFLOW_KEYS, "workflow '" + name + "'");
        WorkflowType type = WorkflowType.DIRECT;
        YamlNode typeNode = wf.get("type");
        if (typeNode != null) {
            switch (String.valueOf(typeNode.plain())) {
                case "direct" -> type = WorkflowType.DIRECT;
                case "reverse" -> type = WorkflowType.REVERSE;
                default -> problem(typeNode, "workflow type must be 'direct' or 'reverse', not '" + typeNode.plain() + "'");
            }
        }
        List<InputParam> input = inputParams(wf.get("input"));
        Map<String, Object> vars = plainMap(wf.get("vars"), "vars");
        Map<String, YamlNode> defaults = new LinkedHashMap<>();
        YamlNode td = wf.get("task-defaults");
        if (td != null) {
            YamlNode.Mapping m = mapping(td, "task-defaults");
            if (m != null) {
                unknownKeys(m, TASK_DEFAULT_KEYS, "task-defaults");
                defaults.putAll(m.entries());
            }
        }
        Map<String, TaskSpec> tasks = new LinkedHashMap<>();
        YamlNode tasksNode = wf.get("tasks");
        if (tasksNode == null) {
            problem(wf, "workflow '" + name + "' has no 'tasks'");
        } else {
            YamlNode.Mapping m = mapping(tasksNode, "tasks");
            if (m != null) {
                if (m.entries().isEmpty()) problem(m, "workflow '" + name + "' has no tasks");
                for (var e : m.entries().entrySet()) {
                    if (e.getKey().length() > Names.MAX_NAME) {
                        // task executions keep their task's name in a VARCHAR(255) column: refused here, not at every start
                        problem(m.keyNode(e.getKey()), "task name '" + Names.shown(e.getKey()) + "' has " + e.getKey().length()
                                + " characters; a task name holds at most " + Names.MAX_NAME);
                        continue;
                    }
                    TaskSpec t = task(e.getKey(), e.getValue(), defaults, type);
                    if (t != null) tasks.put(e.getKey(), t);
                }
            }
        }
        Map<String, Set<String>> inbound = new LinkedHashMap<>();
        for (TaskSpec t : tasks.values()) {
            for (Transition tr : concat(t.onSuccess(), t.onError(), t.onComplete())) {
                if (tr instanceof Transition.GoTo go) {
                    if (!tasks.containsKey(go.task())) {
                        problems.add(new Problem(go.line(), go.column(), name + ".tasks." + t.name(), "transition to unknown task '" + go.task() + "'"));
                    } else if (!go.task().equals(t.name())) {
                        inbound.computeIfAbsent(go.task(), k -> new LinkedHashSet<>()).add(t.name());
                    }
                }
            }
            for (String r : t.requires()) {
                if (!tasks.containsKey(r)) problems.add(new Problem(t.line(), t.column(), name + ".tasks." + t.name(), "requires unknown task '" + r + "'"));
            }
        }
        if (type == WorkflowType.REVERSE) {
            for (TaskSpec t : tasks.values()) {
                if (!t.onSuccess().isEmpty() || !t.onError().isEmpty() || !t.onComplete().isEmpty()) {
                    problems.add(new Problem(t.line(), t.column(), name + ".tasks." + t.name(), "a reverse workflow uses 'requires', not on-success/on-error/on-complete"));
                }
            }
            cycleInRequires(name, tasks);
        } else if (!tasks.isEmpty() && tasks.values().stream().allMatch(t -> inbound.containsKey(t.name()))) {
            problem(wf, "workflow '" + name + "' has no start task: every task is the target of a transition");
        }
        WorkflowSpec spec = new WorkflowSpec(name, type, optionalString(wf, "description"), stringList(wf.get("tags"), "tags"),
                input, wf.get("output") == null ? null : wf.get("output").plain(),
                wf.get("output-on-error") == null ? null : wf.get("output-on-error").plain(), vars, tasks, inbound, wf.line());
        // the workflow row keeps the description, the tags (as JSON) and the input summary in VARCHAR(4000) columns
        String description = Names.descriptionProblem(spec.description());
        if (description != null) problem(wf.get("description"), description);
        int tags = io.trailboss.json.Json.write(spec.tags()).length();
        if (tags > Names.MAX_DESCRIPTION) {
            problem(wf.get("tags"), "the tags of workflow '" + name + "' take " + tags + " characters as JSON; at most " + Names.MAX_DESCRIPTION);
        }
        int summary = spec.inputSummary().length();
        if (summary > Names.MAX_DESCRIPTION) {
            problem(wf.get("input"), "the input of workflow '" + name + "' (names and defaults, as 'a, b=1') takes " + summary
                    + " characters; at most " + Names.MAX_DESCRIPTION + " (put long defaults in vars)");
        }
        out.put(name, spec);
    }

    private void cycleInRequires(String wf, Map<String, TaskSpec> tasks) {
        Map<String, Integer> mark = new LinkedHashMap<>();
        for (String start : tasks.keySet()) {
            if (visit(start, tasks, mark)) {
                TaskSpec t = tasks.get(start);
                problems.add(new Problem(t.line(), t.column(), wf + ".tasks." + start, "'requires' forms a cycle through task '" + start + "'"));
                return;
            }
        }
    }

    private boolean visit(String task, Map<String, TaskSpec> tasks, Map<String, Integer> mark) {
        Integer m = mark.get(task);
        if (m != null) return m == 1;
        mark.put(task, 1);
        TaskSpec t = tasks.get(task);
        if (t != null) for (String r : t.requires()) if (visit(r, tasks, mark)) return true;
        mark.put(task, 2);
        return false;
    }

    private TaskSpec task(String name, YamlNode node, Map<String, YamlNode> defaults, WorkflowType type) {
        YamlNode.Mapping t = mapping(node, "task '" + name + "'");
        if (t == null) return null;
        unknownKeys(t, TASK_KEYS, "task '" + name + "'");
        ActionCall action = call(t.get("action"));
        ActionCall workflow = call(t.get("workflow"));
        // a job keeps its action ("workflow:NAME" for a sub-workflow) in a VARCHAR(255) column
        if (action != null && action.name().length() > Names.MAX_NAME) {
            problem(t.get("action"), "action name '" + Names.shown(action.name()) + "' has " + action.name().length() + " characters; at most " + Names.MAX_NAME);
        }
        if (workflow != null && workflow.name().length() > Names.MAX_NAME - SUB_WORKFLOW.length()) {
            problem(t.get("workflow"), "workflow name '" + Names.shown(workflow.name()) + "' has " + workflow.name().length()
                    + " characters; a sub-workflow's name holds at most " + (Names.MAX_NAME - SUB_WORKFLOW.length()));
        }
        if (action != null && workflow != null) problem(t, "task '" + name + "' has both 'action' and 'workflow'; give one");
        Map<String, Object> input = plainMap(t.get("input"), "input");
        YamlNode join = t.get("join");
        Join joinSpec = null;
        if (join != null) {
            Object j = join.plain();
            if ("all".equals(j)) joinSpec = Join.ALL;
            else if ("one".equals(j)) joinSpec = Join.ONE;
            else if (j instanceof Number n && n.intValue() > 0) joinSpec = new Join(Join.Kind.COUNT, n.intValue());
            else problem(join, "join must be 'all', 'one' or a positive number, not '" + j + "'");
        }
        List<Transition> onSuccess = transitions(t, defaults, "on-success", name);
        List<Transition> onError = transitions(t, defaults, "on-error", name);
        List<Transition> onComplete = transitions(t, defaults, "on-complete", name);
        List<String> requires = type == WorkflowType.REVERSE ? stringList(pick(t, defaults, "requires"), "requires") : List.of();
        if (type == WorkflowType.DIRECT && t.get("requires") != null) problem(t.get("requires"), "'requires' is only for reverse workflows");
        requires = requires.stream().filter(r -> !r.equals(name)).toList();
        return new TaskSpec(
                name,
                optionalString(t, "description"),
                action,
                workflow,
                input,
                plainMap(t.get("publish"), "publish"),
                plainMap(t.get("publish-on-error"), "publish-on-error"),
                onSuccess,
                onError,
                onComplete,
                joinSpec,
                withItems(t.get("with-items")),
                plain(pick(t, defaults, "concurrency")),
                retry(pick(t, defaults, "retry")),
                plain(pick(t, defaults, "wait-before")),
                plain(pick(t, defaults, "wait-after")),
                plain(pick(t, defaults, "timeout")),
                plain(pick(t, defaults, "pause-before")),
                plain(pick(t, defaults, "fail-on")),
                booleanValue(t.get("keep-result"), true),
                booleanValue(pick(t, defaults, "pause-on-fail"), false),
                stringList(t.get("tags"), "tags"),
                requires,
                targetSelector(t.get("targets")),
                t.line(),
                t.column());
    }

    private static final Set<String> SELECTOR_KEYS = Set.of("labels", "kind");

    /** {@code targets}: a name, a list of names, or a mapping with labels and/or kind. */
    private Object targetSelector(YamlNode node) {
        if (node == null) return null;
        Object v = node.plain();
        if (v instanceof String s && !s.isBlank()) return s;
        if (v instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(x -> x instanceof String)) return v;
        if (node instanceof YamlNode.Mapping m) {
            unknownKeys(m, SELECTOR_KEYS, "targets");
            if (m.get("labels") != null && !(m.get("labels") instanceof YamlNode.Mapping)) problem(m.get("labels"), "'labels' must map label names to values");
            if (m.entries().isEmpty()) problem(m, "a target selector needs 'labels' or 'kind'");
            return v;
        }
        problem(node, "targets must be a target name, a list of names, or {labels: {...}, kind: ...}");
        return null;
    }

    /** A task's own value, or the workflow's task-defaults value when the task gives none. */
    private static YamlNode pick(YamlNode.Mapping task, Map<String, YamlNode> defaults, String key) {
        YamlNode own = task.get(key);
        return own != null ? own : defaults.get(key);
    }

    /** A clause inherited from task-defaults never sends a task to itself (Mistral does the same). */
    private List<Transition> transitions(YamlNode.Mapping task, Map<String, YamlNode> defaults, String key, String taskName) {
        if (task.get(key) != null) return clause(task.get(key), taskName);
        return clause(defaults.get(key), taskName).stream()
                .filter(tr -> !(tr instanceof Transition.GoTo go && go.task().equals(taskName)))
                .toList();
    }

    private static Object plain(YamlNode node) {
        return node == null ? null : node.plain();
    }

    private ActionCall call(YamlNode node) {
        if (node == null) return null;
        if (!(node.plain() instanceof String s) || s.isBlank()) {
            problem(node, "expected an action or workflow name (with optional inline parameters)");
            return null;
        }
        try {
            return InlineParams.parse(s);
        } catch (IllegalArgumentException e) {
            problem(node, e.getMessage());
            return null;
        }
    }

    private List<Transition> clause(YamlNode node, String taskName) {
        if (node == null) return List.of();
        List<Transition> out = new ArrayList<>();
        List<YamlNode> entries = node instanceof YamlNode.Sequence seq ? seq.items() : List.of(node);
        for (YamlNode entry : entries) {
            if (entry instanceof YamlNode.Scalar s && s.value() instanceof String str) {
                Transition tr = transition(str.trim(), null, s);
                if (tr != null) out.add(tr);
            } else if (entry instanceof YamlNode.Mapping m && m.entries().size() == 1) {
                var e = m.entries().entrySet().iterator().next();
                Transition tr = transition(e.getKey().trim(), e.getValue().plain(), m.keyNode(e.getKey()));
                if (tr != null) out.add(tr);
            } else {
                problem(entry, "a transition is a task name, 'name: <condition>', or fail/succeed/pause/noop");
            }
        }
        return out;
    }

    private Transition transition(String text, Object guard, YamlNode where) {
        Matcher cmd = COMMAND.matcher(text);
        if (cmd.matches()) {
            String msg = cmd.group(2) != null ? cmd.group(2) : cmd.group(3);
            Object message = msg == null ? null : InlineParams.literal(msg);
            return new Transition.Command(Transition.EngineCommand.of(cmd.group(1)), message == null ? null : String.valueOf(message), guard);
        }
        if (!text.matches("[A-Za-z0-9_.\\-]+")) {
            problem(where, "'" + text + "' is not a task name or an engine command (fail, succeed, pause, noop)");
            return null;
        }
        return new Transition.GoTo(text, guard, where.line(), where.column());
    }

    private List<WithItem> withItems(YamlNode node) {
        if (node == null) return List.of();
        List<YamlNode> entries = node instanceof YamlNode.Sequence seq ? seq.items() : List.of(node);
        List<WithItem> out = new ArrayList<>();
        for (YamlNode e : entries) {
            Matcher m = e.plain() instanceof String s ? WITH_ITEM.matcher(s) : null;
            if (m == null || !m.matches()) {
                problem(e, "with-items expects 'name in <list or expression>'");
                continue;
            }
            String expr = m.group(2);
            Object value = expr.startsWith("[") ? InlineParams.literal(expr) : expr;
            out.add(new WithItem(m.group(1), value));
        }
        return out;
    }

    private RetryPolicy retry(YamlNode node) {
        if (node == null) return null;
        YamlNode.Mapping m = mapping(node, "retry");
        if (m == null) return null;
        unknownKeys(m, RETRY_KEYS, "retry");
        if (m.get("count") == null) problem(m, "retry needs a 'count'");
        return new RetryPolicy(plain(m.get("count")), plain(m.get("delay")), plain(m.get("break-on")), plain(m.get("continue-on")));
    }

    private void action(String name, YamlNode node, Map<String, AdHocActionSpec> out) {
        YamlNode.Mapping a = mapping(node, "action '" + name + "'");
        if (a == null) return;
        if (name.length() > Names.MAX_NAME) {
            problem(node, "action name '" + Names.shown(name) + "' has " + name.length() + " characters; at most " + Names.MAX_NAME);
        }
        unknownKeys(a, ACTION_KEYS, "action '" + name + "'");
        ActionCall base = call(a.get("base"));
        if (base == null) {
            if (a.get("base") == null) problem(a, "action '" + name + "' needs a 'base' action");
            return;
        }
        Map<String, Object> baseInput = new LinkedHashMap<>(base.inlineParams());
        baseInput.putAll(plainMap(a.get("base-input"), "base-input"));
        out.put(name, new AdHocActionSpec(name, optionalString(a, "description"), base.name(), baseInput, inputParams(a.get("input")), plain(a.get("output")),
                stringList(a.get("tags"), "tags")));
    }

    private List<InputParam> inputParams(YamlNode node) {
        if (node == null) return List.of();
        if (!(node instanceof YamlNode.Sequence seq)) {
            problem(node, "input must be a list of names and 'name: default' entries");
            return List.of();
        }
        List<InputParam> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (YamlNode item : seq.items()) {
            InputParam p = null;
            if (item instanceof YamlNode.Scalar s && s.value() instanceof String str) {
                p = new InputParam(str, true, null);
            } else if (item instanceof YamlNode.Mapping m && m.entries().size() == 1) {
                var e = m.entries().entrySet().iterator().next();
                p = new InputParam(e.getKey(), false, e.getValue().plain());
            } else {
                problem(item, "an input is a name or a single 'name: default' entry");
            }
            if (p != null) {
                if (!seen.add(p.name())) problem(item, "input '" + p.name() + "' is declared twice");
                else out.add(p);
            }
        }
        return out;
    }

    private Map<String, Object> plainMap(YamlNode node, String what) {
        if (node == null) return Map.of();
        if (node instanceof YamlNode.Mapping m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m.plain();
            return map;
        }
        if (node instanceof YamlNode.Scalar s && s.value() == null) return Map.of();
        problem(node, "'" + what + "' must be a mapping");
        return Map.of();
    }

    private List<String> stringList(YamlNode node, String what) {
        if (node == null) return List.of();
        if (node instanceof YamlNode.Scalar s && s.value() instanceof String str) return List.of(str);
        if (node instanceof YamlNode.Sequence seq) {
            List<String> out = new ArrayList<>();
            for (YamlNode item : seq.items()) {
                if (item.plain() instanceof String str) out.add(str);
                else problem(item, "'" + what + "' entries must be strings");
            }
            return out;
        }
        problem(node, "'" + what + "' must be a list of strings");
        return List.of();
    }

    private boolean booleanValue(YamlNode node, boolean otherwise) {
        if (node == null) return otherwise;
        if (node.plain() instanceof Boolean b) return b;
        problem(node, "expected true or false");
        return otherwise;
    }

    private String optionalString(YamlNode.Mapping m, String key) {
        YamlNode n = m.get(key);
        if (n == null || n.plain() == null) return null;
        if (n.plain() instanceof String s) return s;
        problem(n, "'" + key + "' must be a string");
        return null;
    }

    private YamlNode.Mapping mapping(YamlNode node, String what) {
        if (node instanceof YamlNode.Mapping m) return m;
        problem(node, "'" + what + "' must be a mapping");
        return null;
    }

    private void unknownKeys(YamlNode.Mapping m, Set<String> allowed, String where) {
        for (String key : m.entries().keySet()) {
            if (!allowed.contains(key)) problem(m.keyNode(key), "unknown key '" + key + "' in " + where + " (allowed: " + sorted(allowed) + ")");
        }
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", keys.stream().sorted().toList());
    }

    private void problem(YamlNode where, String message) {
        problems.add(new Problem(where.line(), where.column(), where.path(), message));
    }

    @SafeVarargs
    private static List<Transition> concat(List<Transition>... lists) {
        List<Transition> out = new ArrayList<>();
        for (List<Transition> l : lists) out.addAll(l);
        return out;
    }
}
