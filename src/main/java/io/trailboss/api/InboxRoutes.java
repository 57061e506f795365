package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.trailboss.app.Trailboss;
import io.trailboss.manual.Inbox;
import io.trailboss.store.PromptStore;
import io.trailboss.target.SecretBox;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What waits for a person: the inbox (manual steps and prompts of running jobs, oldest first),
 * decisions on manual steps, and answers to prompts. Who decided is the body's {@code by}, else the
 * {@code X-Trailboss-User} header, else "anonymous" (there is no authentication yet).
 */
final class InboxRoutes {
    private final Trailboss tb;

    InboxRoutes(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/inbox", ctx -> {
            int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
            int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            Inbox.Page page = Visibility.of(ctx).inbox(tb.inbox(), limit, offset);
            ctx.json(Bodies.page(page.items().stream().map(InboxRoutes::item).toList(), page.total(), limit, offset));
        }, Access.VIEWER);
        r.get("/api/v1/manual/{job}", ctx -> ctx.json(step(tb.inbox().step(ctx.pathParam("job")))), Access.VIEWER);
        r.post("/api/v1/manual/{job}/complete", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("values", "by"));
            tb.inbox().complete(ctx.pathParam("job"), Bodies.map(body, "values"), Bodies.actor(ctx, body));
            ctx.json(step(tb.inbox().step(ctx.pathParam("job"))));
        }, Access.OPERATOR);
        r.post("/api/v1/manual/{job}/fail", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("reason", "by"));
            String reason = Bodies.string(body, "reason", true);
            if (reason.isBlank()) throw ApiException.badRequest("reason", "'reason' must say why the step failed");
            tb.inbox().fail(ctx.pathParam("job"), reason, Bodies.actor(ctx, body));
            ctx.json(step(tb.inbox().step(ctx.pathParam("job"))));
        }, Access.OPERATOR);
        r.get("/api/v1/prompts/{id}", ctx -> ctx.json(prompt(tb.inbox().prompt(ctx.pathParam("id")))), Access.VIEWER);
        r.post("/api/v1/prompts/{id}/answer", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("text", "by"));
            String text = Bodies.string(body, "text", true);
            if (text.contains("\n")) throw ApiException.badRequest("text", "an answer is one line (a newline is added when it is sent)");
            ctx.json(prompt(tb.inbox().answer(ctx.pathParam("id"), text, Bodies.actor(ctx, body))));
        }, Access.OPERATOR);
    }

    /**
     * A manual step is decided only through its own routes, which check the answers against the
     * form and record who decided; the generic async completions refuse it.
     */
    static void refuseManual(Trailboss tb, String jobId) {
        tb.queries().job(jobId).filter(j -> io.trailboss.manual.ManualAction.NAME.equals(j.action())).ifPresent(j -> {
            throw new io.trailboss.engine.ConflictException("job '" + jobId + "' is a manual step: complete it with POST /api/v1/manual/"
                    + jobId + "/complete (its answers are checked against its form) or fail it with POST /api/v1/manual/" + jobId + "/fail");
        });
    }

    private static Map<String, Object> item(Inbox.Item i) {
        PromptStore.Waiting w = i.row();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", w.kind());
        v.put("id", w.id());
        v.put("job_id", w.jobId());
        v.put("execution_id", w.executionId());
        v.put("workflow", w.workflow());
        v.put("task", w.taskName());
        v.put("task_execution_id", w.taskId());
        v.put("target", w.target());
        v.put("since", Views.time(w.since()));
        if (i.manual()) {
            v.put("instructions", i.instructions());
            v.put("form", i.form().view());
        } else {
            v.put("question", w.body());
        }
        return v;
    }

    private static Map<String, Object> step(Inbox.Step s) {
        var j = s.job();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("job_id", j.id());
        v.put("execution_id", j.executionId());
        v.put("task_execution_id", j.taskExecutionId());
        v.put("target", j.target());
        v.put("state", j.state().name());
        v.put("waiting", s.waiting());
        v.put("instructions", s.instructions());
        v.put("form", s.form().view());
        if (j.output() instanceof Map<?, ?> out) {
            Map<String, Object> result = new LinkedHashMap<>();
            out.forEach((k, val) -> result.put(String.valueOf(k), SecretBox.isSealed(val) ? io.trailboss.engine.Secrets.MASK : val));
            v.put("result", result);
        } else {
            v.put("result", j.output());
        }
        v.put("error", j.error());
        v.put("since", j.startedAt() == null ? null : Views.time(j.startedAt()));
        v.put("finished_at", j.finishedAt() == null ? null : Views.time(j.finishedAt()));
        return v;
    }

    private static Map<String, Object> prompt(PromptStore.Prompt p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", p.id());
        v.put("job_id", p.jobId());
        v.put("execution_id", p.executionId());
        v.put("question", p.text());
        v.put("state", p.state());
        v.put("since", Views.time(p.createdAt()));
        v.put("answered_by", p.answeredBy());
        v.put("answered_at", p.answeredAt() == null ? null : Views.time(p.answeredAt()));
        v.put("closed_at", p.closedAt() == null ? null : Views.time(p.closedAt()));
        return v;
    }
}
