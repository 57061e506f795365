package io.trailboss.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.trailboss.api.Access;
import io.trailboss.api.Visibility;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.ConflictException;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.json.Json;
import io.trailboss.model.Job;
import io.trailboss.operation.FormException;
import io.trailboss.operation.Operation;
import io.trailboss.operation.TargetRun;
import io.trailboss.store.TargetStore;
import io.trailboss.target.EffectiveParam;
import io.trailboss.model.Target;
import io.trailboss.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The target tree with search, a target's page, and the operation form (a dialog, or a page without JavaScript). */
final class TargetPages {
    private final Trailboss tb;

    TargetPages(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/ui/targets", this::tree, Access.VIEWER);
        r.get("/ui/targets/{name}", this::target, Access.VIEWER);
        r.get("/ui/targets/{name}/operations/{op}", ctx -> form(ctx, Map.of(), Map.of(), null, 200), Access.VIEWER);
        r.post("/ui/targets/{name}/operations/{op}", this::run, Access.OPERATOR);
    }

    private void tree(Context ctx) {
        String search = Ui.q(ctx, "q");
        String parent = Ui.q(ctx, "parent");
        int limit = Ui.intParam(ctx, "limit", 50, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Visibility sight = Visibility.of(ctx);
        List<TargetStore.Node> nodes;
        long total;
        List<String> path = List.of();
        if (search != null) {
            nodes = tb.targets().search(search, sight.targetScope(), limit, offset);
            total = tb.targets().countSearch(search, sight.targetScope());
        } else {
            if (parent != null && !sight.seesTarget(parent)) throw io.trailboss.target.TargetException.notFound("target '" + parent + "' does not exist");
            nodes = tb.targets().level(parent, sight.targetScope(), limit, offset);
            total = tb.targets().countLevel(parent, sight.targetScope());
            if (parent != null) path = path(tb.targets().get(parent), sight);
        }
        List<List<Cell>> rows = new ArrayList<>();
        for (TargetStore.Node n : nodes) {
            Target t = n.target();
            rows.add(List.of(Cell.link(t.name(), "/ui/targets/" + Ui.enc(t.name())), Cell.of(t.kind()),
                    n.children() == 0 ? Cell.of("") : Cell.link(n.children() + " ▸", "/ui/targets?parent=" + Ui.enc(t.name())),
                    Cell.of(t.stage()), Cell.of(labels(t))));
        }
        String base = "/ui/targets?" + (search != null ? "q=" + Ui.enc(search) : parent != null ? "parent=" + Ui.enc(parent) : "");
        Ui.page(ctx, "targets.jte", Ui.params("chrome", Ui.chrome(ctx, "Targets", "targets"), "search", search == null ? "" : search,
                "path", path, "table", new Table(List.of("name", "kind", "children", "stage", "labels"), rows),
                "pager", new Pager(base, limit, offset, total, false, rows.size())));
    }

    /** The way from the root (or, for a reader with scoped grants, from the top of what it sees) down to {@code t}. */
    private List<String> path(Target t, Visibility sight) {
        List<String> out = new ArrayList<>();
        Target cursor = t;
        for (int i = 0; cursor != null && i < 32 && sight.seesTarget(cursor.id()); i++) {
            out.addFirst(cursor.name());
            cursor = cursor.parentId() == null ? null : tb.targets().find(cursor.parentId()).orElse(null);
        }
        return out;
    }

    private static String labels(Target t) {
        StringBuilder s = new StringBuilder();
        t.labels().forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return s.toString();
    }

    private void target(Context ctx) {
        Target t = tb.targets().get(ctx.pathParam("name"));
        List<TargetView.Param> params = new ArrayList<>();
        for (Map.Entry<String, EffectiveParam> e : tb.targets().effective(t.name()).entrySet()) {
            EffectiveParam p = e.getValue();
            params.add(new TargetView.Param(e.getKey(), p.secret() ? Targets.MASK : Json.write(p.value()), p.source(), p.secret()));
        }
        Map<String, Object> life = tb.lifecycles().view(t.name());
        Boolean runnable = (Boolean) life.get("runnable");
        List<TargetRun> open = tb.runs().openOn(t.name());
        String busy = open.isEmpty() ? null
                : open.getFirst().kind().name().toLowerCase() + " '" + open.getFirst().name() + "' is " + open.getFirst().state();
        List<TargetView.Op> ops = new ArrayList<>();
        for (Operation op : tb.operations().list(t.kind())) {
            String why = busy != null ? "a run is open: " + busy : Boolean.FALSE.equals(runnable) ? "the target is not runnable" : null;
            ops.add(new TargetView.Op(op.name(), op.workflow(), op.description(), why == null, why));
        }
        List<List<Cell>> runRows = new ArrayList<>();
        for (TargetRun run : tb.runs().onTarget(t.name(), 20, 0)) {
            runRows.add(List.of(Cell.of(run.kind().name().toLowerCase()), Cell.of(run.name()), Cell.state(run.state().name()),
                    run.executionId() == null ? Cell.of("") : Cell.link(run.executionId(), "/ui/executions/" + run.executionId()),
                    Cell.of(run.requestedBy()), Cell.of(Ui.time(run.createdAt())), Cell.of(Ui.time(run.finishedAt()))));
        }
        int limit = Ui.intParam(ctx, "limit", 20, 1, 500);
        int offset = Ui.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        // one more than shown tells whether a next page exists without counting the target's whole history
        List<Job> jobs = tb.queries().jobsOnTarget(t.name(), limit + 1, offset);
        List<List<Cell>> jobRows = new ArrayList<>();
        for (Job j : jobs.subList(0, Math.min(limit, jobs.size()))) {
            jobRows.add(List.of(Cell.link(j.id(), "/ui/jobs/" + j.id()), Cell.of(j.action()), Cell.state(j.state().name()),
                    Cell.of(j.exitCode()), Cell.link(j.executionId(), "/ui/executions/" + j.executionId()), Cell.of(Ui.time(j.startedAt())),
                    Cell.of(Ui.duration(j.startedAt(), j.finishedAt()))));
        }
        Pager jobPager = new Pager("/ui/targets/" + Ui.enc(t.name()), limit, offset, offset + jobs.size(), jobs.size() > limit, jobRows.size());
        String parent = tb.targets().parentName(t);
        // a parent out of the reader's sight is not linked (its page would answer not found)
        TargetView v = new TargetView(t.name(), t.kind(), parent != null && Visibility.of(ctx).seesTarget(parent) ? parent : null, path(t, Visibility.of(ctx)), t.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                t.profiles(), params, (String) life.get("stage"), (String) life.get("state"), (String) life.get("state_info"), runnable, ops, busy,
                new Table(List.of("kind", "name", "state", "execution", "by", "created", "finished"), runRows),
                new Table(List.of("job", "action", "state", "exit", "execution", "started", "took"), jobRows), jobPager);
        Ui.page(ctx, "target.jte", Ui.params("chrome", Ui.chrome(ctx, t.name(), "targets"), "t", v));
    }

    private void form(Context ctx, Map<String, String> given, Map<String, String> errors, String error, int status) {
        Target t = tb.targets().get(ctx.pathParam("name"));
        Operation op = tb.operations().get(ctx.pathParam("op"));
        Chrome chrome = Ui.chrome(ctx, op.name() + " on " + t.name(), "targets");
        FormView form = new FormView("operation-form", op.name() + " on " + t.name(), "/ui/targets/" + Ui.enc(t.name()) + "/operations/" + Ui.enc(op.name()),
                FormFields.operationFields(tb.operations().form(op), given, errors), error, "Run", chrome.csrf());
        ctx.status(status);
        if (Ui.htmx(ctx)) Ui.page(ctx, "form.jte", Ui.params("f", form, "description", op.description()));
        else Ui.page(ctx, "formPage.jte", Ui.params("chrome", chrome, "f", form, "description", op.description(), "back", "/ui/targets/" + Ui.enc(t.name())));
    }

    private void run(Context ctx) {
        Map<String, String> posted = FormFields.posted(ctx);
        try {
            TargetRun run = tb.runs().runOperation(ctx.pathParam("name"), ctx.pathParam("op"),
                    operationInput(tb.operations().form(tb.operations().get(ctx.pathParam("op"))), posted), false, Ui.actor(ctx));
            String next = run.executionId() != null ? "/ui/executions/" + run.executionId() : "/ui/targets/" + Ui.enc(ctx.pathParam("name"));
            if (Ui.htmx(ctx)) {
                ctx.header("HX-Redirect", next);
                ctx.status(204);
            } else {
                ctx.redirect(next, HttpStatus.SEE_OTHER);
            }
        } catch (FormException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(fe -> errors.merge(fe.field(), fe.message(), (a, b) -> a + "; " + b));
            form(ctx, posted, errors, "Some fields need attention.", 422);
        } catch (ConflictException | InvalidInputException e) {
            form(ctx, posted, Map.of(), e.getMessage(), 409);
        }
    }

    /** The posted text as the form's input: empty fields are left out so that the workflow's default applies. */
    private static Map<String, Object> operationInput(List<io.trailboss.operation.FieldSpec> specs, Map<String, String> posted) {
        Map<String, Object> input = FormFields.answers(posted);
        for (io.trailboss.operation.FieldSpec f : specs) {
            // a list is typed one item per line
            if (f.type() == io.trailboss.operation.FieldSpec.Type.LIST && input.get(f.name()) instanceof String text) {
                input.put(f.name(), text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
            }
        }
        return input;
    }
}
