package io.trailboss.api;

import io.javalin.config.RoutesConfig;
import io.trailboss.expr.Playground;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The expression playground: evaluates one YAQL or Jinja expression over the data given; reads and changes nothing. */
final class ExpressionRoutes {
    private final Playground playground = new Playground();

    void register(RoutesConfig r) {
        r.post("/api/v1/expressions/evaluate", ctx -> {
            Map<String, Object> body = Bodies.object(ctx, Set.of("language", "expression", "data"));
            String language = Bodies.string(body, "language", true);
            if (!Playground.knows(language)) throw ApiException.badRequest("language", "'language' must be yaql or jinja, not '" + language + "'");
            String expression = Bodies.string(body, "expression", true);
            Map<String, Object> answer = new HashMap<>();
            answer.put("result", playground.evaluate(language, expression, body.get("data")));
            ctx.json(answer);
        }, Access.VIEWER);
    }
}
