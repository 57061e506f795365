package io.trailboss.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trailboss.api.Access;
import io.trailboss.api.Visibility;
import io.trailboss.app.Trailboss;
import io.trailboss.definition.WorkflowSpec;
import io.trailboss.engine.ConflictException;
import io.trailboss.engine.ControlReport;
import io.trailboss.engine.ControlRequest;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.engine.TaskContexts;
import io.trailboss.engine.TaskControl;
import io.trailboss.expr.Playground;
import io.trailboss.graph.WorkflowGraph;
import io.trailboss.json.Json;
import io.trailboss.manual.AnswersException;
import io.trailboss.manual.Inbox;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.JobLogStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The execution page (graph, tasks, jobs, logs, controls with their dry runs, manual steps) and the job page. */
final class ExecutionPages {
    /** Execution controls; task controls are {@link TaskControl}'s words. */
    static final List<String> EXECUTION_CONTROLS = List.of("pause", "resume", "cancel");

    private final Trailboss tb;
    private final TaskContexts contexts;
    private final Playground playground = new Playground();

    ExecutionPages(Trailboss tb) {
        this.tb = tb;
        this.contexts = new TaskContexts(tb.engine());
    }

    void register(RoutesConfig r) {
        r.get("/ui/executions/{id}", this::page, Access.VIEWER);
        r.get("/ui/executions/{id}/state", ctx -> Ui.page(ctx, "executionState.jte", Ui.params("x", view(execution(ctx), Visibility.of(ctx)))), Access.VIEWER);
        r.get("/ui/executions/{id}/steps", ctx -> {
            Execution e = execution(ctx);
            Chrome chrome = Ui.chrome(ctx, "", "executions");
            Visibility sight = Visibility.of(ctx);
            Ui.page(ctx, "steps.jte", Ui.params("steps", steps(e.id(), chrome.csrf(), sight), "prompts", prompts(e.id(), chrome.csrf(), sight), "back", back(e.id())));
        }, Access.VIEWER);
        r.post("/ui/executions/{id}/preview", ctx -> control(ctx, true), Access.OPERATOR);
        r.post("/ui/executions/{id}/control", ctx -> control(ctx, false), Access.OPERATOR);
        // reads only (a reader's tool, like the API's playground): a viewer may evaluate
        r.post("/ui/executions/{id}/evaluate", this::evaluate, Access.VIEWER);
        r.get("/ui/jobs/{id}", ctx -> {
            Job job = job(ctx.pathParam("id"));
            Ui.page(ctx, "job.jte", Ui.params("chrome", Ui.chrome(ctx, "Job " + job.id(), "executions"), "job", jobRow(job), "log", log(job),
                    "executionId", job.executionId()));
        }, Access.VIEWER);
        r.get("/ui/jobs/{id}/log", ctx -> Ui.page(ctx, "log.jte", Ui.params("log", log(job(ctx.pathParam("id"))))), Access.VIEWER);
        r.post("/ui/manual/{job}/complete", this::complete, Access.OPERATOR);
        r.post("/ui/manual/{job}/fail", ctx -> {
            String jobId = ctx.pathParam("job");
            String reason = ctx.formParam("reason");
            try {
                Job j = tb.inbox().fail(jobId, reason == null || reason.isBlank() ? "failed from the web UI" : reason.strip(), Ui.actor(ctx));
                done(ctx, j.executionId(), "Step failed.");
            } catch (ConflictException | NotFoundException e) {
                message(ctx, 409, e.getMessage());
            }
        }, Access.OPERATOR);
        r.post("/ui/prompts/{id}/answer", ctx -> {
            String text = ctx.formParam("text");
            try {
                var p = tb.inbox().answer(ctx.pathParam("id"), text == null ? "" : text, Ui.actor(ctx));
                done(ctx, p.executionId(), "Answer sent.");
            } catch (ConflictException | NotFoundException | InvalidInputException e) {
                message(ctx, 409, e.getMessage());
            }
        }, Access.OPERATOR);
    }

    private void page(Context ctx) {
        Execution e = execution(ctx);
        Chrome chrome = Ui.chrome(ctx, e.workflowName() + " · " + e.id(), "executions");
        Visibility sight = Visibility.of(ctx);
        ExecutionView x = view(e, sight);
        List<String> taskNames = x.tasks().stream().map(ExecutionView.TaskRow::name).distinct().toList();
        // the log panel starts on the job asked for (one of this execution's, in the reader's sight), else the newest
        // started job that writes a log (not a manual step)
        String logJob = Ui.q(ctx, "job");
        LogView log = null;
        if (logJob != null) log = tb.queries().job(logJob).filter(j -> j.executionId().equals(e.id()) && sight.seesJob(j)).map(this::log).orElse(null);
        if (log == null) {
            log = x.tasks().stream().flatMap(t -> t.jobs().stream()).filter(j -> !j.started().isEmpty() && !"manual".equals(j.action()))
                    .max(Comparator.comparing(ExecutionView.JobRow::started)).flatMap(j -> tb.queries().job(j.id())).map(this::log).orElse(null);
        }
        List<String> controls = new ArrayList<>(EXECUTION_CONTROLS);
        Ui.page(ctx, "execution.jte", Ui.params("chrome", chrome, "x", x, "steps", steps(e.id(), chrome.csrf(), sight), "prompts", prompts(e.id(), chrome.csrf(), sight),
                "log", log, "taskControls", taskControls(), "executionControls", controls, "taskNames", taskNames));
    }

    static List<String> taskControls() {
        List<String> out = new ArrayList<>();
        for (TaskControl c : TaskControl.values()) if (c != TaskControl.RELEASE) out.add(c.wire());
        return out;
    }

    /** The execution as the page draws it; jobs out of the reader's sight (on targets its grants do not reach) are left out. */
    ExecutionView view(Execution e, Visibility sight) {
        List<TaskExecution> tasks = new ArrayList<>(tb.queries().tasks(e.id()));
        tasks.sort(Comparator.comparingLong(TaskExecution::seq));
        List<ExecutionView.TaskRow> rows = new ArrayList<>();
        Map<String, ExecutionState> states = new LinkedHashMap<>();
        for (TaskExecution t : tasks) {
            states.put(t.name(), t.state());
            List<ExecutionView.JobRow> jobs = sight.jobs(tb.queries().jobs(t.id())).stream().map(this::jobRow).toList();
            rows.add(new ExecutionView.TaskRow(t.id(), t.name(), t.state().name(), t.stateInfo(), Ui.time(t.createdAt()), Ui.time(t.startedAt()),
                    Ui.time(t.finishedAt()), t.attempt() + 1, jobs));
        }
        String mermaid;
        try {
            WorkflowSpec spec = tb.engine().jdbi().withHandle(h -> tb.engine().definitions().document(h, e.sourceSha())).workflow(e.workflowName());
            mermaid = WorkflowGraph.render(spec, WorkflowGraph.Format.MERMAID, states, e.workflowName() + " · " + e.state());
        } catch (RuntimeException ex) {
            mermaid = null;
        }
        return new ExecutionView(e.id(), e.workflowName(), e.state().name(), e.stateInfo(), e.description(), Ui.time(e.createdAt()),
                Ui.time(e.finishedAt()), Ui.duration(e.createdAt(), e.finishedAt()), e.parentJobId(), mermaid, rows, e.state().isFinal());
    }

    private ExecutionView.JobRow jobRow(Job j) {
        String error = j.error();
        if (error != null && j.target() != null) error = String.valueOf(io.trailboss.engine.Secrets.mask(error, tb.engine().secretsOf(j.target())));
        return new ExecutionView.JobRow(j.id(), j.action(), j.state().name(), j.target(), j.runner(), j.exitCode() == null ? "" : String.valueOf(j.exitCode()),
                Ui.time(j.startedAt()), Ui.time(j.finishedAt()), error, j.childExecutionId());
    }

    LogView log(Job job) {
        List<JobLogStore.Chunk> chunks = tb.engine().jobLogs().read(job.id(), 0);
        StringBuilder text = new StringBuilder();
        int last = -1;
        for (JobLogStore.Chunk c : chunks) {
            text.append(c.text());
            last = c.seq();
        }
        String task = tb.queries().task(job.taskExecutionId()).map(TaskExecution::name).orElse("");
        return new LogView(job.id(), task, job.state().name(), text.toString(), last, job.state().isFinal());
    }

    List<StepView> steps(String executionId, String csrf, Visibility sight) {
        List<StepView> out = new ArrayList<>();
        for (Inbox.Item item : sight.inbox(tb.inbox(), 500, 0).items()) {
            if (item.manual() && executionId.equals(item.row().executionId())) out.add(step(item, csrf, Map.of(), Map.of(), null));
        }
        return out;
    }

    List<PromptView> prompts(String executionId, String csrf, Visibility sight) {
        List<PromptView> out = new ArrayList<>();
        for (Inbox.Item item : sight.inbox(tb.inbox(), 500, 0).items()) {
            if (!item.manual() && executionId.equals(item.row().executionId())) out.add(prompt(item, csrf));
        }
        return out;
    }

    static PromptView prompt(Inbox.Item item, String csrf) {
        var w = item.row();
        return new PromptView(w.id(), w.jobId(), w.executionId(), w.workflow(), w.taskName(), w.target(), Ui.time(w.since()), w.body(), csrf, null);
    }

    static StepView step(Inbox.Item item, String csrf, Map<String, String> given, Map<String, String> errors, String error) {
        var w = item.row();
        FormView form = new FormView("step-" + w.jobId(), null, "/ui/manual/" + w.jobId() + "/complete",
                FormFields.manualFields(item.form().fields(), given, errors), error, "Complete", csrf);
        return new StepView(w.jobId(), w.executionId(), w.workflow(), w.taskName(), w.target(), Ui.time(w.since()), Markdown.html(item.instructions()), form);
    }

    private void complete(Context ctx) {
        String jobId = ctx.pathParam("job");
        Map<String, String> posted = FormFields.posted(ctx);
        try {
            Job j = tb.inbox().complete(jobId, FormFields.answers(posted), Ui.actor(ctx));
            done(ctx, j.executionId(), "Step completed.");
        } catch (AnswersException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            for (var fe : e.errors()) errors.merge(fe.field(), fe.message(), (a, b) -> a + "; " + b);
            Inbox.Step s = tb.inbox().step(jobId);
            Chrome chrome = Ui.chrome(ctx, "Manual step", "inbox");
            String task = tb.queries().task(s.job().taskExecutionId()).map(TaskExecution::name).orElse("");
            String unknown = errors.keySet().stream().filter(k -> s.form().fields().stream().noneMatch(f -> f.name().equals(k)))
                    .map(k -> k + ": " + errors.get(k)).reduce((a, b) -> a + "; " + b).orElse(null);
            FormView form = new FormView("step-" + jobId, null, "/ui/manual/" + jobId + "/complete", FormFields.manualFields(s.form().fields(), posted, errors),
                    unknown == null ? "Some answers do not fit the form." : unknown, "Complete", chrome.csrf());
            StepView step = new StepView(jobId, s.job().executionId(), null, task, s.job().target(), Ui.time(s.job().startedAt()), Markdown.html(s.instructions()), form);
            ctx.status(422);
            if (Ui.htmx(ctx)) Ui.page(ctx, "step.jte", Ui.params("s", step));
            else Ui.page(ctx, "stepPage.jte", Ui.params("chrome", chrome, "s", step));
        } catch (ConflictException | NotFoundException e) {
            message(ctx, 409, e.getMessage());
        }
    }

    /** After an action: htmx gets a short message (the live stream redraws the rest); a plain form goes back to the execution. */
    private static void done(Context ctx, String executionId, String text) {
        if (Ui.htmx(ctx)) Ui.page(ctx, "message.jte", Ui.params("text", text, "error", false));
        else ctx.redirect(back(executionId), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    static void message(Context ctx, int status, String text) {
        ctx.status(status == 409 && Ui.htmx(ctx) ? 422 : status);
        if (Ui.htmx(ctx)) Ui.page(ctx, "message.jte", Ui.params("text", text, "error", true));
        else Ui.page(ctx, "messagePage.jte", Ui.params("chrome", Ui.chrome(ctx, "Refused", null), "text", text));
    }

    private static String back(String executionId) {
        return "/ui/executions/" + executionId;
    }

    // ------------------------------------------------------------------ expressions

    /** An expression over a task of the execution (or its final context), as the engine evaluates it; changes nothing. */
    private void evaluate(Context ctx) {
        Execution e = execution(ctx);
        String expression = ctx.formParam("expression");
        String language = ctx.formParam("language");
        String task = ctx.formParam("task");
        expression = expression == null ? "" : expression;
        language = language == null || language.isBlank() ? "yaql" : language.strip();
        task = task == null ? "" : task.strip();
        String result = null;
        String error = null;
        int status = 200;
        if (expression.isBlank()) {
            error = "type an expression, such as <% task().result %> or {{ _.name }}";
            status = 400;
        } else if (!Playground.knows(language)) {
            error = "the language must be yaql or jinja, not '" + language + "'";
            status = 400;
        } else {
            try {
                TaskContexts.TaskContext c = contexts.of(e.id(), task.isEmpty() ? null : task);
                result = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(playground.evaluate(language, expression, c.data(), c.scope()));
            } catch (Playground.Failure f) {
                error = f.getMessage();
                status = f.syntax() ? 400 : 422;
            } catch (NotFoundException nf) {
                error = nf.getMessage();
                status = 404;
            } catch (com.fasterxml.jackson.core.JsonProcessingException j) {
                error = "the result cannot be shown as JSON: " + j.getOriginalMessage();
                status = 422;
            }
        }
        EvaluationView view = new EvaluationView(e.id(), expression, language, task, result, error);
        ctx.status(status);
        if (Ui.htmx(ctx)) Ui.page(ctx, "evaluation.jte", Ui.params("v", view));
        else Ui.page(ctx, "evaluationPage.jte", Ui.params("chrome", Ui.chrome(ctx, "Expression", "executions"), "v", view));
    }

    // ------------------------------------------------------------------ controls

    private void control(Context ctx, boolean dryRun) {
        Execution e = execution(ctx);
        String control = ctx.formParam("control");
        String task = ctx.formParam("task");
        if (task != null && task.isBlank()) task = null;
        String csrf = Ui.chrome(ctx, "", null).csrf();
        PreviewView view;
        if (control == null || control.isBlank()) {
            view = new PreviewView(e.id(), "", "", task, null, List.of(), List.of(), false, false, "choose a control", csrf);
            ctx.status(Ui.htmx(ctx) ? 422 : 400);
        } else if (EXECUTION_CONTROLS.contains(control)) {
            view = executionControl(e, control, dryRun, Ui.actor(ctx), csrf);
        } else {
            view = taskControl(e, control, task, dryRun, Ui.actor(ctx), csrf);
        }
        if (!Ui.htmx(ctx)) {
            if (!dryRun && view.error() == null) {
                ctx.redirect(back(e.id()), io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            Ui.page(ctx, "previewPage.jte", Ui.params("chrome", Ui.chrome(ctx, "Preview: " + control, "executions"), "p", view));
            return;
        }
        Ui.page(ctx, "preview.jte", Ui.params("p", view));
    }

    /** Pause, resume and cancel act on the whole execution; their preview says what happens to its tasks. */
    private PreviewView executionControl(Execution e, String control, boolean dryRun, String actor, String csrf) {
        List<PreviewView.Note> affected = new ArrayList<>();
        List<PreviewView.Note> others = new ArrayList<>();
        for (TaskExecution t : latest(e.id())) {
            ExecutionState s = t.state();
            boolean active = !s.isFinal();
            switch (control) {
                case "pause" -> {
                    if (s == ExecutionState.RUNNING) others.add(note(t, "keeps running: its jobs finish"));
                    else if (active) affected.add(note(t, "does not start while the execution is paused"));
                    else others.add(note(t, "already " + s));
                }
                case "resume" -> {
                    if (active) affected.add(note(t, "goes on"));
                    else others.add(note(t, "already " + s));
                }
                default -> {
                    if (s == ExecutionState.RUNNING) affected.add(note(t, "its running jobs are stopped (SIGTERM, then SIGKILL)"));
                    else if (active) affected.add(note(t, "never starts"));
                    else others.add(note(t, "already " + s));
                }
            }
        }
        String why = switch (control) {
            case "pause" -> e.state() == ExecutionState.RUNNING ? null : "the execution is " + e.state() + ", only a RUNNING execution can be paused";
            case "resume" -> e.state() == ExecutionState.PAUSED ? null : "the execution is " + e.state() + ", only a PAUSED execution can be resumed";
            default -> e.state().isFinal() ? "the execution is already " + e.state() : null;
        };
        String summary = switch (control) {
            case "pause" -> "Pause the execution: nothing new starts; running jobs finish.";
            case "resume" -> "Resume the execution: held work starts again.";
            default -> "Cancel the execution: running jobs are stopped and nothing more runs.";
        };
        if (dryRun || why != null) {
            return new PreviewView(e.id(), control, control, null, summary, affected, others, false, why == null, why, csrf);
        }
        try {
            Execution after = switch (control) {
                case "pause" -> tb.engine().pause(e.id(), actor);
                case "resume" -> tb.engine().resume(e.id(), actor);
                default -> tb.engine().cancel(e.id(), actor);
            };
            return new PreviewView(e.id(), control, control, null, "Done: the execution is " + after.state() + ".", affected, others, true, true, null, csrf);
        } catch (ConflictException | InvalidInputException ex) {
            return new PreviewView(e.id(), control, control, null, summary, affected, others, false, false, ex.getMessage(), csrf);
        }
    }

    /**
     * A task control. The preview is the engine's dry run over every task (which ones it would act on, and why
     * not the others); applying acts on the chosen task, or on every eligible task when none was chosen.
     */
    private PreviewView taskControl(Execution e, String word, String task, boolean dryRun, String actor, String csrf) {
        TaskControl control;
        try {
            control = TaskControl.parse(word);
        } catch (InvalidInputException ex) {
            return new PreviewView(e.id(), word, word, task, null, List.of(), List.of(), false, false, ex.getMessage(), csrf);
        }
        String label = word + (task == null ? " (every eligible task)" : " " + task);
        List<PreviewView.Note> affected = new ArrayList<>();
        List<PreviewView.Note> others = new ArrayList<>();
        String error = null;
        try {
            ControlReport all = tb.engine().control(e.id(), new ControlRequest(control, List.of(), null, null, 1, ControlRequest.DEFAULT_GRACE_MILLIS, true, actor));
            for (var n : all.affected()) (task == null || task.equals(n.task()) ? affected : others).add(new PreviewView.Note(n.task(), n.state(), task == null || task.equals(n.task()) ? n.note() : "not chosen (" + n.note() + ")"));
            for (var n : all.notEligible()) others.add(new PreviewView.Note(n.task(), n.state(), n.note()));
        } catch (ConflictException ex) {
            Object tasks = ex.details().get("tasks");
            if (tasks instanceof List<?> list) {
                for (Object o : list) if (o instanceof Map<?, ?> m) others.add(new PreviewView.Note(String.valueOf(m.get("task")), String.valueOf(m.get("state")), String.valueOf(m.get("note"))));
            }
            error = ex.getMessage();
        }
        if (task != null && affected.isEmpty() && error == null) {
            error = "cannot " + word + " " + task + ": " + others.stream().filter(n -> n.task().equals(task)).map(PreviewView.Note::note).findFirst().orElse("no such task");
        }
        if (dryRun || error != null) {
            return new PreviewView(e.id(), word, label, task, "Dry run of " + label + ": nothing has changed yet.", affected, others, false, error == null, error, csrf);
        }
        try {
            ControlReport done = tb.engine().control(e.id(), new ControlRequest(control, task == null ? List.of() : List.of(task), null, null, 1,
                    ControlRequest.DEFAULT_GRACE_MILLIS, false, actor));
            List<PreviewView.Note> acted = done.affected().stream().map(n -> new PreviewView.Note(n.task(), n.state(), n.note())).toList();
            return new PreviewView(e.id(), word, label, task, "Applied " + label + ".", acted, others, true, true, null, csrf);
        } catch (ConflictException | InvalidInputException ex) {
            return new PreviewView(e.id(), word, label, task, null, affected, others, false, false, ex.getMessage(), csrf);
        }
    }

    private List<TaskExecution> latest(String executionId) {
        Map<String, TaskExecution> byName = new LinkedHashMap<>();
        tb.queries().tasks(executionId).stream().sorted(Comparator.comparingLong(TaskExecution::seq)).forEach(t -> byName.put(t.name(), t));
        return List.copyOf(byName.values());
    }

    private static PreviewView.Note note(TaskExecution t, String note) {
        return new PreviewView.Note(t.name(), t.state().name(), note);
    }

    private Execution execution(Context ctx) {
        String id = ctx.pathParam("id");
        return tb.queries().execution(id).orElseThrow(() -> new NotFoundException("execution '" + id + "' does not exist"));
    }

    private Job job(String id) {
        return tb.queries().job(id).orElseThrow(() -> new NotFoundException("job '" + id + "' does not exist"));
    }

    static boolean over(JobState s) {
        return s.isFinal();
    }
}
