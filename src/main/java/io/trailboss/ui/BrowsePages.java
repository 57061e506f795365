package io.trailboss.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.trailboss.agent.AgentToken;
import io.trailboss.api.Access;
import io.trailboss.api.Visibility;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.StartRequest;
import io.trailboss.graph.WorkflowGraph;
import io.trailboss.manual.Inbox;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.Workflow;
import io.trailboss.operation.FieldSpec;
import io.trailboss.operation.FormException;
import io.trailboss.store.ExecutionStore;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Executions, the inbox, workflows (YAML, validation in place, start form) and agents. */
final class BrowsePages {
    /** Counting more rows than this for a page costs more than the page: beyond it the page says "10,000+". */
    static final int COUNT_CAP = 10_000;

    private final Trailboss tb;
    private final ExecutionPages executions;

    BrowsePages(Trailboss tb, ExecutionPages executions) {
        this.tb = tb;
        this.executions = executions;
    }

    void register(RoutesConfig r) {
        r.get("/ui", ctx -> ctx.redirect("/ui/executions"), Access.VIEWER);
        r.get("/ui/executions", this::executionList, Access.VIEWER);
        r.get("/ui/inbox", this::inbox, Access.VIEWER);
        r.get("/ui/workflows", this::workflows, Access.VIEWER);
        r.get("/ui/workflows/{name}", ctx -> workflow(ctx, null, null, Map.of(), Map.of(), null, 200), Access.VIEWER);
        r.post("/ui/workflows/{name}/validate", ctx -> {
            String yaml = ctx.formParam("definition");
            try {
                tb.catalog().validate(yaml == null ? "" : yaml);
                workflow(ctx, yaml, List.of(), Map.of(), Map.of(), "valid", 200);
            } catch (DefinitionException e) {
                workflow(ctx, yaml, e.problems(), Map.of(), Map.of(), null, 422);
            }
        }, Access.OPERATOR);
        r.post("/ui/workflows/{name}/save", ctx -> {
            String yaml = ctx.formParam("definition");
            try {
                List<Workflow> saved = tb.catalog().createOrUpdate(yaml == null ? "" : yaml);
                String name = saved.stream().map(Workflow::name).filter(n -> n.equals(ctx.pathParam("name"))).findFirst().orElse(saved.getFirst().name());
                ctx.redirect("/ui/workflows/" + Ui.enc(name), HttpStatus.SEE_OTHER);
            } catch (DefinitionException e) {
                workflow(ctx, yaml, e.problems(), Map.of(), Map.of(), null, 422);
            }
        }, Access.OPERATOR);
        r.post("/ui/workflows/{name}/start", this::start, Access.OPERATOR);
        r.get("/ui/agents", this::agents, Access.VIEWER);
    }

    // ------------------------------------------------------------------ executions

    private void executionList(Context ctx) {
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String workflow = Ui.q(ctx, "workflow");
        String state = Ui.q(ctx, "state");
        ExecutionState st = null;
        if (state != null) {
            try {
                st = ExecutionState.valueOf(state.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                state = null;
            }
        }
        Long after = day(Ui.q(ctx, "from"), 0);
        Long before = day(Ui.q(ctx, "to"), 1);
        ExecutionStore.Filter filter = Visibility.of(ctx).executions(new ExecutionStore.Filter(workflow, st, after, before, null));
        List<Execution> list = tb.queries().executions(filter, limit, offset, true);
        List<List<Cell>> rows = new ArrayList<>();
        for (Execution e : list) {
            rows.add(List.of(Cell.link(e.id(), "/ui/executions/" + e.id()), Cell.link(e.workflowName(), "/ui/workflows/" + Ui.enc(e.workflowName())),
                    Cell.state(e.state().name()), Cell.of(Ui.time(e.createdAt())), Cell.of(Ui.duration(e.createdAt(), e.finishedAt())),
                    Cell.of(e.description())));
        }
        Count count = capped(list.size(), offset, limit, () -> tb.queries().countExecutionsUpTo(filter, COUNT_CAP + 1));
        String base = "/ui/executions?workflow=" + Ui.enc(workflow) + "&state=" + Ui.enc(state) + "&from=" + Ui.enc(Ui.q(ctx, "from")) + "&to=" + Ui.enc(Ui.q(ctx, "to"));
        List<String> states = new ArrayList<>();
        states.add("");
        Arrays.stream(ExecutionState.values()).map(Enum::name).forEach(states::add);
        ListView v = new ListView(Ui.chrome(ctx, "Executions", "executions"), "Executions", null, "/ui/executions",
                List.of(FilterField.text("workflow", "workflow", workflow), FilterField.choice("state", "state", state, states),
                        FilterField.date("from", "from", Ui.q(ctx, "from")), FilterField.date("to", "to", Ui.q(ctx, "to"))),
                new Table(List.of("execution", "workflow", "state", "created", "took", "description"), rows),
                new Pager(base, limit, offset, count.total(), count.capped(), rows.size()), "No executions match.");
        Ui.page(ctx, "list.jte", Ui.params("v", v));
    }

    /** A total that is exact when small, and a lower bound ("10,000+") when counting would cost more than the page. */
    record Count(long total, boolean capped) {}

    /**
     * The first page of fewer rows than the limit tells the total without a count; otherwise the count runs
     * only while the offset is below the cap, so deep pages of a large table stay cheap.
     */
    static Count capped(int shown, int offset, int limit, java.util.function.LongSupplier count) {
        if (shown < limit) return new Count(offset + shown, false);
        if (offset + limit >= COUNT_CAP) return new Count(offset + shown, true);
        long n = count.getAsLong();
        return n > COUNT_CAP ? new Count(COUNT_CAP, true) : new Count(n, false);
    }

    private static Long day(String date, int plusDays) {
        if (date == null) return null;
        try {
            return LocalDate.parse(date).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ inbox

    private void inbox(Context ctx) {
        int limit = Ui.intParam(ctx, "limit", 20, 1, 200);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Chrome chrome = Ui.chrome(ctx, "Inbox", "inbox");
        Inbox.Page page = Visibility.of(ctx).inbox(tb.inbox(), limit, offset);
        List<StepView> steps = new ArrayList<>();
        List<PromptView> prompts = new ArrayList<>();
        for (Inbox.Item item : page.items()) {
            if (item.manual()) steps.add(ExecutionPages.step(item, chrome.csrf(), Map.of(), Map.of(), null));
            else prompts.add(ExecutionPages.prompt(item, chrome.csrf()));
        }
        Ui.page(ctx, "inbox.jte", Ui.params("chrome", chrome, "steps", steps, "prompts", prompts,
                "pager", new Pager("/ui/inbox", limit, offset, page.total(), false, page.items().size())));
    }

    // ------------------------------------------------------------------ workflows

    private void workflows(Context ctx) {
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        List<List<Cell>> rows = new ArrayList<>();
        for (Workflow w : tb.catalog().list(limit, offset)) {
            rows.add(List.of(Cell.link(w.name(), "/ui/workflows/" + Ui.enc(w.name())), Cell.of(w.inputSummary()), Cell.of(String.join(", ", w.tags())),
                    Cell.of(w.description()), Cell.of(Ui.time(w.updatedAt()))));
        }
        ListView v = new ListView(Ui.chrome(ctx, "Workflows", "workflows"), "Workflows", null, null, List.of(),
                new Table(List.of("name", "input", "tags", "description", "updated"), rows),
                new Pager("/ui/workflows", limit, offset, tb.catalog().count(), false, rows.size()), "No workflows yet.");
        Ui.page(ctx, "list.jte", Ui.params("v", v));
    }

    /** {@code yaml} non-null: an edited text with its {@code problems} (empty: valid), shown in place. */
    private void workflow(Context ctx, String yaml, List<DefinitionException.Problem> problems, Map<String, String> given,
            Map<String, String> errors, String note, int status) {
        String name = ctx.pathParam("name");
        Workflow w = tb.catalog().find(name).orElseThrow(() -> new NotFoundException("workflow '" + name + "' does not exist"));
        WorkflowSpec spec = tb.catalog().spec(w);
        String text = yaml != null ? yaml : tb.catalog().source(w);
        List<WorkflowPage.Line> lines = new ArrayList<>();
        Map<Integer, List<DefinitionException.Problem>> byLine = new LinkedHashMap<>();
        List<String> unplaced = new ArrayList<>();
        for (DefinitionException.Problem p : problems == null ? List.<DefinitionException.Problem>of() : problems) {
            if (p.line() > 0) byLine.computeIfAbsent(p.line(), k -> new ArrayList<>()).add(p);
            else unplaced.add(p.toString());
        }
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            List<String> notes = byLine.getOrDefault(n, List.of()).stream()
                    .map(p -> "column " + p.column() + (p.path() == null || p.path().isEmpty() ? "" : " (" + p.path() + ")") + ": " + p.message()).toList();
            lines.add(new WorkflowPage.Line(n, line, notes));
        }
        for (Map.Entry<Integer, List<DefinitionException.Problem>> e : byLine.entrySet()) {
            if (e.getKey() > n) e.getValue().forEach(p -> unplaced.add(p.toString()));
        }
        Chrome chrome = Ui.chrome(ctx, w.name(), "workflows");
        List<FieldSpec> specs = io.trailboss.operation.Forms.form(spec, Map.of());
        FormView start = new FormView("start-form", "Start " + w.name(), "/ui/workflows/" + Ui.enc(w.name()) + "/start",
                FormFields.operationFields(specs, given, errors), errors.isEmpty() ? null : "Some fields need attention.", "Start", chrome.csrf());
        String graph = WorkflowGraph.render(spec, WorkflowGraph.Format.MERMAID);
        int problemCount = problems == null ? 0 : problems.size();
        WorkflowPage page = new WorkflowPage(w.name(), w.description(), String.join(", ", w.tags()), text, lines, unplaced, problemCount, note,
                yaml != null, graph, start);
        ctx.status(status);
        Ui.page(ctx, "workflow.jte", Ui.params("chrome", chrome, "w", page));
    }

    private void start(Context ctx) {
        String name = ctx.pathParam("name");
        Workflow w = tb.catalog().find(name).orElseThrow(() -> new NotFoundException("workflow '" + name + "' does not exist"));
        List<FieldSpec> specs = io.trailboss.operation.Forms.form(tb.catalog().spec(w), Map.of());
        Map<String, String> posted = FormFields.posted(ctx);
        try {
            Map<String, Object> input = io.trailboss.operation.Forms.check(specs, FormFields.answers(posted));
            Execution e = tb.engine().start(new StartRequest(w.name(), input, Map.of(), "started from the web UI by " + Ui.actor(ctx), null, null));
            if (Ui.htmx(ctx)) {
                ctx.header("HX-Redirect", "/ui/executions/" + e.id());
                ctx.status(204);
            } else {
                ctx.redirect("/ui/executions/" + e.id(), HttpStatus.SEE_OTHER);
            }
        } catch (FormException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(fe -> errors.merge(fe.field(), fe.message(), (a, b) -> a + "; " + b));
            workflow(ctx, null, null, posted, errors, null, 422);
        } catch (InvalidInputException e) {
            workflow(ctx, null, null, posted, Map.of(e.field() == null ? "_" : e.field(), e.getMessage()), null, 422);
        }
    }

    // ------------------------------------------------------------------ agents

    private void agents(Context ctx) {
        if (!Visibility.of(ctx).all()) {
            // agents serve every target, and their tokens are an admin's to issue: a reader with scoped grants sees
            // none of them (their scopes and running jobs name targets out of its sight)
            ExecutionPages.message(ctx, 403, "the agents page is for readers with a global grant: your grants are scoped to targets");
            return;
        }
        List<List<Cell>> rows = new ArrayList<>();
        long now = tb.engine().clock().millis();
        long lease = tb.agents().lease().toMillis();
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        List<AgentToken> tokens = tb.agents().tokens().list();
        List<AgentToken> shown = tokens.subList(Math.min(offset, tokens.size()), Math.min(offset + limit, tokens.size()));
        for (AgentToken a : shown) {
            List<Job> jobs = a.revoked() ? List.of() : tb.queries().runningOn(a.runner(), 20);
            String status = a.revoked() ? "REVOKED" : a.lastSeenAt() != null && now - a.lastSeenAt() <= lease ? "CONNECTED" : "IDLE";
            StringBuilder scope = new StringBuilder(String.join(", ", a.targets()));
            a.labels().forEach((k, v) -> scope.append(scope.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            rows.add(List.of(Cell.of(a.name()), Cell.state(status), Cell.of(scope), Cell.of(Ui.time(a.lastSeenAt())),
                    jobs.isEmpty() ? Cell.of("") : Cell.link(jobs.size() + " running: " + String.join(", ", jobs.stream().map(j -> j.target() == null ? j.id() : j.target()).toList()),
                            "/ui/jobs/" + jobs.getFirst().id())));
        }
        ListView v = new ListView(Ui.chrome(ctx, "Agents", "agents"), "Agents",
                "An agent is connected when it called within its lease (" + (lease / 1000) + " s).", null, List.of(),
                new Table(List.of("agent", "status", "targets and labels", "last seen", "current jobs"), rows),
                new Pager("/ui/agents", limit, offset, tokens.size(), false, rows.size()), "No agent tokens issued.");
        Ui.page(ctx, "list.jte", Ui.params("v", v));
    }
}
