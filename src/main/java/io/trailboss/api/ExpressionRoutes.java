package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.TaskContexts;
import io.trailboss.expr.Playground;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The expression playground: evaluates one YAQL or Jinja expression over the data given, or over a task of an
 * execution as the engine evaluated it there (its data context, task(), tasks(), execution(), env()); reads
 * only what the caller may read and changes nothing.
 */
final class ExpressionRoutes {
    private final Playground playground = new Playground();
    private final TaskContexts contexts;

    ExpressionRoutes(Trailboss tb) {
        this.contexts = new TaskContexts(tb.engine());
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/expressions/evaluate", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("language", "expression", "data", "execution", "task"));
            String language = Bodies.string(body, "language", true);
            if (!Playground.knows(language)) throw ApiException.badRequest("language", "'language' must be yaql or jinja, not '" + language + "'");
            String expression = Bodies.string(body, "expression", true);
            String execution = Bodies.string(body, "execution", false);
            String task = Bodies.string(body, "task", false);
            for (String field : new String[] {"execution", "task"}) {
                String v = Bodies.string(body, field, false);
                if (v != null && (v.isBlank() || v.length() > 200)) throw ApiException.badRequest(field, "'" + field + "' must be a name of 1 to 200 characters");
            }
            Object result;
            if (execution == null) {
                if (task != null) throw ApiException.badRequest("task", "'task' names a task of an execution: give 'execution' with it");
                result = playground.evaluate(language, expression, body.get("data"));
            } else {
                if (body.containsKey("data")) throw ApiException.badRequest("data", "give either 'data' or 'execution' (with an optional 'task'), not both");
                // out of the caller's sight is answered as missing, as a read of the execution is
                Visibility.of(ctx).execution(execution);
                TaskContexts.TaskContext c = contexts.of(execution, task);
                result = playground.evaluate(language, expression, c.data(), c.scope());
            }
            Map<String, Object> answer = new HashMap<>();
            answer.put("result", result);
            ctx.json(answer);
        }, Access.VIEWER);
    }
}
