package io.trailboss.ui;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.trailboss.api.Access;
import io.trailboss.app.Trailboss;
import io.trailboss.record.RecordException;
import java.util.Set;

/**
 * The web UI under {@code /ui}: server-rendered pages (JTE) that call the domain directly. Read-only pages are
 * plain HTML with links and GET forms; htmx, its SSE extension and Mermaid (WebJars, served by this server)
 * only enhance them: live redraws, dialogs, previews in place.
 */
public final class UiRoutes {
    private final Trailboss tb;

    public UiRoutes(Trailboss tb) {
        this.tb = tb;
    }

    public void register(JavalinConfig config) {
        // scripts and the stylesheet hold nothing secret; the login page needs them before anybody signs in
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/webjars";
            sf.directory = "META-INF/resources/webjars";
            sf.location = Location.CLASSPATH;
            sf.roles = Set.of(Access.PUBLIC);
            sf.headers = java.util.Map.of("Cache-Control", "max-age=86400");
        });
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/ui/static";
            sf.directory = "ui/static";
            sf.location = Location.CLASSPATH;
            sf.roles = Set.of(Access.PUBLIC);
        });
        // the server's own time for each page, for browsers' developer tools and for the list-page benchmark
        config.routes.before("/ui/*", ctx -> ctx.attribute(STARTED, System.nanoTime()));
        // after the access check (registered after it): the UI's actions are HTML forms, any other body is a
        // client's mistake, not an empty form
        config.routes.beforeMatched("/ui/*", ctx -> {
            if (ctx.method() == io.javalin.http.HandlerType.POST && !isForm(ctx.contentType())) {
                // read what was sent (it is under the cap) so that the client, still writing, gets the answer
                ctx.bodyAsBytes();
                throw new io.javalin.http.HttpResponseException(415, "the web UI's actions take HTML form bodies"
                        + " (application/x-www-form-urlencoded), not " + (ctx.contentType() == null ? "no content type" : ctx.contentType()));
            }
        });
        config.routes.after("/ui/*", UiRoutes::serverTiming);
        ExecutionPages executions = new ExecutionPages(tb);
        executions.register(config.routes);
        new LiveStreams(tb).register(config.routes);
        new TargetPages(tb).register(config.routes);
        new BrowsePages(tb, executions).register(config.routes);
        new RecordingPages(tb).register(config.routes);
        config.routes.exception(RecordException.class, (e, ctx) -> notFound(ctx, e.getMessage()));
    }

    private static final String STARTED = "tb.ui.started";

    private static boolean isForm(String contentType) {
        if (contentType == null) return false;
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private static void serverTiming(Context ctx) {
        Long started = ctx.attribute(STARTED);
        if (started == null) return;
        try {
            double ms = (System.nanoTime() - started) / 1_000_000.0;
            ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.1f", ms));
        } catch (RuntimeException committed) {
            // an event stream has sent its headers long ago
        }
    }

    /** A page that says what was not found (the UI's answer where the API answers problem+json). */
    public static void notFound(Context ctx, String message) {
        ctx.status(404);
        Ui.page(ctx, "messagePage.jte", Ui.params("chrome", Ui.chrome(ctx, "Not found", null), "text", message));
    }
}
